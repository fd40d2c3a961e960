package dev.netloom.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.netloom.api.ApiClient;
import dev.netloom.lab.Cleanup;
import dev.netloom.nodes.NetloomException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Tears a lab down from another terminal. */
@Command(name = "down", mixinStandardHelpOptions = true, header = "Tear a running lab down.",
        description = {"Tear a lab down: ask its controller to stop it (it stops the nodes, deletes the namespace and the",
                "run directory); if the controller is gone, remove what it left. LAB may be left out when one lab runs."})
final class DownCommand implements Callable<Integer> {

    @Parameters(paramLabel = "LAB", arity = "0..1", description = "Lab name (see `netloom status`).")
    String name;

    @Override
    public Integer call() {
        Cleanup.LabEntry lab = LabApi.find(name);
        if (lab.controllerAlive()) {
            if (java.nio.file.Files.exists(LabApi.socket(lab))) {
                try (ApiClient api = ApiClient.connect(LabApi.socket(lab), Duration.ofSeconds(5))) {
                    api.call("lab.down", new ObjectMapper().createObjectNode(), Duration.ofSeconds(30));
                } catch (NetloomException e) {
                    Say.line("the lab's API did not answer (" + e.getMessage() + "); stopping its controller instead");
                }
            }
            // wait for the controller to finish tearing down; SIGTERM (its shutdown hook tears down too) if it does not
            if (waitForExit(lab.journal().controller(), Duration.ofSeconds(60)) || Cleanup.stopController(lab, Duration.ofSeconds(60))) {
                Say.line("lab " + lab.name() + " is down");
                return 0;
            }
        }
        Cleanup.clean(lab, Say::line);
        return 0;
    }

    private static boolean waitForExit(long pid, Duration wait) {
        return ProcessHandle.of(pid).map(p -> {
            try {
                p.onExit().get(wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                return true;
            } catch (Exception e) {
                return false;
            }
        }).orElse(true);
    }
}

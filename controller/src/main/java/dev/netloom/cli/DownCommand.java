package dev.netloom.cli;

import dev.netloom.api.ApiClient;
import dev.netloom.lab.Cleanup;
import dev.netloom.nodes.Json;
import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.host.ProcessIdentity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** Tears a lab down from another terminal, whatever state its controller is in. */
@Command(name = "down", mixinStandardHelpOptions = true, header = "Tear a running lab down.",
        description = {"Tear a lab down: ask its controller to stop it (it stops the nodes, deletes the namespace and the",
                "run directory). A controller that does not finish within a minute gets SIGTERM, then SIGKILL (only that",
                "very process: pid, start time and arguments must match its journal); whatever a dead or killed controller",
                "left behind is then removed as `netloom cleanup` would. LAB may be left out when one lab runs."})
final class DownCommand implements Callable<Integer> {

    static final Duration KILL_WAIT = Duration.ofSeconds(10);

    @Parameters(paramLabel = "LAB", arity = "0..1", description = "Lab name (see `netloom status`).")
    String name;

    @Option(names = "--grace", paramLabel = "D", defaultValue = "60s",
            description = "How long the controller gets to tear the lab down before SIGTERM, and again before SIGKILL (default: ${DEFAULT-VALUE}).")
    String grace;

    @Override
    public Integer call() {
        Duration wait = RunCommand.durationOption("--grace", grace);
        if (name != null && dev.netloom.scenario.Names.LAB.matcher(name).matches()
                && Files.exists(dev.netloom.lab.LabPaths.coordinator(name).apiSocket())) {
            // a lab spread over hosts: its coordinator takes every host's part down (docs/scale-out.md)
            try (ApiClient api = ApiClient.connect(dev.netloom.lab.LabPaths.coordinator(name).apiSocket(), Duration.ofSeconds(5))) {
                api.call("lab.down", Json.MAPPER.createObjectNode(), wait);
            }
            Say.line("lab " + name + ": its coordinator takes every host's part down");
            return 0;
        }
        Cleanup.LabEntry lab = LabApi.find(name);
        if (lab.controllerAlive()) {
            ProcessIdentity controller = lab.journal().controller();
            askApi(lab, wait);
            if (!exited(controller, wait)) {
                Say.line("lab " + lab.name() + ": the controller (pid " + controller.pid() + ") did not finish; sending it SIGTERM");
                controller.signal(false);
                if (!exited(controller, wait)) {
                    Say.line("lab " + lab.name() + ": the controller is stuck; sending it SIGKILL and removing what it left");
                    controller.signal(true);
                    exited(controller, KILL_WAIT);
                }
            }
        }
        if (Files.exists(lab.dir()) && !Cleanup.clean(lab, true, Say::line)) {
            throw new NetloomException("lab " + lab.name() + " is still held by a process that does not end; see `netloom status " + lab.name() + "`");
        }
        Say.line("lab " + lab.name() + " is down");
        return 0;
    }

    private static void askApi(Cleanup.LabEntry lab, Duration wait) {
        if (!Files.exists(LabApi.socket(lab))) {
            return; // still coming up: it serves no API yet, SIGTERM will do
        }
        try (ApiClient api = ApiClient.connect(LabApi.socket(lab), Duration.ofSeconds(5))) {
            api.call("lab.down", Json.MAPPER.createObjectNode(), wait);
        } catch (NetloomException e) {
            Say.line("the lab's API did not answer (" + e.getMessage() + ")");
        }
    }

    /** Waits until that very process is gone; true if it is. */
    private static boolean exited(ProcessIdentity p, Duration wait) {
        return ProcessHandle.of(p.pid()).filter(h -> p.alive()).map(h -> {
            try {
                h.onExit().get(wait.toMillis(), TimeUnit.MILLISECONDS);
                return true;
            } catch (Exception e) {
                return !p.alive();
            }
        }).orElse(true);
    }
}

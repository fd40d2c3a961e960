package dev.netloom.cli;

import dev.netloom.agent.Coordinator;
import dev.netloom.api.ApiServer;
import dev.netloom.api.EventHub;
import dev.netloom.lab.LabPaths;
import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.QemuNode;
import dev.netloom.nodes.Units;
import dev.netloom.scenario.Scenario;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * The coordinator of a lab spread over hosts (docs/scale-out.md): connects to every host's agent and
 * serves the lab's API on this machine's socket, so `netloom status|exec|link -l LAB` work as for a
 * lab on one host. `netloom down LAB` (lab.down) takes every agent's part down.
 */
@Command(name = "coordinate", mixinStandardHelpOptions = true, header = "Drive the agents of a lab spread over several hosts as one lab.",
        description = {"Connect to the agent of every host (`netloom agent`), then serve the lab's API here: status, exec, link changes and",
                "events reach the agent that runs each node; an agent that goes away is reported and its nodes are FAILED. See docs/scale-out.md."})
final class CoordinateCommand implements Callable<Integer> {

    static final String READY_LINE = "netloom-coordinator: READY";

    @Mixin
    ScenarioFile file;

    @Mixin
    HostsOption hosts;

    @Mixin
    TokenFileOption tokenFile;

    @Option(names = "--wait", defaultValue = "10m", paramLabel = "DURATION",
            description = "How long to wait for each agent's API (agents serve once their part is READY); default ${DEFAULT-VALUE}.")
    String wait;

    @Override
    public Integer call() throws Exception {
        String token = tokenFile.read();
        Duration budget;
        try {
            budget = Units.duration(wait);
        } catch (IllegalArgumentException e) {
            throw new dev.netloom.nodes.BadInputException("--wait: " + e.getMessage(), e);
        }
        Scenario scenario = file.load();
        LabPaths paths = LabPaths.coordinator(scenario.name());
        EventHub hub = new EventHub();
        try (Coordinator c = Coordinator.connect(scenario, hosts.hosts(null), token, paths.dir(), hub, budget)) {
            ownerOnlyDir(paths.dir());
            CompletableFuture<Void> downAsked = new CompletableFuture<>();
            CompletableFuture<Void> agentsDown = new CompletableFuture<>();
            Thread hook = new Thread(() -> { // a signal: the agents go down before the JVM does
                downAsked.complete(null);
                try {
                    agentsDown.get(1, java.util.concurrent.TimeUnit.MINUTES);
                } catch (Exception e) {
                    // the JVM ends anyway
                }
            }, "netloom-coordinator-down");
            Runtime.getRuntime().addShutdownHook(hook);
            try (ApiServer api = ApiServer.start(c, hub, paths.apiSocket(), QemuNode.sharedLoops(), null, null, null, () -> downAsked.complete(null))) {
                System.err.println(READY_LINE + " lab " + scenario.name() + " api " + api.socket());
                System.err.flush();
                hub.publish(dev.netloom.lab.LabEvent.of(dev.netloom.lab.LabEvent.Kind.LAB, scenario.name(), "coordinator READY"));
                downAsked.join();
            } finally {
                c.down();
                try {
                    Files.deleteIfExists(paths.dir()); // empty once the API closed its socket
                } catch (IOException e) {
                    Say.line("cannot remove " + paths.dir() + ": " + e.getMessage());
                }
                agentsDown.complete(null);
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // shutting down: the hook already ran
                }
            }
        }
        return 0;
    }

    private static void ownerOnlyDir(Path dir) {
        try {
            Files.createDirectories(dir.getParent());
            if (!Files.isDirectory(dir)) {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
        } catch (IOException e) {
            throw new NetloomException("cannot create " + dir + ": " + e.getMessage(), e);
        }
    }
}

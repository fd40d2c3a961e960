package dev.netloom.cli;

import dev.netloom.agent.Coordinator;
import dev.netloom.api.ApiClient;
import dev.netloom.lab.Checks;
import dev.netloom.lab.Timeline;
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
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * The coordinator of a lab spread over hosts (docs/scale-out.md): connects to every host's agent and
 * serves the lab's API on this machine's socket, so `netloom status|exec|link -l LAB` work as for a
 * lab on one host. `netloom down LAB` (lab.down) takes every agent's part down.
 */
@Command(name = "coordinate", mixinStandardHelpOptions = true, header = "Drive the agents of a lab spread over several hosts as one lab.",
        description = {"Connect to the agent of every host (`netloom agent`), then serve the lab's API here: status, exec, link changes and",
                "events, consoles, captures and stats reach the agent that runs each node; an agent that goes away is reported and its nodes",
                "are FAILED. The scenario's checks and timeline are played once every agent answers. Agents are reached over mutual TLS",
                "(--tls-dir) with the shared token. See docs/scale-out.md."})
final class CoordinateCommand implements Callable<Integer> {

    static final String READY_LINE = "netloom-coordinator: READY";
    /** The line printed once the scenario's checks and timeline were played. */
    static final String PLAYED_LINE = "netloom-coordinator: PLAYED";

    @Mixin
    ScenarioFile file;

    @Mixin
    HostsOption hosts;

    @Mixin
    TokenFileOption tokenFile;

    @Mixin
    TlsDirOption tlsDir;

    @Option(names = "--down-after", description = {"After the checks and the timeline, take every agent's part down and end",
            "(exit 1 if a check failed): `netloom run` across hosts. Without it the lab stays up until `netloom down`."})
    boolean downAfter;

    @Option(names = "--no-play", description = {"Do not play the scenario's checks and timeline: for a coordinator started again",
            "on a lab that already played them (a Job's retry), or one driven from a script through its API."})
    boolean noPlay;

    @Option(names = "--wait", defaultValue = "10m", paramLabel = "DURATION",
            description = "How long to wait for each agent's API (agents serve once their part is READY); default ${DEFAULT-VALUE}.")
    String wait;

    @Override
    public Integer call() throws Exception {
        String token = tokenFile.read();
        dev.netloom.agent.LabTls tls = tlsDir.load(dev.netloom.agent.LabCertificates.COORDINATOR);
        Coordinator.Dialer dialer = (h, within) -> ApiClient.connectTls(h.apiAddress(), tls.clientFor(h.name()), token, within);
        Duration budget;
        try {
            budget = Units.duration(wait);
        } catch (IllegalArgumentException e) {
            throw new dev.netloom.nodes.BadInputException("--wait: " + e.getMessage(), e);
        }
        Scenario scenario = file.load();
        LabPaths paths = LabPaths.coordinator(scenario.name());
        EventHub hub = new EventHub();
        try (Coordinator c = Coordinator.connect(scenario, hosts.hosts(null), dialer, paths.dir(), hub, budget)) {
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
            try (ApiServer api = ApiServer.start(c, hub, paths.apiSocket(), QemuNode.sharedLoops(), null, null, null, null, () -> downAsked.complete(null))) {
                System.err.println(READY_LINE + " lab " + scenario.name() + " api " + api.socket());
                System.err.flush();
                hub.publish(dev.netloom.lab.LabEvent.of(dev.netloom.lab.LabEvent.Kind.LAB, scenario.name(), "coordinator READY"));
                long failed = noPlay ? 0 : play(scenario, c);
                if (downAfter) {
                    return failed == 0 ? 0 : 1;
                }
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

    /** The scenario's checks, then its timeline, through the coordinator; returns how many checks failed. */
    private static long play(Scenario scenario, Coordinator c) throws InterruptedException {
        if (scenario.checks().isEmpty() && scenario.timeline().isEmpty()) {
            return 0;
        }
        dev.netloom.lab.LabActions actions = c.actions();
        List<Checks.Result> checks = Checks.run(actions, scenario.checks());
        List<Timeline.Played> played = Timeline.play(actions, scenario.timeline(), Instant.now());
        long failed = RunCommand.printResults(checks, played);
        System.out.flush();
        System.err.println(PLAYED_LINE + " checks " + (checks.size() + played.stream().mapToInt(p -> p.checks().size()).sum()) + " failed " + failed
                + " timeline " + played.size() + " failed " + played.stream().filter(p -> !p.ok()).count());
        System.err.flush();
        return failed;
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

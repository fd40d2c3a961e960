package dev.netloom.cli;

import dev.netloom.fabric.Fabric;
import dev.netloom.lab.Cleanup;
import dev.netloom.lab.Journal;
import dev.netloom.lab.Lab;
import dev.netloom.lab.LabPaths;
import dev.netloom.nodes.NodeState;
import dev.netloom.nodes.host.Proc;
import dev.netloom.nodes.host.ProcessIdentity;
import dev.netloom.nodes.image.ImageStore;
import dev.netloom.nodes.image.TinyImageBuilder;
import dev.netloom.nodes.qemu.Accel;
import dev.netloom.nodes.qemu.AccelProbe;
import dev.netloom.scenario.ScenarioLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crash and signal safety with real controllers, nodes and namespaces: a controller killed (SIGTERM
 * or SIGKILL) at random moments of its bring-up leaves nothing once `cleanup` ran (and nothing at all
 * after SIGTERM); a lab running alongside is never touched; two starts of one name have one winner;
 * `down` ends a stuck controller; a corrupt journal breaks nothing else.
 */
@Tag("e2e")
class CrashSafetyE2ETest {

    private static final int ROUNDS = 20;
    private static final Duration BRING_UP = Duration.ofMinutes(5);
    private static final Duration TEARDOWN = Duration.ofMinutes(2);

    private static ImageStore store;
    private static Accel accel;
    private static Path dir;

    @BeforeAll
    static void images() throws Exception {
        store = ImageStore.fromEnvironment();
        new TinyImageBuilder(store, line -> System.err.println("tiny image: " + line)).build(false);
        accel = AccelProbe.forHost().resolve(Accel.AUTO, store.dir(TinyImageBuilder.NAME)).accel();
        dir = Files.createTempDirectory("netloom-crash");
    }

    @AfterAll
    static void removeFiles() {
        ImageStore.deleteTree(dir);
    }

    @Test
    void controllerKilledAtRandomMomentsOfBringUp_leavesNothing_andTheLabAlongsideIsUntouched() throws Exception {
        long seed = Long.getLong("netloom.crash.seed", System.nanoTime());
        System.err.println("crash test seed: " + seed + " (rerun with -Dnetloom.crash.seed=" + seed + ")");
        Random random = new Random(seed);
        Path victim = scenario("crashvic", "\"nodes\": [\"a\", \"b\", \"c\"], \"links\": [{\"between\": [\"a\", \"b\"]}, {\"between\": [\"b\", \"c\"]}]");
        try (Lab bystander = Lab.up(new ScenarioLoader(n -> store.find(n).isPresent()).load(
                "{\"name\": \"crashby\", \"nodes\": [\"p\", \"q\"], \"links\": [{\"between\": [\"p\", \"q\"]}]}", "bystander.json"), accel, store, null)) {
            Journal before = Journal.read(bystander.paths().journal());

            // round 0: a whole bring-up, to spread the kill moments of the other rounds over its length
            long t0 = System.nanoTime();
            try (ControllerProcess c = ControllerProcess.start("round 0", "run", victim.toString())) {
                assertThat(c.awaitLine("READY with", BRING_UP)).as("round 0 reaches READY; output:\n" + c.output()).isTrue();
                long bringUpMillis = Duration.ofNanos(System.nanoTime() - t0).toMillis();
                c.terminate();
                assertThat(c.awaitExit(TEARDOWN)).as("exit code after SIGTERM").isNotEqualTo(-1);
                assertThat(leftovers("crashvic")).as("left after SIGTERM of a READY lab").isEmpty();

                for (int round = 1; round <= ROUNDS; round++) {
                    boolean kill = random.nextBoolean();
                    long delay = (long) (random.nextDouble() * bringUpMillis * 1.1);
                    System.err.println("round " + round + ": " + (kill ? "SIGKILL" : "SIGTERM") + " after " + delay + " ms");
                    try (ControllerProcess r = ControllerProcess.start("round " + round, "run", victim.toString())) {
                        Thread.sleep(delay); // the fault's moment, not a synchronisation
                        if (kill) {
                            r.kill();
                        } else {
                            r.terminate();
                        }
                        assertThat(r.awaitExit(TEARDOWN)).as("round %d: controller ended", round).isNotEqualTo(-1);
                        if (!kill) {
                            assertThat(leftovers("crashvic")).as("round %d: left after SIGTERM at %d ms", round, delay).isEmpty();
                        }
                    }
                    CliRun cleanup = CliRun.of("cleanup");
                    assertThat(cleanup.exitCode()).as("cleanup: " + cleanup.err()).isZero();
                    assertThat(cleanup.err()).contains("lab crashby is running");
                    assertThat(leftovers("crashvic")).as("round %d: left after %s at %d ms and cleanup", round, kill ? "SIGKILL" : "SIGTERM", delay).isEmpty();
                    assertThat(Journal.read(bystander.paths().journal())).as("round %d: the bystander's journal", round).isEqualTo(before);
                }
            }

            assertThat(Fabric.exists("nl-crashby")).isTrue();
            assertThat(bystander.nodes().values()).allMatch(n -> n.state() == NodeState.READY);
            assertThat(before.pids()).allMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
            assertThat(bystander.exec("p", "ping -c 1 -w 5 q", Duration.ofSeconds(20)).exitCode()).isZero();
        }
        assertThat(leftovers("crashby")).isEmpty();
    }

    @Test
    void twoStartsOfOneName_oneWins_andTheLoserRemovesNothing() throws Exception {
        Path file = scenario("crashdup", "\"nodes\": [\"a\", \"b\"], \"links\": [{\"between\": [\"a\", \"b\"]}]");
        try (ControllerProcess first = ControllerProcess.start("first", "run", file.toString());
             ControllerProcess second = ControllerProcess.start("second", "run", file.toString())) {
            // one of them is refused at once with exit 2; the other comes up
            long deadline = System.nanoTime() + BRING_UP.toNanos();
            while (first.alive() && second.alive() && System.nanoTime() < deadline) {
                first.awaitExit(Duration.ofMillis(200));
            }
            ControllerProcess loser = first.alive() ? second : first;
            ControllerProcess winner = loser == first ? second : first;
            assertThat(loser.awaitExit(TEARDOWN)).as("the loser's exit code; output:\n" + loser.output()).isEqualTo(2);
            assertThat(loser.output()).contains("lab crashdup is already running");
            assertThat(winner.awaitLine("READY with", BRING_UP)).as("the winner comes up; output:\n" + winner.output()).isTrue();
            Journal journal = Journal.read(LabPaths.of("crashdup").journal());
            assertThat(journal.controller().pid()).isEqualTo(winner.pid());
            assertThat(journal.pids()).hasSize(2).allMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
            // what the winner made is its user's alone, from the moment each file was created
            LabPaths paths = LabPaths.of("crashdup");
            assertThat(mode(paths.dir())).isEqualTo("rwx------");
            assertThat(mode(paths.journal())).isEqualTo("rw-------");
            assertThat(mode(paths.events())).isEqualTo("rw-------");
            assertThat(mode(paths.node("a").dir())).isEqualTo("rwx------");
            assertThat(mode(paths.node("a").qemuLog())).isEqualTo("rw-------");

            winner.terminate();
            assertThat(winner.awaitExit(TEARDOWN)).isNotEqualTo(-1);
        }
        assertThat(leftovers("crashdup")).isEmpty();
    }

    @Test
    void up_interruptedBeforeReady_tearsTheLabDown() throws Exception {
        Path file = scenario("crashup", "\"nodes\": [\"a\", \"b\"], \"links\": [{\"between\": [\"a\", \"b\"]}]");
        try (ControllerProcess up = ControllerProcess.start("up", "up", file.toString())) {
            assertThat(up.awaitLine("creating namespace", BRING_UP)).as("output:\n" + up.output()).isTrue();
            up.terminate(); // as Ctrl-C in the terminal of `netloom up`

            assertThat(up.awaitExit(TEARDOWN)).as("`up` ended").isNotEqualTo(-1);
        }
        assertThat(leftovers("crashup")).as("left after `up` was interrupted, without cleanup").isEmpty();
    }

    @Test
    void down_ofAStuckController_killsItAndRemovesTheLab() throws Exception {
        Path file = scenario("crashstuck", "\"nodes\": [\"a\", \"b\"], \"links\": [{\"between\": [\"a\", \"b\"]}]");
        try (ControllerProcess c = ControllerProcess.start("stuck", "run", file.toString())) {
            assertThat(c.awaitLine("READY with", BRING_UP)).as("output:\n" + c.output()).isTrue();
            ProcessIdentity controller = Journal.read(LabPaths.of("crashstuck").journal()).controller();
            assertThat(Proc.run(List.of("kill", "-STOP", Long.toString(c.pid())), Duration.ofSeconds(10)).ok()).isTrue();

            CliRun down = CliRun.of("down", "crashstuck", "--grace", "3s");

            assertThat(down.exitCode()).as("down: " + down.err()).isZero();
            assertThat(down.err()).contains("SIGKILL");
            assertThat(controller.alive()).isFalse();
        }
        assertThat(leftovers("crashstuck")).isEmpty();
    }

    @Test
    void down_ofADeadController_removesWhatItLeft() throws Exception {
        Path file = scenario("crashdead", "\"nodes\": [\"a\", \"b\"], \"links\": [{\"between\": [\"a\", \"b\"]}]");
        try (ControllerProcess c = ControllerProcess.start("dead", "run", file.toString())) {
            assertThat(c.awaitLine("READY with", BRING_UP)).as("output:\n" + c.output()).isTrue();
            List<Long> qemus = Journal.read(LabPaths.of("crashdead").journal()).pids();
            c.kill();
            c.awaitExit(TEARDOWN);
            assertThat(qemus).as("QEMU outlives a killed controller").allMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));

            CliRun down = CliRun.of("down", "crashdead");

            assertThat(down.exitCode()).as("down: " + down.err()).isZero();
            assertThat(qemus).noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        }
        assertThat(leftovers("crashdead")).isEmpty();
    }

    @Test
    void aCorruptJournal_breaksNeitherStatusNorCleanupNorOtherLabs() throws Exception {
        Path corrupt = LabPaths.of("crashbad").dir();
        Files.createDirectories(corrupt);
        Files.writeString(new LabPaths(corrupt).journal(), "{\"lab\": \"crashbad\", \"namesp");
        try (ControllerProcess c = ControllerProcess.start("other", "up", scenario("crashok", "\"nodes\": [\"a\"]").toString())) {
            assertThat(c.awaitExit(BRING_UP)).as("up beside a corrupt journal; output:\n" + c.output()).isZero();

            CliRun status = CliRun.of("status", "--json");
            assertThat(status.exitCode()).as(status.err()).isZero();
            var labs = new com.fasterxml.jackson.databind.ObjectMapper().readTree(status.out());
            assertThat(labs.findValuesAsText("lab")).contains("crashok", "crashbad");
            assertThat(status.out()).contains("cannot read the lab journal");

            CliRun cleanup = CliRun.of("cleanup");
            assertThat(cleanup.exitCode()).as(cleanup.err()).isZero();
            assertThat(corrupt).doesNotExist();
            assertThat(CliRun.of("exec", "--lab", "crashok", "a", "--", "true").exitCode()).isZero();
        } finally {
            CliRun.of("down", "crashok");
            ImageStore.deleteTree(corrupt);
        }
        assertThat(leftovers("crashok")).isEmpty();
    }

    private static String mode(Path p) throws java.io.IOException {
        return java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p, java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    private static Path scenario(String name, String body) throws Exception {
        Path file = dir.resolve(name + ".json");
        Files.writeString(file, "{\"name\": \"" + name + "\", " + body + ", \"duration\": \"10m\"}");
        return file;
    }

    /** What a lab could have left on the host: its namespace, run directory and any process naming that directory. */
    static List<String> leftovers(String lab) {
        List<String> left = new ArrayList<>();
        if (Fabric.exists(Fabric.namespaceFor(lab))) {
            left.add("namespace " + Fabric.namespaceFor(lab));
        }
        Path labDir = LabPaths.of(lab).dir();
        if (Files.exists(labDir)) {
            left.add("run directory " + labDir);
        }
        ProcessHandle.allProcesses()
                .map(p -> ProcessIdentity.of(p.pid()).orElse(null))
                .filter(p -> p != null && p.cmdline().contains(labDir + "/"))
                .forEach(p -> left.add("process " + p.pid() + ": " + p.cmdline()));
        return left;
    }
}

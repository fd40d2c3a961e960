package dev.netloom.lab;

import dev.netloom.fabric.Fabric;
import dev.netloom.nodes.ExecResult;
import dev.netloom.nodes.QemuNode;
import dev.netloom.impairment.Impairment;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Real labs of real tiny nodes in real namespaces: routing, impairments, link failures, isolation, teardown, crash cleanup. */
@Tag("e2e")
class LabE2ETest {

    private static final String RING = """
            { "name": "e2ering",
              "nodes": ["a", "b", "c", "d"],
              "links": [ {"between": ["a", "b"]}, {"between": ["b", "c"]}, {"between": ["c", "d"]}, {"between": ["d", "a"]} ],
              "routing": "static",
              "checks": [ {"ping": "all"} ] }
            """;

    @Test
    void ring4_staticRouting_pingsAll_delayShowsAndClears_linkDownReroutes() {
        try (Lab lab = LabFixture.up(RING)) {
            List<Checks.Result> all = Checks.run(lab, lab.scenario().checks());
            assertThat(all).hasSize(12).allMatch(Checks.Result::ok);

            // a -> c is two hops: the route goes via b or d
            assertThat(lab.exec("a", "ip route", Duration.ofSeconds(10)).output()).contains("via");

            double base = minRtt(lab.exec("a", "ping -c 3 b", Duration.ofSeconds(20)));
            lab.setImpairment("a-b", "a->b", new Impairment(Duration.ofMillis(100), null, null, null, null, null, null));
            double delayed = minRtt(lab.exec("a", "ping -c 3 b", Duration.ofSeconds(20)));
            assertThat(delayed).isGreaterThanOrEqualTo(100.0);
            lab.setImpairment("a-b", null, Impairment.NONE);
            double cleared = minRtt(lab.exec("a", "ping -c 3 b", Duration.ofSeconds(20)));
            assertThat(cleared).isLessThan(100.0);
            assertThat(base).isLessThan(100.0);

            // a-b goes down: the path a -> b now runs a -> d -> c -> b
            lab.setLinkState("a-b", false);
            ExecResult around = lab.exec("a", "ping -c 2 -w 8 b && traceroute -n -w 2 -q 1 b", Duration.ofSeconds(30));
            assertThat(around.exitCode()).as(around.output()).isZero();
            assertThat(hops(around.output())).isEqualTo(3);
            lab.setLinkState("a-b", true);
            ExecResult back = lab.exec("a", "ping -c 2 -w 8 b && traceroute -n -w 2 -q 1 b", Duration.ofSeconds(30));
            assertThat(back.exitCode()).as(back.output()).isZero();
            assertThat(hops(back.output())).isEqualTo(1);
        }
    }

    @Test
    void twoLabsAtOnce_doNotInterfere() {
        String one = "{ \"name\": \"e2eone\", \"nodes\": [\"x\", \"y\"], \"links\": [{\"between\": [\"x\", \"y\"]}] }";
        String two = "{ \"name\": \"e2etwo\", \"nodes\": [\"x\", \"y\"], \"links\": [{\"between\": [\"x\", \"y\"], \"delay\": \"50ms\"}] }";
        try (Lab a = LabFixture.up(one); Lab b = LabFixture.up(two)) {
            assertThat(Fabric.exists("nl-e2eone")).isTrue();
            assertThat(Fabric.exists("nl-e2etwo")).isTrue();
            // same names, same addresses, separate networks: the delay of lab two does not show in lab one
            assertThat(minRtt(a.exec("x", "ping -c 3 y", Duration.ofSeconds(20)))).isLessThan(50.0);
            assertThat(minRtt(b.exec("x", "ping -c 3 y", Duration.ofSeconds(20)))).isGreaterThanOrEqualTo(50.0);
            a.setLinkState("x-y", false);
            assertThat(b.exec("x", "ping -c 1 -w 5 y", Duration.ofSeconds(20)).exitCode()).isZero();
            assertThat(a.exec("x", "ping -c 1 -w 2 y", Duration.ofSeconds(20)).exitCode()).isNotZero();
        }
    }

    @Test
    void down_leavesNoNamespaceProcessOrRunDirectory() {
        Lab lab = LabFixture.up("{ \"name\": \"e2edown\", \"nodes\": [\"p\", \"q\"], \"links\": [{\"between\": [\"p\", \"q\"]}] }");
        List<Long> pids = lab.nodes().values().stream().map(QemuNode::pid).toList();
        Path dir = lab.paths().dir();
        assertThat(pids).hasSize(2).allMatch(p -> ProcessHandle.of(p).isPresent());
        lab.down();
        assertThat(Fabric.exists("nl-e2edown")).isFalse();
        assertThat(dir).doesNotExist();
        assertThat(pids).noneMatch(p -> ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false));
        lab.down(); // idempotent
    }

    @Test
    void badImpairmentDirection_isRejectedAndTheLabKeepsWorking() {
        try (Lab lab = LabFixture.up("{ \"name\": \"e2ebad\", \"nodes\": [\"p\", \"q\"], \"links\": [{\"between\": [\"p\", \"q\"]}] }")) {
            assertThatThrownBy(() -> lab.setImpairment("p-q", "q->x", Impairment.NONE)).hasMessageContaining("directions: p->q, q->p");
            assertThatThrownBy(() -> lab.setImpairment("nope", null, Impairment.NONE)).hasMessageContaining("p-q");
            assertThat(lab.exec("p", "ping -c 1 -w 5 q", Duration.ofSeconds(20)).exitCode()).isZero();
        }
    }

    @Test
    void killedController_cleanupRemovesWhatItLeft() throws Exception {
        LabFixture.images();
        Path file = Files.createTempFile("crash", ".json");
        Files.writeString(file, "{ \"name\": \"e2ecrash\", \"nodes\": [\"p\", \"q\"], \"links\": [{\"between\": [\"p\", \"q\"]}], \"duration\": \"10m\" }");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.netloom.cli.Netloom", "run", file.toString()));
        Process controller = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            // the controller says READY on its output; read until then (no polling, no sleeps)
            BufferedReader out = new BufferedReader(new InputStreamReader(controller.getInputStream(), StandardCharsets.UTF_8));
            String line;
            boolean ready = false;
            while ((line = out.readLine()) != null) {
                System.err.println("controller: " + line);
                if (line.contains("READY with")) {
                    ready = true;
                    break;
                }
            }
            assertThat(ready).as("controller reached READY").isTrue();
            Journal journal = Journal.read(LabPaths.of("e2ecrash").journal());
            List<Long> qemus = journal.pids();
            controller.destroyForcibly().waitFor();
            // QEMU outlives its controller: that is what cleanup is for
            assertThat(qemus).allMatch(p -> ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false));
            assertThat(Cleanup.labs()).anyMatch(l -> l.name().equals("e2ecrash") && !l.controllerAlive());

            Cleanup.run(System.err::println);

            assertThat(qemus).noneMatch(p -> ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false));
            assertThat(Fabric.exists("nl-e2ecrash")).isFalse();
            assertThat(LabPaths.of("e2ecrash").dir()).doesNotExist();
        } finally {
            controller.destroyForcibly();
            Files.deleteIfExists(file);
            Cleanup.labs().stream().filter(l -> l.name().equals("e2ecrash")).forEach(l -> Cleanup.clean(l, System.err::println));
        }
    }

    /** The smallest round trip ping reports, in ms ("round-trip min/avg/max = 0.5/0.7/1.0 ms"). */
    static double minRtt(ExecResult r) {
        Matcher m = Pattern.compile("min/avg/max = ([0-9.]+)/").matcher(r.output());
        assertThat(m.find()).as("ping output: " + r.output()).isTrue();
        return Double.parseDouble(m.group(1));
    }

    /** Hops traceroute printed (lines that start with a hop number). */
    static long hops(String traceroute) {
        return traceroute.lines().filter(l -> l.matches("^\\s*\\d+\\s+\\d+\\.\\d+\\.\\d+\\.\\d+.*")).count();
    }
}

package dev.netloom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.netloom.lab.Checks;
import dev.netloom.lab.Figure;
import dev.netloom.lab.Lab;
import dev.netloom.lab.Stats;
import dev.netloom.lab.Timeline;
import dev.netloom.nodes.Json;
import dev.netloom.scenario.ImageCheck;
import dev.netloom.scenario.Scenario;
import dev.netloom.scenario.ScenarioLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The results document's shape, key by key, and the summary of figures over repeated runs (no lab: records made by hand). */
class ResultsTest {

    private static final String FILE = """
            {"name": "ckres", "nodes": ["a", "b"], "links": [{"between": ["a", "b"], "delay": "20ms"}],
             "checks": [{"fidelity": {"link": "a-b", "direction": "a->b"}}, {"ping": "all"}],
             "timeline": [{"at": "1s", "check": {"name": "still there", "reachable": {"from": "a", "to": "b"}}}]}
            """;
    private static final Scenario SCENARIO = new ScenarioLoader(ImageCheck.ANY).load(FILE, "ckres.json");
    private static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");

    private static Checks.Result result(String name, String kind, boolean ok, Instant started, Figure... figures) {
        return new Checks.Result(name, kind, ok, ok ? "fine" : "FAIL it broke", List.of(figures), started, Duration.ofMillis(1500), 1);
    }

    /** A run READY 6 s after its start, with a fidelity delay of {@code delay} ms and a timeline check 1 s into the timeline. */
    private static RunRecord run(int number, double delay, boolean pingOk) {
        Instant started = T0.plusSeconds(100L * number);
        Instant ready = started.plusSeconds(6);
        List<Checks.Result> checks = new ArrayList<>();
        checks.add(result("fidelity a-b a->b", "fidelity", true, ready, new Figure("delay", delay, "ms"), new Figure("loss", 0, "%")));
        checks.add(result("ping a->b", "ping", pingOk, ready.plusSeconds(9)));
        checks.add(result("ping b->a", "ping", true, ready.plusSeconds(9), new Figure("rtt", 40 + number, "ms")));
        Instant timelineStart = ready.plusSeconds(10);
        Checks.Result still = result("still there", "reachable", true, timelineStart.plusMillis(1004), new Figure("received", 3, "packets"));
        List<Timeline.Played> played = List.of(new Timeline.Played(Duration.ofSeconds(1), Duration.ofMillis(1004), "check still there", true,
                "ok: fine", List.of(still)));
        return new RunRecord(number, null, started, Duration.ofSeconds(6),
                List.of(new RunRecord.NodeRecord("a", "READY", Duration.ofMillis(2000 + number)), new RunRecord.NodeRecord("b", "READY", Duration.ofMillis(2500))),
                List.of(new RunRecord.EngineRecord("a-b", "a->b", "guest-netem"), new RunRecord.EngineRecord("a-b", "b->a", "guest-netem")),
                checks, timelineStart, played, false, 180L, "on: 100 MiB saved");
    }

    private static JsonNode document(List<RunRecord> runs, int repeat) throws Exception {
        HostFacts host = new HostFacts(2, 24105, "6.1.0-28-amd64", Map.of("qemu-system-x86_64", "QEMU emulator version 7.2.15"), "tcg", false);
        Map<String, Object> doc = Results.document(new Results.Source("ckres.json", FILE.getBytes(StandardCharsets.UTF_8)), SCENARIO.name(),
                Lab.planOf(SCENARIO), host, runs, repeat);
        return Json.MAPPER.readTree(Json.PRETTY.writeValueAsString(doc));
    }

    private static List<String> keys(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void document_hasTheScenarioHashHostPlanRunsAndSummary() throws Exception {
        JsonNode doc = document(List.of(run(1, 20.4, true)), 1);
        assertThat(keys(doc)).containsExactly("format", "ok", "scenario", "host", "plan", "repeat", "runs", "summary");
        assertThat(doc.get("format").asText()).isEqualTo("netloom-results/1");
        assertThat(doc.get("ok").asBoolean()).isTrue();
        // sha256sum of the same bytes
        assertThat(doc.at("/scenario/sha256").asText()).isEqualTo(java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(FILE.getBytes(StandardCharsets.UTF_8))));
        assertThat(doc.at("/scenario/sha256").asText()).hasSize(64);
        assertThat(keys(doc.get("host"))).containsExactly("cores", "memoryMiB", "kernel", "qemu", "accel", "hostNetem");
        assertThat(doc.at("/host/hostNetem").asBoolean()).isFalse();
        assertThat(keys(doc.get("plan"))).containsExactly("lab", "nodes", "segments");
        assertThat(doc.at("/plan/nodes/0/interfaces/0/address").asText()).isEqualTo("10.0.0.1/30");
        assertThat(doc.at("/plan/segments/0/impairments/a->b/delay").asText()).isEqualTo("20ms");
    }

    @Test
    void run_hasBootTimesEnginesChecksWithFiguresAndTimings_andTimelineEvents() throws Exception {
        JsonNode run = document(List.of(run(1, 20.4, true)), 1).at("/runs/0");
        assertThat(keys(run)).containsExactly("run", "ok", "error", "started", "upMillis", "nodes", "engines", "heldMiB", "ksm",
                "timelineStartMillis", "checks", "timeline");
        assertThat(run.get("upMillis").asLong()).isEqualTo(6000);
        assertThat(run.get("heldMiB").asLong()).isEqualTo(180);
        assertThat(run.get("ksm").asText()).isEqualTo("on: 100 MiB saved");
        assertThat(run.at("/nodes/0/bootMillis").asLong()).isEqualTo(2001);
        assertThat(run.at("/engines/1")).isEqualTo(Json.MAPPER.readTree("{\"link\": \"a-b\", \"direction\": \"b->a\", \"engine\": \"guest-netem\"}"));
        assertThat(run.get("timelineStartMillis").asLong()).isEqualTo(10_000);

        JsonNode fidelity = run.at("/checks/0");
        assertThat(keys(fidelity)).containsExactly("name", "kind", "phase", "ok", "detail", "startMillis", "millis", "attempts", "figures");
        assertThat(fidelity.get("phase").asText()).isEqualTo("checks");
        assertThat(fidelity.get("startMillis").asLong()).isZero();
        assertThat(fidelity.get("millis").asLong()).isEqualTo(1500);
        assertThat(fidelity.at("/figures/0")).isEqualTo(Json.MAPPER.readTree("{\"name\": \"delay\", \"value\": 20.4, \"unit\": \"ms\"}"));

        JsonNode timed = run.at("/checks/3");
        assertThat(timed.get("name").asText()).isEqualTo("still there");
        assertThat(timed.get("phase").asText()).isEqualTo("timeline");
        assertThat(timed.get("startMillis").asLong()).isEqualTo(11_004);

        JsonNode event = run.at("/timeline/0");
        assertThat(keys(event)).containsExactly("event", "plannedMillis", "actualMillis", "ok", "detail", "checks");
        assertThat(event.get("plannedMillis").asLong()).isEqualTo(1000);
        assertThat(event.get("actualMillis").asLong()).isEqualTo(1004);
        assertThat(event.at("/checks/0").asText()).isEqualTo("still there");
    }

    @Test
    void repeat_summarisesEveryFigure_medianMinMax_andCountsPasses() throws Exception {
        JsonNode doc = document(List.of(run(1, 20.4, true), run(2, 19.8, false), run(3, 21.0, true)), 3);
        assertThat(doc.get("ok").asBoolean()).isFalse();
        JsonNode summary = doc.get("summary");
        assertThat(keys(summary)).containsExactly("runs", "repeat", "passed", "failed", "upMillis", "bootMillis", "checks", "figures");
        assertThat(summary.get("passed").asInt()).isEqualTo(2);
        assertThat(summary.get("failed").asInt()).isEqualTo(1);
        assertThat(summary.at("/bootMillis/a")).isEqualTo(Json.MAPPER.readTree("{\"n\": 3, \"median\": 2002.0, \"min\": 2001.0, \"max\": 2003.0}"));
        assertThat(summary.at("/checks/1")).isEqualTo(Json.MAPPER.readTree("{\"name\": \"ping a->b\", \"kind\": \"ping\", \"passed\": 2, \"runs\": 3}"));
        assertThat(summary.at("/figures/0")).isEqualTo(Json.MAPPER.readTree(
                "{\"check\": \"fidelity a-b a->b\", \"figure\": \"delay\", \"unit\": \"ms\", \"n\": 3, \"median\": 20.4, \"min\": 19.8, \"max\": 21.0}"));
        assertThat(Results.figures(List.of(run(1, 20.4, true), run(2, 19.8, false))))
                .extracting(Results.FigureSummary::check, Results.FigureSummary::figure)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("fidelity a-b a->b", "delay"), org.assertj.core.groups.Tuple.tuple("fidelity a-b a->b", "loss"),
                        org.assertj.core.groups.Tuple.tuple("ping b->a", "rtt"), org.assertj.core.groups.Tuple.tuple("still there", "received"));
    }

    @Test
    void aFailedRun_keepsItsError_andCountsAsFailed() throws Exception {
        RunRecord failed = RunRecord.failed(2, T0, "node b: boot stalled");
        JsonNode doc = document(List.of(run(1, 20.4, true), failed), 2);
        assertThat(doc.get("ok").asBoolean()).isFalse();
        assertThat(doc.at("/runs/1/error").asText()).isEqualTo("node b: boot stalled");
        assertThat(doc.at("/runs/1/upMillis").isNull()).isTrue();
        assertThat(doc.at("/summary/failed").asInt()).isEqualTo(1);
        assertThat(doc.at("/summary/upMillis/n").asInt()).isEqualTo(1);
    }

    @Test
    void sameNameTwiceInARun_isSummarisedAsTwoChecks() {
        Checks.Result one = result("ping a->b", "ping", true, T0, new Figure("loss", 0, "%"));
        Checks.Result two = result("ping a->b", "ping", true, T0, new Figure("loss", 5, "%"));
        RunRecord r = new RunRecord(1, null, T0, Duration.ofSeconds(1), List.of(), List.of(), List.of(one, two), null, List.of(), false, null, null);
        assertThat(Results.figures(List.of(r))).extracting(Results.FigureSummary::check).containsExactly("ping a->b", "ping a->b #2");
        assertThat(Results.figures(List.of(r)).get(1).summary()).isEqualTo(new Stats.Summary(1, 5, 5, 5));
    }

    @Test
    void humanSummary_ofRepeatedRuns_listsRunsPassesAndFigures() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Results.printRepeat(new PrintStream(bytes, true, StandardCharsets.UTF_8), List.of(run(1, 20.4, true), run(2, 19.8, false)), 2);
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("run 1/2: ok: READY in 6.0 s, checks 4/4 passed, timeline 1/1 ok")
                .contains("run 2/2: FAILED: READY in 6.0 s, checks 3/4 passed")
                .contains("    FAIL ping a->b: FAIL it broke")
                .containsPattern("ping a->b\\s+ping\\s+1/2")
                .containsPattern("a\\s+2\\s+2\\s+2\\s+2")
                .containsPattern("fidelity a-b a->b\\s+delay\\s+20.1\\s+19.8\\s+20.4\\s+2  ms")
                .contains("2 of 2 runs, 1 passed, 1 failed");
    }

    @Test
    void failures_nameEachFailedCheckAndTimelineEvent_andWhy() {
        Checks.Result noReply = new Checks.Result("ping r1->r3", "ping", false, "FAIL no reply: 0 of 3 received", List.of(), T0, Duration.ZERO, 1);
        Timeline.Played cut = new Timeline.Played(Duration.ofMillis(5000), Duration.ofMillis(5100), "link r1-r2 down", false, "no such link", List.of());
        RunRecord r = new RunRecord(1, null, T0, Duration.ofSeconds(1), List.of(), List.of(), List.of(result("ping a->b", "ping", true, T0), noReply),
                T0, List.of(cut), false, null, null);
        assertThat(r.failures()).containsExactly("check ping r1->r3 failed: no reply: 0 of 3 received",
                "timeline event at 5 s (link r1-r2 down) failed: no such link");
        assertThat(run(1, 20.4, true).failures()).isEmpty();
    }

    @Test
    void sayFailures_onStderr_namesTheRunAndStopsAfterTwenty() {
        List<Checks.Result> many = new ArrayList<>();
        for (int i = 0; i < RunCommand.MAX_FAILURES_SAID + 5; i++) {
            many.add(result("ping a->n" + i, "ping", false, T0));
        }
        RunRecord r = new RunRecord(2, null, T0, Duration.ofSeconds(1), List.of(), List.of(), many, null, List.of(), false, null, null);
        PrintStream old = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            RunCommand.sayFailures("ckres", List.of(run(1, 20.4, true), r), 3);
        } finally {
            System.setErr(old);
        }
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(RunCommand.MAX_FAILURES_SAID + 1)
                .startsWith("netloom: ckres: run 2/3: check ping a->n0 failed: it broke")
                .endsWith("netloom: ckres: run 2/3: and 5 more failures (the summary lists them all)");
    }
}

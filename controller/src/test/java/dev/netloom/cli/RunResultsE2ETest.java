package dev.netloom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.netloom.lab.Cleanup;
import dev.netloom.nodes.Json;
import dev.netloom.nodes.image.ImageStore;
import dev.netloom.nodes.image.TinyImageBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** `netloom run --results FILE --repeat 2` and `run --json` on real tiny nodes: the documents they write. */
@Tag("e2e")
class RunResultsE2ETest {

    private static Path dir;

    @BeforeAll
    static void images() throws Exception {
        new TinyImageBuilder(ImageStore.fromEnvironment(), System.err::println).build(false);
        dir = Files.createTempDirectory("ckresults");
    }

    @AfterAll
    static void cleanUp() throws Exception {
        for (String lab : List.of("ckrep", "ckjson")) {
            Cleanup.labs().stream().filter(l -> l.name().equals(lab)).forEach(l -> Cleanup.clean(l, System.err::println));
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
    }

    private static List<String> keys(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void repeatTwice_writesOneDocumentWithBothRuns_andSummarisesEveryFigure() throws Exception {
        Path scenario = dir.resolve("rep.json");
        Files.writeString(scenario, """
                // two runs of the same lab, each checked and measured
                { "name": "ckrep", "nodes": ["a", "b"], "links": [{"between": ["a", "b"], "delay": "10ms"}],
                  "checks": [ {"fidelity": {"link": "a-b", "direction": "a->b", "samples": 50, "tolerance": {"delay": "15ms", "loss": "10%"}}},
                              {"exec": {"node": "b", "command": "uname -n", "output": "^b$"}} ],
                  "timeline": [ {"at": "1s", "check": {"name": "b answers", "reachable": {"from": "a", "to": "b"}, "within": "10s"}} ] }
                """);
        Path results = dir.resolve("rep-results.json");
        CliRun run = CliRun.of("run", scenario.toString(), "--results", results.toString(), "--repeat", "2");
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("run 1/2: ok").contains("run 2/2: ok").contains("2 of 2 runs, 2 passed, 0 failed")
                .containsPattern("fidelity a-b a->b\\s+delay\\s+[0-9.]+\\s+[0-9.]+\\s+[0-9.]+\\s+2  ms");

        JsonNode doc = Json.MAPPER.readTree(results.toFile());
        assertThat(keys(doc)).containsExactly("format", "ok", "scenario", "host", "plan", "repeat", "runs", "summary");
        assertThat(doc.get("ok").asBoolean()).isTrue();
        assertThat(doc.at("/scenario/sha256").asText())
                .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(scenario))));
        assertThat(doc.at("/host/cores").asInt()).isPositive();
        assertThat(doc.at("/host/qemu/qemu-system-x86_64").asText()).startsWith("QEMU emulator version");
        assertThat(doc.at("/host/accel").asText()).isIn("kvm", "tcg");
        assertThat(doc.at("/host/hostNetem").isBoolean()).isTrue();
        assertThat(doc.at("/plan/segments/0/impairments/a->b/delay").asText()).isEqualTo("10ms");
        assertThat(doc.get("runs")).hasSize(2);
        for (JsonNode run1 : doc.get("runs")) {
            assertThat(run1.get("ok").asBoolean()).isTrue();
            assertThat(run1.at("/nodes/0/bootMillis").asLong()).isPositive();
            assertThat(run1.at("/engines/0/engine").asText()).isNotBlank();
            assertThat(run1.get("checks")).hasSize(3);
            assertThat(run1.at("/checks/0/figures")).anyMatch(f -> f.get("name").asText().equals("delay") && f.get("unit").asText().equals("ms"));
            assertThat(run1.at("/checks/2/name").asText()).isEqualTo("b answers");
            assertThat(run1.at("/checks/2/phase").asText()).isEqualTo("timeline");
            assertThat(run1.at("/timeline/0/plannedMillis").asLong()).isEqualTo(1000);
            assertThat(run1.at("/timeline/0/actualMillis").asLong()).isGreaterThanOrEqualTo(990); // a wall-clock wait, to the millisecond
        }
        JsonNode delay = null;
        for (JsonNode f : doc.at("/summary/figures")) {
            if (f.get("check").asText().equals("fidelity a-b a->b") && f.get("figure").asText().equals("delay")) {
                delay = f;
            }
        }
        assertThat(delay).isNotNull();
        assertThat(delay.get("n").asInt()).isEqualTo(2);
        assertThat(delay.get("min").asDouble()).isLessThanOrEqualTo(delay.get("median").asDouble());
        assertThat(delay.get("max").asDouble()).isGreaterThanOrEqualTo(delay.get("median").asDouble());
        assertThat(doc.at("/summary/passed").asInt()).isEqualTo(2);
        assertThat(doc.at("/summary/bootMillis/a/n").asInt()).isEqualTo(2);
        assertThat(Cleanup.labs()).noneMatch(l -> l.name().equals("ckrep"));
    }

    @Test
    void json_printsTheDocument_alsoWhenACheckFails() throws Exception {
        Path scenario = dir.resolve("json.json");
        Files.writeString(scenario, """
                { "name": "ckjson", "nodes": ["a", "b"], "links": [{"between": ["a", "b"]}],
                  "checks": [ {"ping": {"from": "a", "to": "b", "count": 3, "interval": "200ms", "maxLoss": "0%"}},
                              {"name": "wrong exit", "exec": {"node": "a", "command": "false"}} ] }
                """);
        CliRun run = CliRun.of("run", "--json", scenario.toString());
        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        JsonNode doc = Json.MAPPER.readTree(run.out());
        assertThat(doc.get("format").asText()).isEqualTo("netloom-results/1");
        assertThat(doc.get("ok").asBoolean()).isFalse();
        assertThat(doc.get("repeat").asInt()).isEqualTo(1);
        JsonNode checks = doc.at("/runs/0/checks");
        assertThat(checks.at("/0/ok").asBoolean()).isTrue();
        assertThat(checks.at("/0/figures")).anyMatch(f -> f.get("name").asText().equals("loss") && f.get("unit").asText().equals("%"));
        assertThat(checks.at("/1/name").asText()).isEqualTo("wrong exit");
        assertThat(checks.at("/1/ok").asBoolean()).isFalse();
        assertThat(checks.at("/1/detail").asText()).contains("exit 1, expected 0");
        assertThat(checks.at("/1/millis").asLong()).isNotNegative();
    }
}

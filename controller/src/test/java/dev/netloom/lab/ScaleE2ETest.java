package dev.netloom.lab;

import com.fasterxml.jackson.databind.JsonNode;
import dev.netloom.cli.Netloom;
import dev.netloom.nodes.Json;
import dev.netloom.nodes.host.Ksm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scale soak, only in the `scale` profile ({@code mvn -B verify -Pscale}): 200 tiny nodes in one
 * lab (a 10 x 20 grid, statically routed) through {@code netloom run}; the two farthest nodes (opposite
 * corners, 28 hops) ping each other once the lab is READY, and again twice while it stays up for the
 * soak; then the nodes must hold at most 80 MiB each (when KSM merges them) and KSM's settings must be
 * what they were before the lab. {@code -Dnetloom.scale.rows=R -Dnetloom.scale.columns=C} and
 * {@code -Dnetloom.scale.soak=5m} change the size and the soak.
 */
@Tag("e2e")
@Tag("scale")
class ScaleE2ETest {

    /** The budget of the bring-up (issue 13): READY within 10 minutes. */
    static final Duration READY_BUDGET = Duration.ofMinutes(10);
    /** What a tiny node may hold of its own once KSM merged the lab (issue 13). */
    static final long MIB_PER_NODE = 80;

    private static Path dir;

    @BeforeAll
    static void files() throws Exception {
        LabFixture.images();
        dir = Files.createTempDirectory("netloom-scale");
    }

    @AfterAll
    static void removeFiles() {
        dev.netloom.nodes.image.ImageStore.deleteTree(dir);
    }

    @Test
    void twoHundredTinyNodes_comeUpWithinTenMinutes_andTheFarthestPairPingsThroughoutTheSoak() throws Exception {
        int rows = Integer.getInteger("netloom.scale.rows", 10);
        int columns = Integer.getInteger("netloom.scale.columns", 20);
        String soak = System.getProperty("netloom.scale.soak", "5m");
        int nodes = rows * columns;
        String lab = "soak" + ProcessHandle.current().pid() % 100_000;
        String last = "n" + nodes;
        Path file = dir.resolve("scale.json");
        Files.writeString(file, """
                { "name": "%s", "defaults": { "image": "tiny" },
                  "generate": { "topology": "grid", "rows": %d, "columns": %d },
                  "checks": [ { "ping": { "from": "n1", "to": "%s" } }, { "ping": { "from": "%s", "to": "n1" } } ],
                  "timeline": [
                    { "at": "1m", "node": "n1", "exec": "ping -c 3 %s" },
                    { "at": "%s", "node": "%s", "exec": "ping -c 3 n1" } ],
                  "duration": "%s" }
                """.formatted(lab, rows, columns, last, last, last, soak, last, soak));
        Optional<Ksm.Settings> ksmBefore = Ksm.HOST.settings();

        Instant t0 = Instant.now();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        int code;
        try (PrintStream capture = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            code = Netloom.run("run", "--json", file.toString());
        } finally {
            System.setOut(stdout);
        }
        String json = out.toString(StandardCharsets.UTF_8);
        System.err.printf("scale: %d nodes: exit %d in %.1f s%n%s%n", nodes, code, Duration.between(t0, Instant.now()).toMillis() / 1000.0,
                json.length() > 2000 ? json.substring(0, 600) + " ... " : json);

        assertThat(code).as("exit code of `netloom run` of %d tiny nodes", nodes).isZero();
        JsonNode summary = Json.MAPPER.readTree(json).path("runs").path(0);
        long upMillis = summary.path("upMillis").asLong();
        long heldMiB = summary.path("heldMiB").asLong();
        System.err.printf("scale: READY in %.1f s; after the soak the nodes hold %d MiB of their own, %d MiB each; KSM %s%n",
                upMillis / 1000.0, heldMiB, heldMiB / nodes, summary.path("ksm").asText());
        assertThat(summary.path("checks")).allMatch(c -> c.path("ok").asBoolean(), "every check passed");
        assertThat(summary.path("timeline")).allMatch(p -> p.path("ok").asBoolean(), "every soak ping passed");
        assertThat(Duration.ofMillis(upMillis)).as("time to READY of %d nodes", nodes).isLessThanOrEqualTo(READY_BUDGET);
        if (summary.path("ksm").asText().startsWith("on")) {
            assertThat(heldMiB / nodes).as("MiB each node holds of its own after the soak, KSM merging").isLessThanOrEqualTo(MIB_PER_NODE);
        }
        assertThat(Cleanup.labs()).noneMatch(l -> l.name().equals(lab));
        if (Cleanup.labs().stream().noneMatch(Cleanup.LabEntry::controllerAlive)) {
            assertThat(Ksm.HOST.settings()).as("KSM's settings, put back after the last lab").isEqualTo(ksmBefore);
        }
    }
}

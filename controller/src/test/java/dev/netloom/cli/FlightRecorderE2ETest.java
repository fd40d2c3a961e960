package dev.netloom.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.netloom.lab.Cleanup;
import dev.netloom.lab.LabPaths;
import dev.netloom.nodes.Json;
import dev.netloom.nodes.host.HostSetup;
import dev.netloom.nodes.image.ImageStore;
import dev.netloom.nodes.image.TinyImageBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** `"capture": {"ring": ...}` on real tiny nodes: a failing check saves its links' rings as pcapng beside the results. */
@Tag("e2e")
class FlightRecorderE2ETest {

    private static final String LAB = "capfr15";
    private static Path dir;

    @BeforeAll
    static void images() throws Exception {
        HostSetup.ensurePrograms(List.of("tcpdump", "tshark"), System.err::println);
        new TinyImageBuilder(ImageStore.fromEnvironment(), System.err::println).build(false);
        dir = Files.createTempDirectory("capfr15");
    }

    @AfterAll
    static void cleanUp() throws Exception {
        Cleanup.labs().stream().filter(l -> l.name().equals(LAB)).forEach(l -> Cleanup.clean(l, System.err::println));
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
    }

    @Test
    void aFailingCheck_savesItsLinksRings_asPcapngThatTsharkReads_andNamesThemInItsResult() throws Exception {
        Path scenario = dir.resolve("fr.json");
        Files.writeString(scenario, """
                { "name": "capfr15", "nodes": ["a", "b", "c"], "links": [{"between": ["a", "b"]}, {"between": ["b", "c"]}],
                  "capture": {"ring": "1M"},
                  "checks": [ {"ping": {"from": "a", "to": "c", "count": 3, "interval": "200ms"}},
                              {"name": "deliberately failing", "exec": {"node": "a", "command": "ping -c 2 -i 0.2 b; false"}} ] }
                """);
        Path results = dir.resolve("fr-results.json");
        CliRun run = CliRun.of("run", scenario.toString(), "--results", results.toString());
        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(1);
        assertThat(run.out()).contains("capture: fr-results.deliberately_failing.a-b.pcapng");

        JsonNode checks = Json.MAPPER.readTree(results.toFile()).at("/runs/0/checks");
        assertThat(checks.at("/0/ok").asBoolean()).isTrue();
        assertThat(checks.at("/0/captures").isMissingNode()).as("a check that passed saves nothing").isTrue();
        assertThat(checks.at("/1/ok").asBoolean()).isFalse();
        assertThat(checks.at("/1/captures")).hasSize(1); // the exec ran on a: a's only link
        Path saved = dir.resolve(checks.at("/1/captures/0").asText());
        assertThat(saved.getFileName().toString()).isEqualTo("fr-results.deliberately_failing.a-b.pcapng");

        // the ring holds both checks' pings on a-b: the first's to c crossed it too
        List<String> echo = CaptureE2ETest.tshark(saved, "icmp", "frame.interface_name", "icmp.type", "ip.dst");
        assertThat(echo).filteredOn(l -> l.startsWith("t0x0\t8\t")).hasSizeGreaterThanOrEqualTo(5); // 3 to c, 2 to b
        assertThat(echo).filteredOn(l -> l.startsWith("t1x0\t0\t")).hasSizeGreaterThanOrEqualTo(5); // their replies, as b sent them
        assertThat(CaptureE2ETest.tshark(saved, "frame", "frame.interface_description"))
                .contains("a-b a->b: frames a sends, seen as they enter the fabric on tap t0x0 (before host impairments)");

        assertThat(Files.exists(LabPaths.of(LAB).dir())).as("the rings go with the lab").isFalse();
        assertThat(CaptureE2ETest.tcpdumpsOf(LAB)).isEmpty();
    }
}

package dev.netloom.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.netloom.lab.Cleanup;
import dev.netloom.nodes.image.ImageStore;
import dev.netloom.nodes.image.TinyImageBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A detached lab driven by the CLI the way a person would: up, status, exec, link, down. */
@Tag("e2e")
class CliLabE2ETest {

    private static Path file;

    @BeforeAll
    static void scenario() throws Exception {
        new TinyImageBuilder(ImageStore.fromEnvironment(), System.err::println).build(false);
        file = Files.createTempFile("clilab", ".json");
        Files.writeString(file, """
                { "name": "e2ecli", "nodes": ["a", "b", "c"],
                  "links": [ {"between": ["a", "b"]}, {"between": ["b", "c"]} ],
                  "checks": [ {"ping": "all"} ] }
                """);
    }

    @AfterAll
    static void cleanUp() throws Exception {
        CliRun.down("e2ecli");
        Files.deleteIfExists(file);
    }

    @Test
    void upExecLinkDown_throughTheCli() throws Exception {
        Path events = file.resolveSibling(file.getFileName() + ".events.jsonl");
        Files.deleteIfExists(events);
        CliRun up = CliRun.of("up", file.toString(), "--events", events.toString(), "--metrics", "127.0.0.1:0");
        assertThat(up.exitCode()).as(up.err()).isZero();
        assertThat(up.out().strip()).isEqualTo("e2ecli");

        // the controller serves metrics on the port it picked, and says where
        java.util.regex.Matcher at = java.util.regex.Pattern.compile("metrics: (http://127\\.0\\.0\\.1:[0-9]+/metrics)").matcher(up.err());
        assertThat(at.find()).as(up.err()).isTrue();
        java.net.http.HttpResponse<String> page = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(at.group(1))).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(page.body()).contains("netloom_node_ready{lab=\"e2ecli\",node=\"c\"} 1\n");

        // ping all crossed every link both ways: every direction carried packets
        CliRun stats = CliRun.of("stats", "--lab", "e2ecli", "--json");
        assertThat(stats.exitCode()).as(stats.err()).isZero();
        JsonNode reading = new ObjectMapper().readTree(stats.out());
        assertThat(reading.path("links")).extracting(l -> l.path("direction").asText()).containsExactly("a->b", "b->a", "b->c", "c->b");
        assertThat(reading.path("links")).allSatisfy(l -> assertThat(l.path("packets").asLong()).isPositive());
        assertThat(CliRun.of("stats", "--lab", "e2ecli").out()).contains("DIRECTION").contains("PSS MIB");

        CliRun again = CliRun.of("up", file.toString());
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err()).contains("already up");

        CliRun status = CliRun.of("status", "e2ecli", "--json");
        JsonNode labs = new ObjectMapper().readTree(status.out());
        assertThat(labs.get(0).path("lab").asText()).isEqualTo("e2ecli");
        assertThat(Path.of(labs.get(0).path("socket").asText())).exists();

        CliRun ping = CliRun.of("exec", "--lab", "e2ecli", "a", "--", "ping", "-c", "1", "-w", "5", "c");
        assertThat(ping.exitCode()).as(ping.out()).isZero();
        assertThat(ping.out()).contains("1 packets received");
        assertThat(CliRun.of("exec", "--lab", "e2ecli", "b", "--", "exit", "7").exitCode()).isEqualTo(7);
        CliRun unknown = CliRun.of("exec", "--lab", "e2ecli", "zz", "--", "true");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("a, b, c");

        assertThat(CliRun.of("link", "set", "--lab", "e2ecli", "a-b", "--delay", "80ms").exitCode()).isZero();
        assertThat(CliRun.of("exec", "--lab", "e2ecli", "a", "--", "ping", "-c", "2", "b").out()).containsPattern("min/avg/max = (8\\d|9\\d|1\\d\\d)\\.");
        assertThat(CliRun.of("link", "set", "--lab", "e2ecli", "a-b", "--clear").exitCode()).isZero();
        assertThat(CliRun.of("link", "set", "--lab", "e2ecli", "a-b", "--loss", "lots").exitCode()).isEqualTo(2);
        assertThat(CliRun.of("link", "down", "--lab", "e2ecli", "b-c").exitCode()).isZero();
        assertThat(CliRun.of("exec", "--lab", "e2ecli", "a", "--", "ping", "-c", "1", "-w", "2", "c").exitCode()).isNotZero();
        assertThat(CliRun.of("link", "up", "--lab", "e2ecli", "b-c").exitCode()).isZero();
        assertThat(CliRun.of("exec", "--lab", "e2ecli", "a", "--", "ping", "-c", "1", "-w", "5", "c").exitCode()).isZero();

        CliRun down = CliRun.of("down", "e2ecli");
        assertThat(down.exitCode()).as(down.err()).isZero();
        assertThat(Cleanup.labs()).noneMatch(l -> l.name().equals("e2ecli"));
        assertThat(dev.netloom.fabric.Fabric.exists("nl-e2ecli")).isFalse();

        // the events file outlives the lab: one JSON object per line, from the nodes' READY to the lab's end
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(events)) {
            lines.add(new ObjectMapper().readTree(line));
        }
        assertThat(lines).filteredOn(e -> e.path("state").asText().equals("READY")).extracting(e -> e.path("subject").asText())
                .containsExactlyInAnyOrder("a", "b", "c");
        assertThat(lines).anySatisfy(e -> assertThat(e.path("kind").asText()).isEqualTo("check"));
        assertThat(lines).anySatisfy(e -> {
            assertThat(e.path("kind").asText()).isEqualTo("link");
            assertThat(e.path("subject").asText()).isEqualTo("b-c");
        });
        assertThat(lines.get(lines.size() - 1).path("kind").asText()).isEqualTo("lab");
        Files.delete(events);
    }
}

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
        Cleanup.labs().stream().filter(l -> l.name().equals("e2ecli")).forEach(l -> {
            CliRun.of("down", "e2ecli");
            Cleanup.labs().stream().filter(x -> x.name().equals("e2ecli")).forEach(x -> Cleanup.clean(x, System.err::println));
        });
        Files.deleteIfExists(file);
    }

    @Test
    void upExecLinkDown_throughTheCli() throws Exception {
        CliRun up = CliRun.of("up", file.toString());
        assertThat(up.exitCode()).as(up.err()).isZero();
        assertThat(up.out().strip()).isEqualTo("e2ecli");

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
    }
}

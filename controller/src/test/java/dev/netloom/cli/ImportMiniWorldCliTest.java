package dev.netloom.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.netloom.nodes.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** `netloom import miniworld`: a real MiniWorld example written as a scenario netloom loads; bad input exits 2 and writes nothing. */
class ImportMiniWorldCliTest {

    private static final Path MW = Path.of("src", "test", "resources", "miniworld");

    @Test
    void writesTheScenario_withItsNotes(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out.json");
        int rc = Netloom.run("import", "miniworld", MW.resolve("examples/nb_bridged_wifi.json").toString(),
                "--topologies", MW.resolve("core_topologies").toString(), "--image", "tiny", "--lab-name", "nbwifi", "-o", out.toString());
        assertThat(rc).isZero();
        JsonNode s = Json.MAPPER.readTree(Files.readString(out));
        assertThat(s.get("name").asText()).isEqualTo("nbwifi");
        assertThat(s.at("/defaults/image").asText()).isEqualTo("tiny");
        assertThat(s.get("notes").toString()).contains("--image tiny");
        assertThat(Netloom.run("validate", out.toString())).isNotEqualTo(2); // loads (the image may be missing here: exit 1 at most)
    }

    @Test
    void badInput_exits2_andWritesNothing(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out.json");
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"cnt_nodes\": 3, \"provisioning\": {\"image\": \"x.img\"}, \"walk_model\": {\"name\": \"core\"},"
                + " \"network\": {\"core\": {\"topologies\": [[0, \"missing.xml\"]]}}}");
        assertThat(Netloom.run("import", "miniworld", bad.toString(), "-o", out.toString())).isEqualTo(2);
        assertThat(out).doesNotExist();
        assertThat(Netloom.run("import", "miniworld", dir.resolve("nothing.json").toString(), "-o", out.toString())).isEqualTo(2);
        assertThat(out).doesNotExist();
        Files.writeString(out, "keep");
        assertThat(Netloom.run("import", "miniworld", MW.resolve("examples/batman_adv.json").toString(), "--topologies",
                MW.resolve("core_topologies").toString(), "-o", out.toString())).isEqualTo(2);
        assertThat(Files.readString(out)).isEqualTo("keep");
    }
}

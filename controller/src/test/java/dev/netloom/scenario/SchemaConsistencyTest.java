package dev.netloom.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** docs/scenario.schema.json must name exactly the keys the loader accepts, object by object. */
class SchemaConsistencyTest {

    private static JsonNode schema;

    @BeforeAll
    static void read() throws Exception {
        schema = new ObjectMapper().readTree(Path.of("..", "docs", "scenario.schema.json").toFile());
    }

    private static List<String> keys(JsonNode object, boolean withImpairment) {
        List<String> out = new ArrayList<>();
        object.get("properties").fieldNames().forEachRemaining(out::add);
        if (withImpairment) {
            out.addAll(ImpairmentIn.KEYS);
        }
        return out;
    }

    private static JsonNode def(String name) {
        return schema.get("$defs").get(name);
    }

    @Test
    void schema_isDraft2020_12() {
        assertThat(schema.get("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
    }

    @Test
    void schemaKeys_matchTheLoader() {
        assertThat(keys(schema, false)).containsExactlyInAnyOrderElementsOf(ScenarioReader.TOP_KEYS);
        assertThat(keys(def("defaults"), false)).containsExactlyInAnyOrderElementsOf(NodesSection.DEFAULTS_KEYS);
        assertThat(keys(def("nodeObject"), false)).containsExactlyInAnyOrderElementsOf(NodesSection.NODE_KEYS);
        assertThat(keys(def("nodeFile"), false)).containsExactlyInAnyOrderElementsOf(FilesSection.KEYS);
        assertThat(keys(def("impairmentFields"), false)).containsExactlyInAnyOrderElementsOf(ImpairmentIn.KEYS);
        assertThat(keys(def("link"), true)).containsExactlyInAnyOrderElementsOf(LinksSection.KEYS);
        assertThat(keys(def("endpointObject"), false)).containsExactlyInAnyOrderElementsOf(EndpointIn.KEYS);
        assertThat(keys(def("lan"), true)).containsExactlyInAnyOrderElementsOf(LansSection.KEYS);
        assertThat(keys(def("generator"), true)).containsExactlyInAnyOrderElementsOf(GenerateSection.KEYS);
        assertThat(keys(def("event"), false)).containsExactlyInAnyOrderElementsOf(TimelineSection.KEYS);
        assertThat(keys(def("addressing"), false)).containsExactlyInAnyOrderElementsOf(AddressingSection.KEYS);
        assertThat(keys(def("capture"), false)).containsExactlyInAnyOrderElementsOf(CaptureSection.KEYS);
    }

    @Test
    void schemaCheckKeys_matchTheLoader_kindByKind() {
        JsonNode check = def("check");
        assertThat(keys(check, false)).containsExactlyInAnyOrderElementsOf(ChecksSection.KEYS);
        assertThat(check.get("oneOf")).extracting(k -> k.get("required").get(0).asText()).containsExactlyElementsOf(ChecksSection.KINDS);
        assertThat(keys(check.get("properties").get("ping").get("oneOf").get(1), false)).containsExactlyInAnyOrderElementsOf(ChecksSection.PING_KEYS);
        assertThat(keys(def("execCheck"), false)).containsExactlyInAnyOrderElementsOf(ChecksSection.EXEC_KEYS);
        assertThat(keys(def("fidelityCheck"), false)).containsExactlyInAnyOrderElementsOf(ChecksSection.FIDELITY_KEYS);
        assertThat(keys(def("fidelityCheck").get("properties").get("expect"), false)).containsExactlyInAnyOrderElementsOf(ChecksSection.EXPECT_KEYS);
        assertThat(keys(def("fidelityCheck").get("properties").get("tolerance"), false)).containsExactlyInAnyOrderElementsOf(ChecksSection.TOLERANCE_KEYS);
        assertThat(keys(def("reachCheck"), false)).containsExactlyInAnyOrderElementsOf(ChecksSection.REACH_KEYS);
        assertThat(def("event").get("properties").get("check").get("$ref").asText()).isEqualTo("#/$defs/check");
        assertThat(def("execCheck").get("properties").get("command").get("$ref").asText()).isEqualTo("#/$defs/command");
        assertThat(check.get("properties").get("ping").get("oneOf").get(1).get("properties").get("count").get("maximum").asInt())
                .isEqualTo(ChecksSection.MAX_PING_COUNT);
    }

    @Test
    void schemaNamePatterns_matchNames() {
        assertThat(def("labName").get("pattern").asText()).isEqualTo("^" + Names.LAB.pattern() + "$");
        assertThat(def("nodeName").get("pattern").asText()).isEqualTo("^" + Names.NODE.pattern() + "$");
        assertThat(def("linkName").get("pattern").asText()).isEqualTo("^" + Names.LINK.pattern() + "$");
        assertThat(def("imageName").get("pattern").asText())
                .isEqualTo("^" + dev.netloom.nodes.image.ImageStore.NAME.pattern() + "$");
        assertThat(def("generator").get("properties").get("topology").get("enum"))
                .extracting(JsonNode::asText).containsExactlyElementsOf(Generators.Shape.keys());
    }

    @Test
    void schemaReservedNames_matchNames() {
        assertThat(def("labName").get("not").get("pattern").asText())
                .isEqualTo("^(" + String.join("|", Names.RESERVED_LAB_PREFIXES) + ")");
        assertThat(def("nodeName").get("not").get("enum")).extracting(JsonNode::asText)
                .containsExactlyElementsOf(Names.RESERVED_NODE_NAMES);
    }

    @Test
    void schemaCommand_hasTheConsoleLimitAndRefusesControlCharacters() {
        JsonNode command = def("command");
        assertThat(command.get("maxLength").asInt()).isEqualTo(dev.netloom.nodes.console.ExecFraming.MAX_COMMAND_BYTES);
        java.util.regex.Pattern pattern = java.util.regex.Pattern.compile(command.get("pattern").asText());
        assertThat(pattern.matcher("ip route add 10.0.0.0/8 via 10.1.0.1").matches()).isTrue();
        for (String bad : List.of("a\nb", "a\tb", "a\u007fb", "a\u009bb", "a\u0000b")) {
            assertThat(pattern.matcher(bad).matches()).as("%s", bad.codePointAt(1)).isFalse();
        }
        assertThat(def("commands").get("items").get("$ref").asText()).isEqualTo("#/$defs/command");
        assertThat(def("event").get("properties").get("exec").get("$ref").asText()).isEqualTo("#/$defs/command");
    }
}

package dev.netloom.scenario;

import static dev.netloom.scenario.ScenarioLoaderTest.assertError;
import static dev.netloom.scenario.ScenarioLoaderTest.load;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.netloom.nodes.console.ExecFraming;
import org.junit.jupiter.api.Test;

/** The rules that keep `validate` as strict as `run`: commands, reserved names, special address ranges, escaping. */
class LoadRulesTest {

    private static String withCommand(String command) {
        return "{\"name\": \"lab1\", \"nodes\": [\"a\", \"b\"], \"commands\": [\"" + command + "\"]}";
    }

    @Test
    void command_atTheConsoleLimit_isAccepted() {
        String command = "x".repeat(ExecFraming.MAX_COMMAND_BYTES);
        assertThat(load(withCommand(command)).commands()).containsExactly(command);
    }

    @Test
    void command_oneByteOverTheLimit_isRefusedNamingLengthAndLimit() {
        assertError("{\"name\": \"lab1\", \"nodes\": [\"a\", \"b\"], \"commands\": [^^\"" + "x".repeat(ExecFraming.MAX_COMMAND_BYTES + 1) + "\"]}",
                "/commands/0", "command is " + (ExecFraming.MAX_COMMAND_BYTES + 1) + " bytes", "the limit is " + ExecFraming.MAX_COMMAND_BYTES);
    }

    @Test
    void timelineExec_withANewline_isRefusedEscaped() {
        assertError("""
                {"name": "lab1", "nodes": ["a", "b"],
                 "timeline": [{"at": "1s", "node": "a", "exec": ^^"echo a\\nreboot"}]}
                """, "/timeline/0/exec", "control character \\n at index 6", "echo a\\nreboot");
    }

    @Test
    void nodeCommand_withATab_isRefused() {
        assertError("{\"name\": \"lab1\", \"nodes\": [{\"name\": \"a\", \"commands\": [^^\"echo\\ta\"]}, \"b\"]}",
                "/nodes/0/commands/0", "control character \\t");
    }

    @Test
    void generatedNodeName_thatIsReserved_isRefusedAtThePrefix() {
        assertError("{\"name\": \"lab1\", \"generate\": {\"topology\": \"line\", \"nodes\": 6, \"prefix\": ^^\"localhost\"}}",
                "/generate/prefix", "node name \"localhost4\" is reserved", "ip6-allnodes");
    }

    @Test
    void labName_startingWithAReservedPrefix_isRefusedListingThePrefixes() {
        assertError("{\"name\": ^^\"benchmark\", \"nodes\": [\"a\"]}", "/name", "starts with \"bench\"", "doctor or bench");
    }

    @Test
    void labName_containingAReservedWordLater_isAccepted() {
        assertThat(load("{\"name\": \"my-bench\", \"nodes\": [\"a\"]}").name()).isEqualTo("my-bench");
    }

    @Test
    void scratchNamespaces_ofDoctorAndBench_areNamespacesNoLabCanHave() {
        for (String owner : Names.RESERVED_LAB_PREFIXES) {
            String ns = Names.scratchNamespace(owner, "4242");
            String wouldBeLab = ns.substring(Names.NAMESPACE_PREFIX.length());
            assertThat(Names.reservedPrefixOf(wouldBeLab)).contains(owner);
        }
    }

    @Test
    void explicitAddress_inTheLinkLocalRange_isRefusedSuggestingAPrivateRange() {
        assertError("""
                {"name": "lab1", "nodes": ["a", "b"],
                 "links": [{"endpoints": [{"node": "a", "address": ^^"169.254.1.1/30"}, "b"]}]}
                """, "/links/0/endpoints/0/address", "169.254.0.0/16, the link-local range", "10.0.0.0/16");
    }

    @Test
    void privatePools_areAccepted() {
        for (String pool : new String[] {"10.0.0.0/16", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"}) {
            assertThat(load("{\"name\": \"lab1\", \"nodes\": [\"a\", \"b\"], \"links\": [{\"between\": [\"a\", \"b\"]}],"
                    + " \"addressing\": {\"pool\": \"" + pool + "\"}}").addressing().pool()).isEqualTo(pool);
        }
    }

    @Test
    void message_escapesControlCharactersOfTheSourceNameToo() {
        ScenarioException e = catchThrowableOfType(ScenarioException.class,
                () -> new ScenarioLoader(ImageCheck.ANY).load("{\"name\": 1}", "evil\n\u001b[2J.json"));
        assertThat(e.getMessage()).startsWith("evil\\n\\x1b[2J.json:1:10: /name: ").doesNotContain("\n", "\u001b");
        assertThat(e.source()).isEqualTo("evil\n\u001b[2J.json");
    }

    @Test
    void nonAsciiName_namesTheLookAlikeCharacter() {
        assertError("{\"name\": \"lab1\", \"nodes\": [^^\"r\u043e\u0443ter\"]}", "/nodes/0",
                "U+043E CYRILLIC SMALL LETTER O at position 2");
    }
}

package dev.netloom.scenario;

import dev.netloom.impairment.Impairment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.netloom.nodes.BadInputException;
import dev.netloom.scenario.Scenario.Endpoint;
import dev.netloom.scenario.Scenario.LinkDef;
import dev.netloom.scenario.Scenario.NodeDef;
import dev.netloom.scenario.Scenario.TimelineEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenarioLoaderTest {

    private static final ScenarioLoader LOADER = new ScenarioLoader(Set.of("tiny", "debian")::contains);

    static Scenario load(String json) {
        return LOADER.load(json, "t.json");
    }

    /**
     * Loads {@code json}, in which "^^" marks where the error must point, and checks that the message
     * is "t.json:LINE:COLUMN: POINTER: ..." and contains every one of {@code parts}.
     */
    static ScenarioException assertError(String marked, String pointer, String... parts) {
        return assertError(LOADER, marked, pointer, parts);
    }

    static ScenarioException assertError(ScenarioLoader loader, String marked, String pointer, String... parts) {
        int at = marked.indexOf("^^");
        assertThat(at).as("test JSON has a ^^ marker").isNotNegative();
        String before = marked.substring(0, at);
        int line = (int) before.chars().filter(c -> c == '\n').count() + 1;
        int column = at - (before.lastIndexOf('\n') + 1) + 1;
        ScenarioException e = catchThrowableOfType(ScenarioException.class, () -> loader.load(marked.replace("^^", ""), "t.json"));
        assertThat(e).as("loading must fail").isNotNull();
        assertThat(e.getMessage()).startsWith("t.json:" + line + ":" + column + ": " + pointer + ": ");
        assertThat(e.getMessage()).contains(parts).doesNotContain("\n");
        assertThat(e.pointer()).isEqualTo(pointer.equals("/") ? "" : pointer);
        assertThat(e.line()).isEqualTo(line);
        assertThat(e.column()).isEqualTo(column);
        assertThat(e).isInstanceOf(BadInputException.class);
        assertThat(e.exitCode()).isEqualTo(2);
        return e;
    }

    // ---------------------------------------------------------------- valid files

    private static final String FULL = """
            {
              "$schema": "../docs/scenario.schema.json",
              "version": 1,
              "name": "full",
              "description": "every key of format version 1",
              "defaults": { "image": "tiny", "memory": "128M", "cpus": 1 },
              "nodes": [
                "a",
                { "name": "b", "image": "debian", "memory": "1G", "cpus": 2, "commands": ["echo b"] },
                { "name": "c" },
                { "name": "n1", "image": "debian" }
              ],
              "links": [
                { "between": ["a", "b"], "delay": "10ms", "jitter": "2ms", "loss": "1%", "rate": "10mbit",
                  "duplicate": "0.5%", "corrupt": "0.1%", "reorder": "25%", "limit": 100 },
                { "between": ["a", "b"] },
                { "name": "bc", "endpoints": [ { "node": "b", "address": "10.9.0.1/24" }, { "node": "c", "address": "10.9.0.2/24" } ],
                  "delay": "5ms", "impairment": { "b->c": { "delay": "50ms" }, "c->b": { "loss": "5%" } } },
                { "endpoints": ["c", { "node": "n1" }] }
              ],
              "lans": [ { "name": "office", "members": ["a", "b", { "node": "c", "address": "10.50.0.3/24" }], "delay": "1ms" } ],
              "generate": { "topology": "ring", "nodes": 3, "prefix": "n", "delay": "3ms" },
              "addressing": { "pool": "10.100.0.0/16" },
              "routing": "none",
              "commands": ["sysctl -w net.ipv4.ip_forward=1"],
              "timeline": [
                { "at": "20s", "link": "a-b", "state": "down" },
                { "at": "10s", "link": "a-b", "set": { "loss": "20%" } },
                { "at": "12s", "link": "a-b", "direction": "a->b", "set": { "delay": "100ms" } },
                { "at": "25s", "node": "c", "action": "restart" },
                { "at": "30s", "node": "c", "exec": "ping -c 3 a" },
                { "at": "30s", "link": "office", "set": { "loss": "2%" } }
              ],
              "checks": [ { "ping": { "from": "a", "to": "c", "count": 5 } }, { "ping": "all" } ],
              "duration": "60s"
            }
            """;

    @Test
    void load_fullFile_mapsEveryKey() {
        Scenario s = load(FULL);

        assertThat(s.name()).isEqualTo("full");
        assertThat(s.defaults()).isEqualTo(new Scenario.Defaults("tiny", 128, 1));
        assertThat(s.nodes()).containsExactly(
                new NodeDef("a", "tiny", 128, 1, java.util.List.of()),
                new NodeDef("b", "debian", 1024, 2, java.util.List.of("echo b")),
                new NodeDef("c", "tiny", 128, 1, java.util.List.of()),
                new NodeDef("n1", "debian", 128, 1, java.util.List.of()),
                new NodeDef("n2", "tiny", 128, 1, java.util.List.of()),
                new NodeDef("n3", "tiny", 128, 1, java.util.List.of()));
        assertThat(s.links()).extracting(LinkDef::name)
                .containsExactly("a-b", "a-b-2", "bc", "c-n1", "n1-n2", "n1-n3", "n2-n3");

        Impairment first = new Impairment(Duration.ofMillis(10), Duration.ofMillis(2), 1.0, 10_000_000L, 0.5, 0.1, 25.0, 100L);
        assertThat(s.links().get(0).aToB()).isEqualTo(first);
        assertThat(s.links().get(0).bToA()).isEqualTo(first);
        assertThat(s.links().get(1).aToB()).isEqualTo(Impairment.NONE);

        LinkDef bc = s.links().get(2);
        assertThat(bc.a()).isEqualTo(new Endpoint("b", "10.9.0.1/24"));
        assertThat(bc.b()).isEqualTo(new Endpoint("c", "10.9.0.2/24"));
        assertThat(bc.aToB()).isEqualTo(new Impairment(Duration.ofMillis(50), null, null, null, null, null, null));
        assertThat(bc.bToA()).isEqualTo(new Impairment(Duration.ofMillis(5), null, 5.0, null, null, null, null));
        assertThat(s.links().get(3).b()).isEqualTo(new Endpoint("n1", null));
        assertThat(s.links().get(4).aToB().delay()).isEqualTo(Duration.ofMillis(3));

        assertThat(s.lans()).hasSize(1);
        assertThat(s.lans().get(0).members()).containsExactly(
                new Endpoint("a", null), new Endpoint("b", null), new Endpoint("c", "10.50.0.3/24"));
        assertThat(s.lans().get(0).impairment().delay()).isEqualTo(Duration.ofMillis(1));

        assertThat(s.addressing().pool()).isEqualTo("10.100.0.0/16");
        assertThat(s.routing()).isEqualTo(Scenario.Routing.NONE);
        assertThat(s.commands()).containsExactly("sysctl -w net.ipv4.ip_forward=1");
        assertThat(s.timeline()).extracting(TimelineEvent::at).containsExactly(
                Duration.ofSeconds(10), Duration.ofSeconds(12), Duration.ofSeconds(20), Duration.ofSeconds(25),
                Duration.ofSeconds(30), Duration.ofSeconds(30));
        assertThat(s.timeline().get(1)).isEqualTo(new TimelineEvent.LinkImpairment(Duration.ofSeconds(12), "a-b",
                new Impairment(Duration.ofMillis(100), null, null, null, null, null, null), "a->b"));
        assertThat(s.timeline().get(2)).isInstanceOfSatisfying(TimelineEvent.LinkState.class, e -> assertThat(e.up()).isFalse());
        assertThat(s.timeline().get(3)).isInstanceOfSatisfying(TimelineEvent.NodeAction.class, e -> assertThat(e.action()).isEqualTo("restart"));
        assertThat(s.timeline().get(4)).isInstanceOfSatisfying(TimelineEvent.NodeExec.class, e -> assertThat(e.command()).isEqualTo("ping -c 3 a"));
        assertThat(s.timeline().get(5)).isInstanceOfSatisfying(TimelineEvent.LinkImpairment.class, e -> assertThat(e.link()).isEqualTo("office"));
        assertThat(s.checks()).containsExactly(Check.of(Check.Ping.of("a", "c", 5)), Check.of(new Check.PingAll()));
        assertThat(s.duration()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void load_minimalFile_usesDefaults() {
        Scenario s = load("{\"name\": \"min\", \"nodes\": [\"a\", \"b\"], \"links\": [{\"between\": [\"a\", \"b\"]}]}");

        assertThat(s.defaults()).isEqualTo(Scenario.Defaults.BUILT_IN);
        assertThat(s.nodes()).containsExactly(new NodeDef("a", "tiny", 96, 1, java.util.List.of()),
                new NodeDef("b", "tiny", 96, 1, java.util.List.of()));
        assertThat(s.addressing()).isEqualTo(Scenario.Addressing.DEFAULT);
        assertThat(s.routing()).isEqualTo(Scenario.Routing.STATIC);
        assertThat(s.timeline()).isEmpty();
        assertThat(s.checks()).isEmpty();
        assertThat(s.duration()).isNull();
    }

    @Test
    void load_commentsAnywhere_areAllowed() {
        Scenario s = load("""
                // line comment before the object
                {
                  /* block
                     comment */
                  "name": "c1", // trailing comment
                  "nodes": ["a", /* inline */ "b"]
                }
                """);

        assertThat(s.nodes()).extracting(NodeDef::name).containsExactly("a", "b");
    }

    @Test
    void load_path_namesTheFileInErrors(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("ring.json");
        Files.writeString(file, "{\n  \"name\": \"r\",\n  \"nodes\": [\"a\"],\n  \"links\": [{\"between\": [\"a\", \"x\"]}]\n}\n");

        ScenarioException e = catchThrowableOfType(ScenarioException.class, () -> LOADER.load(file));

        assertThat(e.getMessage()).isEqualTo(file + ":4:31: /links/0/between/1: unknown node \"x\"; nodes are a");
    }

    @Test
    void load_missingFile_saysSo(@TempDir Path dir) {
        ScenarioException e = catchThrowableOfType(ScenarioException.class, () -> LOADER.load(dir.resolve("nope.json")));

        assertThat(e.getMessage()).startsWith(dir.resolve("nope.json") + ": no such file");
    }

    @Test
    void defaultLinkNames_parallelLinksGetSuffixes_andSkipExplicitNames() {
        Scenario s = load("""
                {"name": "p", "nodes": ["a", "b"], "links": [
                  {"between": ["a", "b"]}, {"between": ["a", "b"]}, {"name": "a-b-3", "between": ["b", "a"]},
                  {"between": ["a", "b"]}, {"between": ["b", "a"]}]}
                """);

        assertThat(s.links()).extracting(LinkDef::name).containsExactly("a-b", "a-b-2", "a-b-3", "a-b-4", "b-a");
    }

    @Test
    void generatedNode_listedWithTheSameName_takesTheListedSettings() {
        Scenario s = load("""
                {"name": "g", "nodes": [{"name": "n2", "memory": "256M", "commands": ["echo hi"]}],
                 "generate": {"topology": "line", "nodes": 3}}
                """);

        assertThat(s.nodes()).extracting(NodeDef::name).containsExactly("n2", "n1", "n3");
        assertThat(s.nodes().get(0)).isEqualTo(new NodeDef("n2", "tiny", 256, 1, java.util.List.of("echo hi")));
        assertThat(s.links()).extracting(LinkDef::name).containsExactly("n1-n2", "n2-n3");
    }

    @Test
    void generate_listOfGenerators_joinedByListedLinks() {
        Scenario s = load("""
                {"name": "two", "generate": [{"topology": "ring", "nodes": 3, "prefix": "r"},
                                             {"topology": "star", "nodes": 3, "prefix": "s"}],
                 "links": [{"between": ["r1", "s1"]}]}
                """);

        assertThat(s.nodes()).extracting(NodeDef::name).containsExactly("r1", "r2", "r3", "s1", "s2", "s3");
        assertThat(s.links()).extracting(LinkDef::name).containsExactly("r1-s1", "r1-r2", "r1-r3", "r2-r3", "s1-s2", "s1-s3");
    }

    @Test
    void timeline_sortsStablyByTime() {
        Scenario s = load("""
                {"name": "t", "nodes": ["a", "b"], "links": [{"between": ["a", "b"]}], "timeline": [
                  {"at": "2s", "node": "a", "exec": "second"}, {"at": "1s", "node": "a", "exec": "first"},
                  {"at": "2s", "node": "a", "exec": "third"}, {"at": "0", "node": "b", "action": "stop"}]}
                """);

        assertThat(s.timeline()).extracting(e -> e instanceof TimelineEvent.NodeExec x ? x.command() : ((TimelineEvent.NodeAction) e).action())
                .containsExactly("stop", "first", "second", "third");
    }

    @Test
    void jitterAddedLater_isFine_whenTheLinkHasADelayByThen() {
        Scenario s = load("""
                {"name": "t", "nodes": ["a", "b"], "links": [{"between": ["a", "b"]}], "timeline": [
                  {"at": "2s", "link": "a-b", "set": {"jitter": "1ms"}}, {"at": "1s", "link": "a-b", "set": {"delay": "5ms"}}]}
                """);

        assertThat(s.timeline()).hasSize(2);
    }

    @Test
    void perDirectionKeys_overrideSymmetricOnesFieldByField() {
        Scenario s = load("""
                {"name": "d", "nodes": ["a", "b"], "links": [{"between": ["a", "b"], "delay": "10ms", "loss": "1%",
                  "impairment": {"b->a": {"delay": "30ms"}}}]}
                """);

        assertThat(s.links().get(0).aToB()).isEqualTo(new Impairment(Duration.ofMillis(10), null, 1.0, null, null, null, null));
        assertThat(s.links().get(0).bToA()).isEqualTo(new Impairment(Duration.ofMillis(30), null, 1.0, null, null, null, null));
    }

    // ---------------------------------------------------------------- errors: syntax and keys

    @Test
    void unknownKey_listsTheValidKeys() {
        assertError("""
                {
                  "name": "x",
                  "nodes": ["a", "b"],
                  "links": [ { "between": ["a", "b"], ^^"delya": "10ms" } ]
                }
                """, "/links/0/delya", "unknown key \"delya\" in a link; valid keys are name, between, endpoints, impairment, state, delay, jitter");
    }

    @Test
    void unknownTopLevelKey_listsTheValidKeys() {
        assertError("""
                {"name": "x", ^^"node": []}
                """, "/node", "unknown key \"node\" in a scenario; valid keys are $schema, version, name");
    }

    @Test
    void duplicateKey_isAnError() {
        assertError("""
                {
                  "name": "x",
                  ^^"name": "y"
                }
                """, "/name", "duplicate key \"name\" (first at line 2, column 3); keep only one");
    }

    @Test
    void syntaxError_pointsAtTheProblem() {
        ScenarioException e = assertError("""
                {
                  "name": "x",
                  "nodes": ["a" ^^"b"]
                }
                """, "/nodes", "invalid JSON: ");

        assertThat(e.getMessage()).doesNotContain("Source:");
    }

    @Test
    void trailingGarbage_isAnError() {
        assertError("{\"name\": \"x\"} ^^{}", "/", "unexpected content after the end");
    }

    @Test
    void notAnObject_isAnError() {
        assertError("^^[1, 2]", "/", "expected a scenario (a JSON object), found a list");
    }

    @Test
    void wrongType_saysWhatWasExpected() {
        assertError("{\"name\": \"x\", \"nodes\": [\"a\"], \"defaults\": {\"cpus\": ^^\"2\"}}", "/defaults/cpus",
                "expected cpus (a whole number), found a string");
    }

    @Test
    void unsupportedVersion_isAnError() {
        assertError("{\"version\": ^^2, \"name\": \"x\"}", "/version", "unsupported version 2; this netloom reads version 1");
    }

    @Test
    void noNodes_isAnError() {
        assertError("{\"name\": \"x\", \"nodes\": ^^[]}", "/nodes", "the scenario has no nodes");
    }

    @Test
    void missingName_isAnError() {
        assertError("^^{\"nodes\": [\"a\"]}", "/", "missing \"name\"; add \"name\": \"lab1\"");
    }

    // ---------------------------------------------------------------- errors: names

    @Test
    void invalidLabName_isAnError() {
        assertError("{\"name\": ^^\"My_Lab\"}", "/name", "invalid lab name \"My_Lab\"; use 1-12 characters");
    }

    @Test
    void tooLongLabName_isAnError() {
        assertError("{\"name\": ^^\"abcdefghijklm\"}", "/name", "invalid lab name \"abcdefghijklm\"");
    }

    @Test
    void invalidNodeName_isAnError() {
        assertError("{\"name\": \"x\", \"nodes\": [\"a\", {\"name\": ^^\"Router1\"}]}", "/nodes/1/name",
                "invalid node name \"Router1\"; use 1-15 characters");
    }

    @Test
    void invalidLinkName_isAnError() {
        assertError("{\"name\": \"x\", \"nodes\": [\"a\", \"b\"], \"links\": [{\"name\": ^^\"A/B\", \"between\": [\"a\", \"b\"]}]}",
                "/links/0/name", "invalid link name \"A/B\"");
    }

    @Test
    void invalidImageName_isAnError() {
        assertError("{\"name\": \"x\", \"defaults\": {\"image\": ^^\"Debian 12\"}}", "/defaults/image", "invalid image name \"Debian 12\"");
    }

    @Test
    void duplicateNodeName_isAnError() {
        assertError("""
                {"name": "x", "nodes": ["a", "b", {"name": ^^"a"}]}
                """, "/nodes/2/name", "duplicate node name \"a\" (also at /nodes/0)");
    }

    @Test
    void duplicateLinkAndLanName_isAnError() {
        assertError("""
                {"name": "x", "nodes": ["a", "b"],
                 "links": [{"name": "seg", "between": ["a", "b"]}],
                 "lans": [{"name": ^^"seg", "members": ["a", "b"]}]}
                """, "/lans/0/name", "name \"seg\" is already used by /links/0; link and LAN names must be unique");
    }

    @Test
    void generatedNameTwice_isAnError() {
        assertError("""
                {"name": "x", "generate": [{"topology": "line", "nodes": 2}, ^^{"topology": "ring", "nodes": 3}]}
                """, "/generate/1", "node \"n1\" is generated twice (also by /generate/0); give each generator its own \"prefix\"");
    }

    // ---------------------------------------------------------------- errors: references

    @Test
    void unknownNodeInLink_listsTheNodes() {
        assertError("""
                {
                  "name": "ring",
                  "nodes": ["a", "b", "c"],
                  "links": [{"between": ["a", "b"]}, {"between": ["b", "c"]}, {"between": ["c", ^^"x"]}]
                }
                """, "/links/2/between/1", "unknown node \"x\"; nodes are a, b, c");
    }

    @Test
    void unknownNode_manyNodes_listsTheFirstTen() {
        ScenarioException e = assertError("""
                {"name": "big", "generate": {"topology": "line", "nodes": 12},
                 "checks": [{"ping": {"from": "n1", "to": ^^"m1"}}]}
                """, "/checks/0/ping/to", "unknown node \"m1\"; nodes are n1, n2, n3, n4, n5, n6, n7, n8, n9, n10, ... (12 in all)");

        assertThat(e.getMessage()).doesNotContain("n11");
    }

    @Test
    void unknownNodeInLan_listsTheNodes() {
        assertError("{\"name\": \"x\", \"nodes\": [\"a\", \"b\"], \"lans\": [{\"name\": \"l\", \"members\": [\"a\", {\"node\": ^^\"q\"}]}]}",
                "/lans/0/members/1/node", "unknown node \"q\"; nodes are a, b");
    }

    @Test
    void unknownNodeInTimeline_listsTheNodes() {
        assertError("{\"name\": \"x\", \"nodes\": [\"a\", \"b\"], \"timeline\": [{\"at\": \"1s\", \"node\": ^^\"z\", \"action\": \"stop\"}]}",
                "/timeline/0/node", "unknown node \"z\"; nodes are a, b");
    }

    @Test
    void unknownLinkInTimeline_listsTheLinks() {
        assertError("""
                {"name": "x", "nodes": ["a", "b", "c"], "links": [{"between": ["a", "b"]}, {"name": "bc", "between": ["b", "c"]}],
                 "lans": [{"name": "l1", "members": ["a", "c"]}],
                 "timeline": [{"at": "1s", "link": ^^"b-c", "state": "down"}]}
                """, "/timeline/0/link", "unknown link \"b-c\"; links and LANs are a-b, bc, l1");
    }

    @Test
    void timelineDirection_mustBeOneOfTheLinksDirections() {
        assertError("""
                {"name": "x", "nodes": ["a", "b"], "links": [{"between": ["a", "b"]}],
                 "timeline": [{"at": "1s", "link": "a-b", "direction": ^^"a->c", "set": {"loss": "1%"}}]}
                """, "/timeline/0/direction", "unknown direction \"a->c\" for link \"a-b\"; directions are a->b, b->a");
    }

    @Test
    void timelineEvent_withBothLinkAndNode_isAnError() {
        assertError("""
                {"name": "x", "nodes": ["a", "b"], "links": [{"between": ["a", "b"]}],
                 "timeline": [{"at": "1s", "link": "a-b", ^^"node": "a", "state": "down"}]}
                """, "/timeline/0/node", "an event is about a \"link\" or a \"node\", not both");
    }

    @Test
    void timelineLinkEvent_withNodeKeys_listsTheValidKeys() {
        assertError("""
                {"name": "x", "nodes": ["a", "b"], "links": [{"between": ["a", "b"]}],
                 "timeline": [{"at": "1s", "link": "a-b", ^^"action": "stop"}]}
                """, "/timeline/0/action", "unknown key \"action\" in a link event; valid keys are at, link, direction, set, state");
    }

    @Test
    void timelineAction_mustBeKnown() {
        assertError("""
                {"name": "x", "nodes": ["a"], "timeline": [{"at": "1s", "node": "a", "action": ^^"reboot"}]}
                """, "/timeline/0/action", "unknown action \"reboot\"; actions are stop, start, restart");
    }

    @Test
    void timelineState_mustBeUpOrDown() {
        assertError("""
                {"name": "x", "nodes": ["a", "b"], "links": [{"between": ["a", "b"]}],
                 "timeline": [{"at": "1s", "link": "a-b", "state": ^^"off"}]}
                """, "/timeline/0/state", "unknown state \"off\"; state is up or down");
    }

    @Test
    void timelineEvent_withoutAt_isAnError() {
        assertError("""
                {"name": "x", "nodes": ["a"], "timeline": [^^{"node": "a", "action": "stop"}]}
                """, "/timeline/0", "missing \"at\"");
    }

    @Test
    void ping_toItself_isAnError() {
        assertError("""
                {"name": "x", "nodes": ["a", "b"], "checks": [{"ping": {"from": "a", "to": ^^"a"}}]}
                """, "/checks/0/ping/to", "ping from \"a\" to itself");
    }

    @Test
    void ping_otherString_isAnError() {
        assertError("""
                {"name": "x", "nodes": ["a", "b"], "checks": [{"ping": ^^"everyone"}]}
                """, "/checks/0/ping", "unknown ping \"everyone\"; write \"all\"");
    }

    // ---------------------------------------------------------------- errors: links and LANs

    @Test
    void selfLoop_isAnError() {
        assertError("""
                {"name": "x", "nodes": ["a", "b"], "links": [{"between": ["a", ^^"a"]}]}
                """, "/links/0/between/1", "link from \"a\" to itself; a link joins two different nodes");
    }

    @Test
    void betweenAndEndpoints_isAnError() {
        assertError("""
                {"name": "x", "nodes": ["a", "b"], "links": [{"between": ["a", "b"], ^^"endpoints": ["a", "b"]}]}
                """, "/links/0/endpoints", "a link has \"between\" or \"endpoints\", not both");
    }

    @Test
    void threeEnds_suggestsALan() {
        assertError("""
                {"name": "x", "nodes": ["a", "b", "c"], "links": [{"between": ^^["a", "b", "c"]}]}
                """, "/links/0/between", "a link has exactly 2 ends, found 3; to join more nodes use a LAN");
    }

    @Test
    void perDirectionKey_forANodeNotOnTheLink_listsTheDirections() {
        assertError("""
                {"name": "x", "nodes": ["a", "b", "c"],
                 "links": [{"between": ["a", "b"], "impairment": {"a->b": {"delay": "1ms"}, ^^"a->c": {"delay": "2ms"}}}]}
                """, "/links/0/impairment/a->c", "unknown key \"a->c\" in per-direction impairments; valid keys are a->b, b->a");
    }

    @Test
    void jitterWithoutDelay_isAnError() {
        assertError("""
                {"name": "x", "nodes": ["a", "b"], "links": [{"between": ["a", "b"], "loss": "1%", "jitter": ^^"2ms"}]}
                """, "/links/0/jitter", "jitter needs a delay");
    }

    @Test
    void jitterWithoutDelay_inOneDirection_isAnError() {
        assertError("""
                {"name": "x", "nodes": ["a", "b"], "links": [{"between": ["a", "b"], "jitter": ^^"2ms",
                  "impairment": {"a->b": {"delay": "5ms"}, "b->a": {"loss": "5%"}}}]}
                """, "/links/0/jitter", "jitter needs a delay");
    }

    @Test
    void reorderWithoutDelay_inTheTimeline_isAnError() {
        assertError("""
                {"name": "x", "nodes": ["a", "b"], "links": [{"between": ["a", "b"]}],
                 "timeline": [{"at": "1s", "link": "a-b", "set": {"reorder": ^^"5%"}}]}
                """, "/timeline/0/set/reorder", "reorder needs a delay");
    }

    @Test
    void limit_takesAWholeNumberOrItsString_andNothingElse() {
        Scenario s = load("""
                {"name": "x", "nodes": ["a", "b"], "links": [{"between": ["a", "b"], "limit": "20", "impairment": {"b->a": {"limit": 5}}}]}
                """);
        assertThat(s.links().get(0).aToB().limitPackets()).isEqualTo(20L);
        assertThat(s.links().get(0).bToA().limitPackets()).isEqualTo(5L);
        assertError("""
                {"name": "x", "nodes": ["a", "b"], "links": [{"between": ["a", "b"], "limit": ^^2.5}]}
                """, "/links/0/limit", "write a whole number");
        assertError("""
                {"name": "x", "nodes": ["a", "b"], "links": [{"between": ["a", "b"], "limit": ^^0}]}
                """, "/links/0/limit", "drops everything");
        assertError("""
                {"name": "x", "nodes": ["a", "b"], "links": [{"between": ["a", "b"], "limit": ^^"100p"}]}
                """, "/links/0/limit", "whole number of packets");
    }

    @Test
    void lanWithOneMember_isAnError() {
        assertError("""
                {"name": "x", "nodes": ["a", "b"], "lans": [{"name": "l", "members": ^^["a"]}]}
                """, "/lans/0/members", "a LAN needs at least 2 members, found 1");
    }

    @Test
    void lanMemberTwice_isAnError() {
        assertError("""
                {"name": "x", "nodes": ["a", "b"], "lans": [{"name": "l", "members": ["a", "b", ^^{"node": "a"}]}]}
                """, "/lans/0/members/2", "node \"a\" is already a member of this LAN (at /lans/0/members/0)");
    }

    // ---------------------------------------------------------------- errors: quantities

    @Test
    void badDuration_isAnError() {
        assertError("""
                {"name": "x", "nodes": ["a", "b"], "links": [{"between": ["a", "b"], "delay": ^^"10 sec"}]}
                """, "/links/0/delay", "bad duration \"10 sec\"; write a number and a unit");
    }

    @Test
    void bareNumberDuration_isAnError() {
        assertError("""
                {"name": "x", "nodes": ["a", "b"], "links": [{"between": ["a", "b"], "delay": ^^10}]}
                """, "/links/0/delay", "found the number 10; write it in quotes with a unit");
    }

    @Test
    void badPercent_isAnError() {
        assertError("""
                {"name": "x", "nodes": ["a", "b"], "links": [{"between": ["a", "b"], "loss": ^^"120%"}]}
                """, "/links/0/loss", "percentage \"120%\" is above 100%");
    }

    @Test
    void badRate_isAnError() {
        assertError("""
                {"name": "x", "nodes": ["a", "b"], "lans": [{"name": "l", "members": ["a", "b"], "rate": ^^"10 megs"}]}
                """, "/lans/0/rate", "bad rate \"10 megs\"");
    }

    @Test
    void badMemory_isAnError() {
        assertError("""
                {"name": "x", "nodes": [{"name": "a", "memory": ^^"96K"}]}
                """, "/nodes/0/memory", "bad memory size \"96K\"");
    }

    @Test
    void zeroDuration_isAnError() {
        assertError("{\"name\": \"x\", \"nodes\": [\"a\"], \"duration\": ^^\"0s\"}", "/duration", "duration must be above 0");
    }

    // ---------------------------------------------------------------- errors: generate

    @Test
    void unknownTopology_listsTheTopologies() {
        assertError("{\"name\": \"x\", \"generate\": {\"topology\": ^^\"torus\", \"nodes\": 4}}", "/generate/topology",
                "unknown topology \"torus\"; topologies are line, ring, star, grid, mesh, tree, random");
    }

    @Test
    void randomWithoutSeed_isAnError() {
        assertError("{\"name\": \"x\", \"generate\": ^^{\"topology\": \"random\", \"nodes\": 4}}", "/generate",
                "missing \"seed\"; a random topology needs a seed");
    }

    @Test
    void keyOfAnotherTopology_listsThisTopologysKeys() {
        assertError("{\"name\": \"x\", \"generate\": {\"topology\": \"ring\", \"nodes\": 4, ^^\"branching\": 3}}", "/generate/branching",
                "unknown key \"branching\" in a ring generator; valid keys are topology, nodes, prefix, delay");
    }

    @Test
    void gridWithoutColumns_isAnError() {
        assertError("{\"name\": \"x\", \"generate\": ^^{\"topology\": \"grid\", \"rows\": 2}}", "/generate",
                "missing \"columns\"; a grid needs \"rows\" and \"columns\"");
    }

    @Test
    void ringOfTwo_isAnError() {
        assertError("{\"name\": \"x\", \"generate\": {\"topology\": \"ring\", \"nodes\": ^^2}}", "/generate/nodes",
                "nodes 2 is out of range; use 3 to " + ScenarioLoader.MAX_NODES);
    }

    @Test
    void prefixMakingLongNames_isAnError() {
        assertError("{\"name\": \"x\", \"generate\": {\"topology\": \"line\", \"nodes\": 10, \"prefix\": ^^\"router-number-\"}}",
                "/generate/prefix", "longer than 15 characters");
    }

    // ---------------------------------------------------------------- errors: limits

    @Test
    void tooManyNodes_isAnError() {
        assertError("""
                {"name": "x", "nodes": ["a"],
                 "generate": [{"topology": "line", "nodes": 800, "prefix": "p"}, {"topology": "line", "nodes": 200, "prefix": "q"}]}
                """.replace("\"generate\": [", "\"generate\": ^^["), "/generate", "the scenario has 1001 nodes; netloom runs at most 1000");
    }

    @Test
    void tooManyInterfaces_namesTheNode() {
        assertError("""
                {"name": "x", "generate": ^^{"topology": "star", "nodes": 31}}
                """, "/generate", "node \"n1\" has 30 interfaces (link ends and LAN memberships); a node has at most 29");
    }

    // ---------------------------------------------------------------- errors: addresses

    @Test
    void linkEndsInDifferentSubnets_isAnError() {
        assertError("""
                {"name": "x", "nodes": ["a", "b"], "links": [{"endpoints": [{"node": "a", "address": "10.9.0.1/24"},
                  {"node": "b", "address": ^^"10.9.1.2/24"}]}]}
                """, "/links/0/endpoints/1/address", "10.9.1.2/24 is not in 10.9.0.0/24 like /links/0/endpoints/0/address");
    }

    @Test
    void sameAddressTwice_isAnError() {
        assertError("""
                {"name": "x", "nodes": ["a", "b", "c"], "links": [
                  {"endpoints": [{"node": "a", "address": "10.9.0.1/24"}, {"node": "b", "address": "10.9.0.2/24"}]}],
                 "lans": [{"name": "l", "members": ["b", {"node": "c", "address": ^^"10.9.0.1/24"}]}]}
                """, "/lans/0/members/1/address", "address 10.9.0.1 is already used at /links/0/endpoints/0/address");
    }

    @Test
    void overlappingSubnets_isAnError() {
        assertError("""
                {"name": "x", "nodes": ["a", "b", "c"], "links": [
                  {"endpoints": [{"node": "a", "address": "10.9.0.1/24"}, "b"]},
                  {"endpoints": [{"node": "b", "address": ^^"10.9.0.5/16"}, "c"]}]}
                """, "/links/1/endpoints/0/address", "subnet 10.9.0.0/16 overlaps 10.9.0.0/24 of /links/0/endpoints/0/address");
    }

    @Test
    void networkAddress_isAnError() {
        assertError("""
                {"name": "x", "nodes": ["a", "b"], "links": [{"endpoints": [{"node": "a", "address": ^^"10.9.0.0/24"}, "b"]}]}
                """, "/links/0/endpoints/0/address", "10.9.0.0/24 is the network address of 10.9.0.0/24; use a host address from 10.9.0.1 to 10.9.0.254");
    }

    @Test
    void broadcastAddress_isAnError() {
        assertError("""
                {"name": "x", "nodes": ["a", "b"], "links": [{"endpoints": [{"node": "a", "address": ^^"10.9.0.3/30"}, "b"]}]}
                """, "/links/0/endpoints/0/address", "is the broadcast address of 10.9.0.0/30");
    }

    @Test
    void slash31_endsAreFine() {
        Scenario s = load("""
                {"name": "x", "nodes": ["a", "b"], "links": [{"endpoints": [{"node": "a", "address": "10.9.0.0/31"},
                  {"node": "b", "address": "10.9.0.1/31"}]}]}
                """);

        assertThat(s.links()).hasSize(1);
    }

    @Test
    void notACidr_isAnError() {
        assertError("""
                {"name": "x", "nodes": ["a", "b"], "links": [{"endpoints": [{"node": "a", "address": ^^"10.9.0.1"}, "b"]}]}
                """, "/links/0/endpoints/0/address", "\"10.9.0.1\" is not an IPv4 address with a prefix length");
    }

    @Test
    void poolTooSmall_saysHowBigItMustBe() {
        assertError("""
                {"name": "x", "nodes": ["a", "b", "c"],
                 "lans": [{"name": "l1", "members": ["a", "b"]}, {"name": "l2", "members": ["b", "c"]}],
                 "links": [{"between": ["a", "c"]}],
                 "addressing": {"pool": ^^"10.1.0.0/24"}}
                """, "/addressing/pool", "pool 10.1.0.0/24 is too small: 2 LANs need a /24 and 1 link needs a /30 each, 516 addresses;"
                + " use /22 or larger, e.g. \"pool\": \"10.1.0.0/22\"");
    }

    @Test
    void defaultPoolTooSmall_pointsAtTheDocument() {
        StringBuilder lans = new StringBuilder();
        for (int i = 0; i < 257; i++) {
            lans.append(i == 0 ? "" : ", ").append("{\"name\": \"l").append(i).append("\", \"members\": [\"n")
                    .append(i % 20 + 1).append("\", \"n").append((i + 1) % 20 + 1).append("\"]}");
        }
        assertError("^^{\"name\": \"x\", \"generate\": {\"topology\": \"line\", \"nodes\": 20}, \"lans\": [" + lans + "]}", "/",
                "the default pool 10.0.0.0/16 is too small: 257 LANs need a /24 and 19 links need a /30 each, 65868 addresses; use /15 or larger");
    }

    @Test
    void poolWithHostBits_isAnError() {
        assertError("{\"name\": \"x\", \"nodes\": [\"a\"], \"addressing\": {\"pool\": ^^\"10.0.0.1/16\"}}", "/addressing/pool",
                "pool 10.0.0.1/16 has host bits set; write the network address, \"10.0.0.0/16\"");
    }

    // ---------------------------------------------------------------- errors: images

    @Test
    void missingImage_onANode_givesTheBuildCommand() {
        ScenarioLoader onlyTiny = new ScenarioLoader("tiny"::equals);
        assertError(onlyTiny, """
                {"name": "x", "nodes": ["a", {"name": "b", "image": ^^"debian"}]}
                """, "/nodes/1/image", "image \"debian\" is not in the image store; build it with ./netloom images build debian");
    }

    @Test
    void missingImage_inDefaults_pointsAtTheDefault() {
        ScenarioLoader none = new ScenarioLoader(name -> false);
        assertError(none, """
                {"name": "x", "defaults": {"image": ^^"tiny"}, "nodes": ["a"]}
                """, "/defaults/image", "image \"tiny\" is not in the image store; build it with ./netloom images build tiny");
    }

    @Test
    void missingBuiltInDefaultImage_pointsAtTheDocument() {
        ScenarioLoader none = new ScenarioLoader(name -> false);
        assertError(none, "^^{\"name\": \"x\", \"nodes\": [\"a\"]}", "/",
                "nodes use the default image \"tiny\", which is not in the image store; build it with ./netloom images build tiny");
    }

    @Test
    void fork_fromDefaultsOrTheNode_orNullForNetloomToDecide() {
        Scenario s = load("""
                {"name": "lab1", "defaults": {"fork": false}, "nodes": ["a", {"name": "b", "fork": true}]}
                """);
        assertThat(s.defaults().fork()).isFalse();
        assertThat(s.nodes()).extracting(Scenario.NodeDef::fork).containsExactly(false, true);
        assertThat(load("""
                {"name": "lab1", "nodes": ["a"]}
                """).nodes().get(0).fork()).isNull();
    }
}

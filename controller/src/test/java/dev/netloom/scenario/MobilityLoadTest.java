package dev.netloom.scenario;

import dev.netloom.mobility.LinkModel;
import dev.netloom.mobility.Position;
import dev.netloom.scenario.Scenario.TimelineEvent;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.netloom.scenario.ScenarioLoaderTest.load;
import static org.assertj.core.api.Assertions.assertThat;

/** "linkModel", positions, "steps" and the move, step and walk events. */
class MobilityLoadTest {

    private static final String THREE = """
            "nodes": [{"name": "a", "position": {"x": 0, "y": 0}}, {"name": "b", "position": {"x": 10, "y": 0}},
                      {"name": "c", "position": {"x": 50, "y": 0}}]""";

    @Test
    void rangeModel_plansEveryPair_startingAsTheDistancesSay() {
        Scenario s = load("{\"name\": \"t\", " + THREE + ", \"linkModel\": {\"kind\": \"range\", \"range\": 30}}");
        assertThat(s.links()).extracting(Scenario.LinkDef::name).containsExactly("a-b", "a-c", "b-c");
        assertThat(s.links()).extracting(Scenario.LinkDef::startsDown).containsExactly(false, true, true);
        assertThat(s.mobility().model()).isEqualTo(new LinkModel.Range(30));
        assertThat(s.mobility().positions()).containsEntry("c", new Position(50, 0));
    }

    @Test
    void lanMode_putsEveryNodeOnOneMedium_andThePairsAreTheModels() {
        Scenario s = load("{\"name\": \"t\", " + THREE + ", \"linkModel\": {\"kind\": \"range\", \"mode\": \"lan\"}}");
        assertThat(s.links()).isEmpty();
        assertThat(s.lans()).singleElement().satisfies(l -> {
            assertThat(l.name()).isEqualTo("medium");
            assertThat(l.members()).extracting(Scenario.Endpoint::node).containsExactly("a", "b", "c");
        });
        assertThat(s.mobility().medium()).isEqualTo("medium");
        assertThat(s.mobility().pairs()).extracting(dev.netloom.mobility.World.Pair::link).containsExactly("a|b", "a|c", "b|c");
        assertThat(load("{\"name\": \"t\", " + THREE + ", \"linkModel\": {\"kind\": \"range\"}}").mobility().medium()).isNull();
    }

    @Test
    void lanMode_takesTheWifiModel_andAFidelityCheckOnAPairOfTheMedium() {
        Scenario s = load("{\"name\": \"t\", " + THREE + ", \"linkModel\": {\"kind\": \"wifi-exponential\", \"mode\": \"lan\"},"
                + " \"checks\": [{\"fidelity\": {\"link\": \"medium\", \"direction\": \"b->a\"}}]}");
        assertThat(s.mobility().medium()).isEqualTo("medium");
        assertThat(s.mobility().model()).isEqualTo(LinkModel.WifiExponential.DEFAULT);
        assertThat(s.checks()).singleElement().satisfies(c -> assertThat(((Check.Fidelity) c.spec()).direction()).isEqualTo("b->a"));
        fails("{\"name\": \"t\", " + THREE + ", \"linkModel\": {\"kind\": \"wifi-exponential\", \"mode\": \"lan\"},"
                + " \"checks\": [{\"fidelity\": {\"link\": \"medium\", \"direction\": \"a->z\"}}]}", "/checks/0/fidelity/direction",
                "\"a->b\" for two of its nodes (a, b, c)");
        fails("{\"name\": \"t\", " + THREE + ", \"linkModel\": {\"kind\": \"wifi-exponential\", \"mode\": \"lan\"},"
                + " \"checks\": [{\"fidelity\": {\"link\": \"medium\", \"direction\": \"a->a\"}}]}", "/checks/0/fidelity/direction",
                "unknown direction \"a->a\" on the medium");
    }

    @Test
    void wifiModel_givesLinksTheirImpairment_andListedLinksKeepTheirAddresses() {
        Scenario s = load("{\"name\": \"t\", " + THREE + ", \"linkModel\": {\"kind\": \"wifi-exponential\"},"
                + " \"links\": [{\"name\": \"ab\", \"endpoints\": [{\"node\": \"a\", \"address\": \"10.9.0.1/24\"}, {\"node\": \"b\", \"address\": \"10.9.0.2/24\"}]}]}");
        Scenario.LinkDef ab = s.links().get(0);
        assertThat(ab.name()).isEqualTo("ab");
        assertThat(ab.a().address()).isEqualTo("10.9.0.1/24");
        assertThat(ab.aToB().delay()).isEqualTo(Duration.ofMillis(4)); // 10 m: k = 2
        assertThat(ab.aToB().rateBps()).isEqualTo(13_500_000L);
        assertThat(s.links()).hasSize(3);
    }

    @Test
    void topologySteps_startAtStep1_andStepEventsNameThem() {
        Scenario s = load("""
                {"name": "t", "nodes": ["a", "b", "c"], "linkModel": {"kind": "topology"},
                 "steps": [{"name": "line", "links": [["a", "b"], ["b", "c"]]}, {"name": "tri", "links": [["a", "b"], ["b", "c"], ["c", "a"]]}],
                 "timeline": [{"at": "5s", "step": "tri"}, {"at": "9s", "step": "next"}, {"at": "1s", "move": {"a": {"x": 1, "y": 2}}}]}
                """);
        assertThat(s.links()).extracting(Scenario.LinkDef::startsDown).containsExactly(false, true, false);
        assertThat(s.timeline()).containsExactly(new TimelineEvent.Move(Duration.ofSeconds(1), java.util.Map.of("a", new Position(1, 2))),
                new TimelineEvent.StepTo(Duration.ofSeconds(5), 1), new TimelineEvent.StepTo(Duration.ofSeconds(9), null));
    }

    @Test
    void walk_expandsIntoOneMoveAnInterval() {
        Scenario s = load("{\"name\": \"t\", " + THREE + ", \"linkModel\": {\"kind\": \"range\"},"
                + " \"timeline\": [{\"at\": \"2s\", \"walk\": {\"seed\": 1, \"width\": 60, \"height\": 60, \"distance\": 5, \"interval\": \"1s\", \"count\": 4}}]}");
        assertThat(s.timeline()).hasSize(4).allSatisfy(e -> assertThat(e).isInstanceOf(TimelineEvent.Move.class));
        assertThat(s.timeline().get(3).at()).isEqualTo(Duration.ofSeconds(6));
    }

    @Test
    void latLon_isProjectedAroundTheFirstNode_orTheStatedOrigin() {
        // 0.001 degrees of latitude is 110.574 m; of longitude at 60 degrees north, 111.320 * cos(60) = 55.66 m
        Scenario s = load("""
                {"name": "t", "nodes": [{"name": "a", "position": {"lat": 60, "lon": 10}}, {"name": "b", "position": {"lat": 60.001, "lon": 10.001}},
                 {"name": "c", "position": {"x": 3, "y": 4}}], "linkModel": {"kind": "range"}}
                """);
        assertThat(s.mobility().positions().get("a")).isEqualTo(new Position(0, 0));
        assertThat(s.mobility().positions().get("b").x()).isCloseTo(55.66, org.assertj.core.data.Offset.offset(0.01));
        assertThat(s.mobility().positions().get("b").y()).isCloseTo(110.574, org.assertj.core.data.Offset.offset(0.001));
        assertThat(s.mobility().positions().get("c")).isEqualTo(new Position(3, 4));
        Scenario o = load("""
                {"name": "t", "origin": {"lat": 60, "lon": 9.999}, "nodes": [{"name": "a", "position": {"lat": 60, "lon": 10}}, "b"],
                 "linkModel": {"kind": "range"}, "timeline": [{"at": "1s", "move": {"b": {"lat": 60, "lon": 9.999}}}]}
                """);
        assertThat(o.mobility().positions().get("a").x()).isCloseTo(55.66, org.assertj.core.data.Offset.offset(0.01));
        assertThat(o.timeline().get(0)).isEqualTo(new TimelineEvent.Move(Duration.ofSeconds(1), java.util.Map.of("b", new Position(0, 0))));
    }

    @Test
    void walk_startsWhereEarlierEventsLeftTheNodes_orFromItsOwnStart() {
        String walk = "\"walk\": {\"seed\": 3, \"width\": 1000, \"height\": 1000, \"distance\": 1, \"interval\": \"1s\", \"count\": 1, \"nodes\": [\"c\"]";
        // the move at 4s is written after the walk at 5s, and still comes first
        Scenario s = load("{\"name\": \"t\", " + THREE + ", \"linkModel\": {\"kind\": \"range\"}, \"timeline\": [{\"at\": \"5s\", " + walk + "}},"
                + " {\"at\": \"4s\", \"move\": {\"c\": {\"x\": 500, \"y\": 500}}}]}");
        Position c = ((TimelineEvent.Move) s.timeline().get(1)).positions().get("c");
        assertThat(c.distanceTo(new Position(500, 500))).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        Scenario f = load("{\"name\": \"t\", " + THREE + ", \"linkModel\": {\"kind\": \"range\"}, \"timeline\": [{\"at\": \"5s\", " + walk
                + ", \"from\": {\"c\": {\"x\": 200, \"y\": 100}}}}]}");
        Position from = ((TimelineEvent.Move) f.timeline().get(0)).positions().get("c");
        assertThat(from.distanceTo(new Position(200, 100))).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
    }

    /** Loading fails at {@code pointer} with a message containing {@code part}, as bad input (exit 2). */
    private static void fails(String json, String pointer, String part) {
        ScenarioException e = org.assertj.core.api.Assertions.catchThrowableOfType(ScenarioException.class, () -> load(json));
        assertThat(e).as("loading must fail: " + json).isNotNull();
        assertThat(e.pointer()).isEqualTo(pointer);
        assertThat(e.getMessage()).contains(part);
        assertThat(e.exitCode()).isEqualTo(2);
    }

    @Test
    void badInput_isNamedWithItsFix() {
        fails("{\"name\": \"t\", " + THREE + ", \"linkModel\": {\"kind\": \"radio\"}}", "/linkModel/kind", "unknown link model \"radio\"");
        fails("{\"name\": \"t\", " + THREE + ", \"linkModel\": {\"kind\": \"range\", \"mode\": \"hub\"}}", "/linkModel/mode", "modes are \"links\"");
        fails("{\"name\": \"t\", " + THREE + ", \"linkModel\": {\"kind\": \"range\", \"mode\": \"lan\"}, \"links\": [{\"between\": [\"a\", \"b\"]}]}",
                "/links", "remove \"links\"");
        fails("{\"name\": \"t\", \"generate\": {\"topology\": \"line\", \"nodes\": 3}, \"linkModel\": {\"kind\": \"range\", \"mode\": \"lan\"}}",
                "/generate", "one interface on the shared medium");
        fails("{\"name\": \"t\", " + THREE + ", \"linkModel\": {\"kind\": \"range\", \"bandwidth\": 3}}", "/linkModel/bandwidth", "not a parameter");
        fails("{\"name\": \"t\", " + THREE + ", \"linkModel\": {\"kind\": \"range\"}, \"links\": [{\"between\": [\"a\", \"b\"], \"delay\": \"5ms\"}]}",
                "/links/0", "the model sets every link's state");
        fails("{\"name\": \"t\", " + THREE + ", \"linkModel\": {\"kind\": \"range\"}, \"timeline\": [{\"at\": \"1s\", \"link\": \"a-b\", \"state\": \"down\"}]}",
                "/timeline/0/link", "the model sets the links");
        fails("{\"name\": \"t\", \"nodes\": [\"a\", \"b\"], \"timeline\": [{\"at\": \"1s\", \"move\": {\"a\": {\"x\": 1, \"y\": 1}}}]}",
                "/timeline/0/move", "needs a \"linkModel\"");
        fails("{\"name\": \"t\", " + THREE + ", \"linkModel\": {\"kind\": \"topology\"}}", "/linkModel", "takes its links from \"steps\"");
        fails("{\"name\": \"t\", " + THREE + ", \"linkModel\": {\"kind\": \"range\"}, \"timeline\": [{\"at\": \"1s\", \"move\": {\"z\": {\"x\": 1, \"y\": 1}}}]}",
                "/timeline/0/move/z", "unknown node \"z\"");
        fails("{\"name\": \"t\", \"nodes\": [{\"name\": \"a\", \"position\": {\"lat\": 91, \"lon\": 0}}], \"linkModel\": {\"kind\": \"range\"}}",
                "/nodes/0/position/lat", "out of range");
        fails("{\"name\": \"t\", \"nodes\": [{\"name\": \"a\", \"position\": {\"lat\": 1, \"lon\": 0, \"x\": 3}}], \"linkModel\": {\"kind\": \"range\"}}",
                "/nodes/0/position", "not both");
        fails("{\"name\": \"t\", \"origin\": {\"lat\": 0, \"lon\": 0}, \"nodes\": [{\"name\": \"a\", \"position\": {\"lat\": 0, \"lon\": 120}}], \"linkModel\": {\"kind\": \"range\"}}",
                "/nodes/0/position", "km from the origin");
    }
}

package dev.netloom.lab;

import dev.netloom.impairment.Impairment;
import dev.netloom.mobility.LinkModel;
import dev.netloom.mobility.Position;
import dev.netloom.mobility.World;
import dev.netloom.scenario.Scenario;
import dev.netloom.scenario.ScenarioLoader;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What a move changes in the impairments: only the pairs whose quality changed, on a medium each way. */
class MobilityReshapeTest {

    /** a, b, c on a line: a-b 12 m, b-c 8 m, a-c 20 m. */
    private static final String NODES = """
            "nodes": [{"name": "a", "position": {"x": 0, "y": 0}}, {"name": "b", "position": {"x": 12, "y": 0}},
                      {"name": "c", "position": {"x": 20, "y": 0}}], "addressing": {"pool": "10.7.0.0/16"},""";

    private static Scenario.Mobility load(String mode) {
        return new ScenarioLoader(image -> true).load("{\"name\": \"mv\", " + NODES + " \"linkModel\": {\"kind\": \"wifi-exponential\", \"mode\": \""
                + mode + "\"}}", "mv").mobility();
    }

    private static Map<String, Impairment> applied(Map<String, LinkModel.Quality> q) {
        Map<String, Impairment> out = new LinkedHashMap<>();
        q.forEach((link, quality) -> out.put(link, quality.impairment()));
        return out;
    }

    @Test
    void onAMedium_cMovingNextToA_reshapesAcAndBcEachWay_andLeavesAbAlone() {
        Scenario.Mobility m = load("lan");
        Map<String, LinkModel.Quality> before = m.atStart();
        Map<String, Position> moved = new LinkedHashMap<>(m.positions());
        moved.put("c", new Position(-8, 0)); // a-c 8 m (k 2), b-c 20 m (k 5), a-b unchanged
        Map<String, LinkModel.Quality> changed = World.diff(before, m.qualities(moved, -1));
        assertThat(changed).containsOnlyKeys("a|c", "b|c");

        var reshapes = MobilityRun.reshapes(m, changed, applied(before));
        assertThat(reshapes).extracting(MobilityRun.Reshape::direction).containsExactly("a->c", "c->a", "b->c", "c->b");
        assertThat(reshapes).allMatch(r -> r.segment().equals("medium"));
        assertThat(reshapes.get(0).impairment().describe()).isEqualTo("delay 4ms jitter 400us rate 13500kbit");
        assertThat(reshapes.get(2).impairment().describe()).startsWith("delay 32ms");
        assertThat(reshapes.get(1).link()).isEqualTo("a|c");
    }

    @Test
    void inLinksMode_aLinkIsReshapedBothWaysAtOnce_andAPairGoingApartKeepsItsImpairment() {
        Scenario.Mobility m = load("links");
        Map<String, LinkModel.Quality> before = m.atStart();
        Map<String, Position> moved = new LinkedHashMap<>(m.positions());
        moved.put("c", new Position(100, 0)); // out of everyone's reach
        moved.put("b", new Position(2, 0)); // a-b 2 m (k 0)
        Map<String, LinkModel.Quality> changed = World.diff(before, m.qualities(moved, -1));
        var reshapes = MobilityRun.reshapes(m, changed, applied(before));
        assertThat(reshapes).singleElement().satisfies(r -> {
            assertThat(r.direction()).isNull();
            assertThat(r.impairment().describe()).isEqualTo("delay 1ms jitter 100us rate 54mbit");
        });
        // nothing changed since: nothing to do
        assertThat(MobilityRun.reshapes(m, Map.of(), applied(before))).isEmpty();
    }
}

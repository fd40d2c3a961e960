package dev.netloom.lab;

import dev.netloom.scenario.Check;
import dev.netloom.scenario.Scenario;
import dev.netloom.scenario.ScenarioLoader;
import dev.netloom.topology.Plan;
import dev.netloom.topology.Topology;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Which links' flight-recorder rings a failed check saves. */
class InvolvedLinksTest {

    private final Scenario scenario = new ScenarioLoader(name -> true).load("""
            { "name": "inv", "nodes": ["a", "b", "c", "d", "e"],
              "links": [{"between": ["a", "b"]}, {"between": ["b", "c"]}, {"between": ["c", "d"]}],
              "lans": [{"name": "l1", "members": ["c", "e"]}] }
            """, "inv.json");
    private final Plan plan = Lab.planOf(scenario);
    private final Topology topology = Topology.of(scenario);

    private List<String> involved(Check.Spec spec) {
        return Checks.involved(plan, topology, spec);
    }

    @Test
    void aPing_involvesTheLinksOfItsShortestPath_inOrder() {
        assertThat(involved(Check.Ping.of("a", "d", 3))).containsExactly("a-b", "b-c", "c-d");
        assertThat(involved(new Check.Reach("a", "e", true))).containsExactly("a-b", "b-c", "l1");
    }

    @Test
    void anExec_involvesItsNodesLinks_aFidelityCheckItsLink_andPingAllEveryLink() {
        assertThat(involved(new Check.Exec("c", "true", 0, null, Duration.ofSeconds(5)))).containsExactly("b-c", "c-d", "l1");
        assertThat(involved(new Check.PingAll())).containsExactly("a-b", "b-c", "c-d", "l1");
    }
}

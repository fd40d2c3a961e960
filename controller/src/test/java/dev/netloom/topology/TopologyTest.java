package dev.netloom.topology;

import dev.netloom.scenario.Scenario;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.netloom.topology.TestScenarios.lan;
import static dev.netloom.topology.TestScenarios.line;
import static dev.netloom.topology.TestScenarios.link;
import static dev.netloom.topology.TestScenarios.nodes;
import static dev.netloom.topology.TestScenarios.scenario;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TopologyTest {

    private final Scenario mixed = scenario(List.of("a", "b", "c", "d", "e"),
            List.of(link("a", "b"), link("a-b-2", "a", "b"), link("b", "c")),
            List.of(lan("lan", "c", "d", "e")));

    @Test
    void lanMembers_areOneHopApart() {
        Topology t = Topology.of(mixed);
        assertThat(t.hops("c", "d")).isEqualTo(1);
        assertThat(t.hops("d", "e")).isEqualTo(1);
        assertThat(t.hops("a", "e")).isEqualTo(3);
        assertThat(t.hops("a", "a")).isZero();
    }

    @Test
    void parallelLinks_areParallelEdges() {
        Topology t = Topology.of(mixed);
        assertThat(t.graph().getAllEdges("a", "b")).extracting(Topology.Edge::segment).containsExactlyInAnyOrder("a-b", "a-b-2");
        assertThat(t.graph().edgeSet()).hasSize(3 + 3); // three links and the LAN's clique of three
        assertThat(t.graph().vertexSet()).containsExactlyInAnyOrder("a", "b", "c", "d", "e");
    }

    @Test
    void unreachableNodes_haveNoHops() {
        Topology t = Topology.of(scenario(List.of("a", "b", "c"), List.of(link("a", "b")), List.of()));
        assertThat(t.hops("a", "c")).isEqualTo(-1);
    }

    @Test
    void toDot_labelsLinksAndDrawsLansAsBoxes() {
        String dot = Topology.of(mixed).toDot();
        assertThat(dot).startsWith("graph \"lab\" {\n")
                .contains("  \"a\" -- \"b\" [label=\"a-b\"];\n")
                .contains("  \"a\" -- \"b\" [label=\"a-b-2\"];\n")
                .contains("  \"lan:lan\" [shape=box, label=\"lan\"];\n")
                .contains("  \"lan:lan\" -- \"d\";\n")
                .endsWith("}\n");
    }

    @Test
    void view_listsNeighboursAndSegmentsInOrder() {
        Topology.View view = Topology.of(mixed).view();
        assertThat(view.lab()).isEqualTo("lab");
        assertThat(view.nodes()).extracting(Topology.NodeEntry::name).containsExactly("a", "b", "c", "d", "e");
        assertThat(view.nodes().get(1).neighbours()).containsExactly("a", "c");
        assertThat(view.nodes().get(3).neighbours()).containsExactly("c", "e");
        assertThat(view.segments()).extracting(Topology.Segment::name).containsExactly("a-b", "a-b-2", "b-c", "lan");
        assertThat(view.segments().get(3).members()).containsExactly("c", "d", "e");
    }

    @Test
    void badShapes_areProgrammingErrors_theLoaderRejectsThemFirst() {
        assertThatThrownBy(() -> Topology.of(scenario(List.of("a"), List.of(link("a", "a")), List.of())))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("link a-a").hasMessageContaining("itself");
        assertThatThrownBy(() -> Topology.of(scenario(List.of("a"), List.of(link("a", "zz")), List.of())))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("unknown node").hasMessageContaining("zz");
        assertThatThrownBy(() -> Topology.of(scenario(List.of("a", "b"), List.of(link("x", "a", "b")), List.of(lan("x", "a")))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("'x' is used twice");
        assertThatThrownBy(() -> Topology.of(scenario(List.of("a", "b"), List.of(), List.of(lan("l", "a", "b", "a")))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("LAN l lists a node twice");
    }

    @Test
    void line_hopCountsGrowByOne() {
        List<String> names = nodes("r", 5);
        Topology t = Topology.of(scenario(names, line(names), List.of()));
        assertThat(t.hopsFrom("r1")).containsExactly(0, 1, 2, 3, 4);
    }
}

package dev.netloom.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netloom.scenario.Generators.LinkEnds;
import dev.netloom.scenario.Generators.Generated;
import dev.netloom.scenario.Generators.Spec;
import dev.netloom.scenario.Generators.Shape;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GeneratorsTest {

    @Test
    void line_hasNMinusOneLinksInOrder() {
        Generated g = Generators.generate(Spec.of(Shape.LINE, 4));

        assertThat(g.nodes()).containsExactly("n1", "n2", "n3", "n4");
        assertThat(g.edges()).containsExactly(new LinkEnds("n1", "n2"), new LinkEnds("n2", "n3"), new LinkEnds("n3", "n4"));
    }

    @Test
    void ring_hasNLinks_lowerNodeFirst() {
        Generated g = Generators.generate(Spec.of(Shape.RING, 4));

        assertThat(g.edges()).containsExactly(new LinkEnds("n1", "n2"), new LinkEnds("n1", "n4"), new LinkEnds("n2", "n3"), new LinkEnds("n3", "n4"));
    }

    @Test
    void star_centreIsTheFirstNode() {
        Generated g = Generators.generate(Spec.of(Shape.STAR, 5));

        assertThat(g.edges()).hasSize(4).allMatch(e -> e.a().equals("n1"));
    }

    @Test
    void grid_isRowByRow() {
        Generated g = Generators.generate(Spec.grid(2, 3));

        assertThat(g.nodes()).hasSize(6);
        // n1 n2 n3 / n4 n5 n6
        assertThat(g.edges()).containsExactly(new LinkEnds("n1", "n2"), new LinkEnds("n1", "n4"), new LinkEnds("n2", "n3"),
                new LinkEnds("n2", "n5"), new LinkEnds("n3", "n6"), new LinkEnds("n4", "n5"), new LinkEnds("n5", "n6"));
    }

    @Test
    void mesh_linksEveryPair() {
        Generated g = Generators.generate(Spec.of(Shape.MESH, 5));

        assertThat(g.edges()).hasSize(10);
    }

    @Test
    void tree_breadthFirstWithBranching() {
        Generated binary = Generators.generate(Spec.of(Shape.TREE, 7));
        Generated ternary = Generators.generate(new Spec(Shape.TREE, 5, 0, 0, "t", 3, null, null, null));

        assertThat(binary.edges()).containsExactly(new LinkEnds("n1", "n2"), new LinkEnds("n1", "n3"), new LinkEnds("n2", "n4"),
                new LinkEnds("n2", "n5"), new LinkEnds("n3", "n6"), new LinkEnds("n3", "n7"));
        assertThat(ternary.edges()).containsExactly(new LinkEnds("t1", "t2"), new LinkEnds("t1", "t3"), new LinkEnds("t1", "t4"),
                new LinkEnds("t2", "t5"));
    }

    @Test
    void random_sameSeed_sameGraph() {
        Generated a = Generators.generate(Spec.random(30, 0.1, 42));
        Generated b = Generators.generate(Spec.random(30, 0.1, 42));
        Generated c = Generators.generate(Spec.random(30, 0.1, 43));

        assertThat(a).isEqualTo(b);
        assertThat(a.edges()).isNotEqualTo(c.edges());
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void random_sparse_isStillConnected(long seed) {
        Generated g = Generators.generate(Spec.random(40, 0.01, seed));

        assertThat(connected(g)).isTrue();
    }

    @Test
    void random_byDegree_hasAboutThatManyLinks() {
        Generated g = Generators.generate(new Spec(Shape.RANDOM, 20, 0, 0, "n", 2, null, 4.0, 7L));

        assertThat(g.edges().size()).isBetween(40, 40 + 19); // n * degree / 2, plus any connecting links
        assertThat(connected(g)).isTrue();
        assertThat(new HashSet<>(g.edges())).hasSameSizeAs(g.edges());
    }

    @Test
    void prefix_namesTheNodes() {
        assertThat(Generators.generate(Spec.of(Shape.LINE, 2).withPrefix("r")).nodes()).containsExactly("r1", "r2");
    }

    private static boolean connected(Generated g) {
        Map<String, List<String>> adjacency = new HashMap<>();
        for (LinkEnds e : g.edges()) {
            adjacency.computeIfAbsent(e.a(), k -> new java.util.ArrayList<>()).add(e.b());
            adjacency.computeIfAbsent(e.b(), k -> new java.util.ArrayList<>()).add(e.a());
        }
        Set<String> seen = new HashSet<>();
        java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>(List.of(g.nodes().get(0)));
        while (!todo.isEmpty()) {
            String n = todo.pop();
            if (seen.add(n)) {
                todo.addAll(adjacency.getOrDefault(n, List.of()));
            }
        }
        return seen.size() == g.nodes().size();
    }
}

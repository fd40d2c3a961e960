package dev.netloom.scenario;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jgrapht.Graph;
import org.jgrapht.alg.connectivity.ConnectivityInspector;
import org.jgrapht.generate.CompleteGraphGenerator;
import org.jgrapht.generate.GnmRandomGraphGenerator;
import org.jgrapht.generate.GnpRandomGraphGenerator;
import org.jgrapht.generate.GraphGenerator;
import org.jgrapht.generate.GridGraphGenerator;
import org.jgrapht.generate.LinearGraphGenerator;
import org.jgrapht.generate.RingGraphGenerator;
import org.jgrapht.generate.StarGraphGenerator;
import org.jgrapht.graph.DefaultEdge;
import org.jgrapht.graph.SimpleGraph;

/**
 * Generated topologies: nodes PREFIX1..PREFIXn and the links between them. Pure and deterministic:
 * the same spec (and, for random graphs, the same seed) always gives the same nodes and links in the
 * same order. Each link goes from the lower-numbered node to the higher, and links are sorted by
 * their lower, then their higher node.
 */
public final class Generators {

    /** The shapes a scenario can generate. */
    public enum Shape {
        LINE, RING, STAR, GRID, MESH, TREE, RANDOM;

        /** The name used in scenario files ("ring"). */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static List<String> keys() {
            return Arrays.stream(values()).map(Shape::key).toList();
        }
    }

    /**
     * What to generate. {@code nodes} is the node count (for grid, rows x columns); {@code branching}
     * is for trees; {@code probability} (edge probability) or {@code degree} (average degree) and
     * {@code seed} are for random graphs.
     */
    public record Spec(Shape topology, int nodes, int rows, int columns, String prefix, int branching,
                       Double probability, Double degree, Long seed) {

        public static Spec of(Shape topology, int nodes) {
            return new Spec(topology, nodes, 0, 0, "n", 2, null, null, null);
        }

        public static Spec grid(int rows, int columns) {
            return new Spec(Shape.GRID, rows * columns, rows, columns, "n", 2, null, null, null);
        }

        public static Spec random(int nodes, double probability, long seed) {
            return new Spec(Shape.RANDOM, nodes, 0, 0, "n", 2, probability, null, seed);
        }

        public Spec withPrefix(String newPrefix) {
            return new Spec(topology, nodes, rows, columns, newPrefix, branching, probability, degree, seed);
        }
    }

    /** A generated link between two generated nodes. */
    public record LinkEnds(String a, String b) {
    }

    /** The generated node names, in order, and links. */
    public record Generated(List<String> nodes, List<LinkEnds> edges) {
        public Generated {
            nodes = List.copyOf(nodes);
            edges = List.copyOf(edges);
        }
    }

    /** The smallest node count each topology accepts. */
    public static int minimumNodes(Shape topology) {
        return topology == Shape.RING ? 3 : 2;
    }

    private Generators() {
    }

    public static Generated generate(Spec spec) {
        int n = spec.nodes();
        if (n < minimumNodes(spec.topology())) {
            throw new IllegalArgumentException(spec.topology().key() + " needs at least " + minimumNodes(spec.topology()) + " nodes");
        }
        int[] next = {0};
        Graph<Integer, DefaultEdge> graph = new SimpleGraph<>(() -> ++next[0], DefaultEdge::new, false);
        switch (spec.topology()) {
            case LINE -> run(new LinearGraphGenerator<>(n), graph);
            case RING -> run(new RingGraphGenerator<>(n), graph);
            case STAR -> run(new StarGraphGenerator<>(n), graph); // vertex 1 is the centre
            case GRID -> {
                if (spec.rows() * spec.columns() != n) {
                    throw new IllegalArgumentException("grid of " + spec.rows() + "x" + spec.columns() + " is not " + n + " nodes");
                }
                run(new GridGraphGenerator<>(spec.rows(), spec.columns()), graph); // row by row
            }
            case MESH -> run(new CompleteGraphGenerator<>(n), graph);
            case TREE -> tree(graph, n, spec.branching());
            case RANDOM -> random(graph, spec);
        }
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            names.add(spec.prefix() + i);
        }
        List<int[]> pairs = new ArrayList<>();
        for (DefaultEdge e : graph.edgeSet()) {
            int s = graph.getEdgeSource(e);
            int t = graph.getEdgeTarget(e);
            pairs.add(new int[] {Math.min(s, t), Math.max(s, t)});
        }
        pairs.sort(Comparator.<int[]>comparingInt(p -> p[0]).thenComparingInt(p -> p[1]));
        List<LinkEnds> edges = pairs.stream().map(p -> new LinkEnds(names.get(p[0] - 1), names.get(p[1] - 1))).toList();
        return new Generated(names, edges);
    }

    private static void run(GraphGenerator<Integer, DefaultEdge, Integer> generator, Graph<Integer, DefaultEdge> graph) {
        generator.generateGraph(graph);
    }

    /** A complete tree in breadth-first numbering: node k's parent is (k - 2) / branching + 1. */
    private static void tree(Graph<Integer, DefaultEdge> graph, int n, int branching) {
        if (branching < 1) {
            throw new IllegalArgumentException("tree branching must be at least 1");
        }
        for (int i = 1; i <= n; i++) {
            graph.addVertex();
        }
        for (int k = 2; k <= n; k++) {
            graph.addEdge((k - 2) / branching + 1, k);
        }
    }

    /**
     * G(n, p) or G(n, m) with the seed; then, if the graph fell apart, the smallest-numbered node of
     * each component is linked to the smallest-numbered node of the component before it (components
     * ordered by their smallest node), which is the fewest links that make it connected.
     */
    private static void random(Graph<Integer, DefaultEdge> graph, Spec spec) {
        if (spec.seed() == null) {
            throw new IllegalArgumentException("random topology needs a seed");
        }
        int n = spec.nodes();
        long seed = spec.seed();
        if (spec.degree() != null) {
            long maxEdges = (long) n * (n - 1) / 2;
            int m = (int) Math.min(maxEdges, Math.round(n * spec.degree() / 2));
            run(new GnmRandomGraphGenerator<>(n, m, seed, false, false), graph);
        } else {
            double p = spec.probability() == null ? 0.3 : spec.probability();
            run(new GnpRandomGraphGenerator<>(n, p, seed, false), graph);
        }
        List<Set<Integer>> components = new ArrayList<>(new ConnectivityInspector<>(graph).connectedSets());
        List<Integer> smallest = components.stream().map(c -> c.stream().min(Integer::compare).orElseThrow()).sorted().toList();
        for (int i = 1; i < smallest.size(); i++) {
            graph.addEdge(smallest.get(i - 1), smallest.get(i));
        }
    }
}

package dev.netloom.topology;

import dev.netloom.nodes.BadInputException;
import dev.netloom.scenario.Scenario;
import dev.netloom.topology.SegmentPlan.Kind;
import org.jgrapht.Graph;
import org.jgrapht.Graphs;
import org.jgrapht.graph.AsUnmodifiableGraph;
import org.jgrapht.graph.builder.GraphTypeBuilder;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The shape of a scenario as a graph: vertices are node names, every point-to-point link is an edge
 * (parallel links are parallel edges) and every LAN is a clique of edges among its members, so any
 * two nodes on one segment are one hop apart and plain shortest paths are right. Immutable.
 */
public final class Topology {

    /**
     * An edge: {@code segment} is the link or LAN it stands for; {@code a} and {@code b} its ends (in
     * node order for LAN edges). Segment names are unique, so these are distinct as JGraphT needs.
     */
    public record Edge(String segment, Kind kind, String a, String b) {
    }

    /** A link or LAN with its attached nodes, in the order the plan uses. */
    public record Segment(String name, int index, Kind kind, List<String> members) {
        public Segment {
            members = List.copyOf(members);
        }
    }

    /** JSON-friendly shape for {@code topology.get}. */
    public record View(String lab, List<NodeEntry> nodes, List<Segment> segments) {
        public View {
            nodes = List.copyOf(nodes);
            segments = List.copyOf(segments);
        }
    }

    /** A node and its distinct neighbours, in node order. */
    public record NodeEntry(String name, int index, List<String> neighbours) {
        public NodeEntry {
            neighbours = List.copyOf(neighbours);
        }
    }

    private final String lab;
    private final List<String> nodes;
    private final Map<String, Integer> nodeIndex;
    private final List<Segment> segments;
    private final Graph<String, Edge> graph;

    private Topology(String lab, List<String> nodes, List<Segment> segments) {
        this.lab = lab;
        this.nodes = List.copyOf(nodes);
        this.segments = List.copyOf(segments);
        this.nodeIndex = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            nodeIndex.put(nodes.get(i), i);
        }
        Graph<String, Edge> g = GraphTypeBuilder.<String, Edge>undirected()
                .allowingMultipleEdges(true).allowingSelfLoops(false).weighted(false).buildGraph();
        nodes.forEach(g::addVertex);
        for (Segment s : segments) {
            List<String> m = s.members();
            for (int i = 0; i < m.size(); i++) {
                for (int j = i + 1; j < m.size(); j++) {
                    g.addEdge(m.get(i), m.get(j), new Edge(s.name(), s.kind(), m.get(i), m.get(j)));
                }
            }
        }
        this.graph = new AsUnmodifiableGraph<>(g);
    }

    /**
     * The topology of a scenario. Checks what the graph relies on: link and LAN ends name existing
     * nodes, no link joins a node to itself, no node is on one LAN twice, link and LAN names are unique.
     */
    public static Topology of(Scenario scenario) {
        List<String> nodes = scenario.nodes().stream().map(Scenario.NodeDef::name).toList();
        Set<String> known = new HashSet<>();
        for (String n : nodes) {
            if (!known.add(n)) {
                throw new BadInputException("node name '" + n + "' is used twice");
            }
        }
        List<Segment> segments = new ArrayList<>();
        Set<String> segmentNames = new HashSet<>();
        for (Scenario.LinkDef link : scenario.links()) {
            String a = link.a().node();
            String b = link.b().node();
            checkSegmentName(link.name(), segmentNames);
            checkNode("link " + link.name(), a, known);
            checkNode("link " + link.name(), b, known);
            if (a.equals(b)) {
                throw new BadInputException("link " + link.name() + " joins node " + a + " to itself: a link needs two different nodes");
            }
            segments.add(new Segment(link.name(), segments.size(), Kind.LINK, List.of(a, b)));
        }
        for (Scenario.LanDef lan : scenario.lans()) {
            checkSegmentName(lan.name(), segmentNames);
            if (lan.members().isEmpty()) {
                throw new BadInputException("LAN " + lan.name() + " has no members");
            }
            Set<String> seen = new HashSet<>();
            List<String> members = new ArrayList<>();
            for (Scenario.Endpoint e : lan.members()) {
                checkNode("LAN " + lan.name(), e.node(), known);
                if (!seen.add(e.node())) {
                    throw new BadInputException("LAN " + lan.name() + " lists node " + e.node() + " twice");
                }
                members.add(e.node());
            }
            segments.add(new Segment(lan.name(), segments.size(), Kind.LAN, members));
        }
        return new Topology(scenario.name(), nodes, segments);
    }

    private static void checkSegmentName(String name, Set<String> seen) {
        if (!seen.add(name)) {
            throw new BadInputException("link/LAN name '" + name + "' is used twice: link and LAN names must be unique in a lab");
        }
    }

    private static void checkNode(String where, String node, Set<String> known) {
        if (!known.contains(node)) {
            throw new BadInputException(where + ": unknown node '" + node + "'; nodes: " + String.join(", ", new TreeSet<>(known)));
        }
    }

    public String lab() {
        return lab;
    }

    /** Node names in scenario order. */
    public List<String> nodes() {
        return nodes;
    }

    /** Links in scenario order, then LANs in scenario order. */
    public List<Segment> segments() {
        return segments;
    }

    /** The position of a node in the scenario, or -1. */
    public int indexOf(String node) {
        return nodeIndex.getOrDefault(node, -1);
    }

    /** A read-only view of the multigraph (LANs as cliques). */
    public Graph<String, Edge> graph() {
        return graph;
    }

    /** Hop counts from one node to every node, indexed by node index; -1 where unreachable. */
    public int[] hopsFrom(String node) {
        int[] dist = new int[nodes.size()];
        Arrays.fill(dist, -1);
        ArrayDeque<String> queue = new ArrayDeque<>();
        dist[nodeIndex.get(node)] = 0;
        queue.add(node);
        while (!queue.isEmpty()) {
            String v = queue.poll();
            int d = dist[nodeIndex.get(v)];
            for (String w : Graphs.neighborListOf(graph, v)) {
                int wi = nodeIndex.get(w);
                if (dist[wi] < 0) {
                    dist[wi] = d + 1;
                    queue.add(w);
                }
            }
        }
        return dist;
    }

    /** Hops between two nodes; -1 when there is no path. */
    public int hops(String from, String to) {
        return hopsFrom(from)[nodeIndex.get(to)];
    }

    /** The JSON-friendly shape: nodes with their neighbours, links and LANs with their members. */
    public View view() {
        List<NodeEntry> entries = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            String n = nodes.get(i);
            TreeSet<Integer> neighbours = new TreeSet<>();
            Graphs.neighborListOf(graph, n).forEach(w -> neighbours.add(nodeIndex.get(w)));
            entries.add(new NodeEntry(n, i, neighbours.stream().map(nodes::get).toList()));
        }
        return new View(lab, entries, segments);
    }

    /**
     * Graphviz DOT: nodes as ellipses, links as labelled edges, LANs as boxes joined to their members
     * (the box is a drawing device only; in the graph a LAN is a clique).
     */
    public String toDot() {
        StringBuilder dot = new StringBuilder();
        dot.append("graph ").append(quote(lab)).append(" {\n");
        dot.append("  node [shape=ellipse];\n");
        for (String n : nodes) {
            dot.append("  ").append(quote(n)).append(";\n");
        }
        for (Segment s : segments) {
            if (s.kind() == Kind.LINK) {
                dot.append("  ").append(quote(s.members().get(0))).append(" -- ").append(quote(s.members().get(1)))
                        .append(" [label=").append(quote(s.name())).append("];\n");
            } else {
                String hub = quote("lan:" + s.name());
                dot.append("  ").append(hub).append(" [shape=box, label=").append(quote(s.name())).append("];\n");
                for (String m : s.members()) {
                    dot.append("  ").append(hub).append(" -- ").append(quote(m)).append(";\n");
                }
            }
        }
        dot.append("}\n");
        return dot.toString();
    }

    private static String quote(String id) {
        return '"' + id.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}

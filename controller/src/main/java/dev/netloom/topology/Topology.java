package dev.netloom.topology;

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
     * The topology of a scenario the loader accepted (or of a part of one). It relies on what the
     * loader guarantees: link and LAN ends name existing nodes, no link joins a node to itself, no node
     * is on one LAN twice, node names and link and LAN names are unique. Input that breaks these is a
     * programming error ({@link IllegalStateException}), not bad input.
     */
    public static Topology of(Scenario scenario) {
        List<String> nodes = scenario.nodes().stream().map(Scenario.NodeDef::name).toList();
        Set<String> known = new HashSet<>(nodes);
        assume(known.size() == nodes.size(), "node names are not unique");
        List<Segment> segments = new ArrayList<>();
        Set<String> segmentNames = new HashSet<>();
        for (Scenario.LinkDef link : scenario.links()) {
            List<String> ends = List.of(link.a().node(), link.b().node());
            assume(segmentNames.add(link.name()), "link/LAN name '" + link.name() + "' is used twice");
            assume(known.containsAll(ends), "link " + link.name() + ": unknown node in " + ends);
            assume(!ends.get(0).equals(ends.get(1)), "link " + link.name() + " joins node " + ends.get(0) + " to itself");
            segments.add(new Segment(link.name(), segments.size(), Kind.LINK, ends));
        }
        for (Scenario.LanDef lan : scenario.lans()) {
            List<String> members = lan.members().stream().map(Scenario.Endpoint::node).toList();
            assume(segmentNames.add(lan.name()), "link/LAN name '" + lan.name() + "' is used twice");
            assume(!members.isEmpty() && known.containsAll(members), "LAN " + lan.name() + ": no members or an unknown node in " + members);
            assume(new HashSet<>(members).size() == members.size(), "LAN " + lan.name() + " lists a node twice: " + members);
            boolean medium = scenario.mobility() != null && lan.name().equals(scenario.mobility().medium());
            segments.add(new Segment(lan.name(), segments.size(), medium ? Kind.MEDIUM : Kind.LAN, members));
        }
        return new Topology(scenario.name(), nodes, segments);
    }

    /** An invariant of loaded scenarios; failing it is a bug in the caller. */
    private static void assume(boolean holds, String broken) {
        if (!holds) {
            throw new IllegalStateException(broken + " (not a scenario the loader accepted)");
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

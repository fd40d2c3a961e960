package dev.netloom.topology;

import dev.netloom.scenario.Cidr;
import dev.netloom.topology.SegmentPlan.Member;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Static routes along hop-count shortest paths over the links and LANs that are up (see
 * docs/topology.md): the plan's routes (nothing down) and the routes after links fail. A link down
 * in one direction carries the other direction's traffic only, so paths are directed: a node's route
 * leads along links that pass its traffic onwards, and the way back may differ. A link that is down
 * one way gets no subnet routes (like one that is down): its addresses are reached by host routes
 * ({@code guest.Reroute}). Pure.
 */
public final class StaticRoutes {

    private final List<SegmentPlan> segments;
    private final List<List<InterfacePlan>> interfaces;
    private final Outages down;
    private final Map<String, Integer> nodeIndex = new HashMap<>();
    private final List<String> nodeName;
    private final Map<String, SegmentPlan> byName = new HashMap<>();
    /** hops[node][segment]: fewest hops from the node to any member of the segment; -1 if unreachable or down. */
    private final int[][] hops;
    /** subnets[segment][family]: the segment's subnet of each family (null without it), parsed once. */
    private final String[][] subnets;
    /** ips[segment][member][family]: each member's address of each family without its prefix (null without it), parsed once. */
    private final String[][][] ips;

    private StaticRoutes(List<String> nodes, List<SegmentPlan> segments, List<List<InterfacePlan>> interfaces, Outages down) {
        this.segments = segments;
        this.interfaces = interfaces;
        this.down = down;
        this.nodeName = nodes;
        for (int i = 0; i < nodes.size(); i++) {
            nodeIndex.put(nodes.get(i), i);
        }
        segments.forEach(s -> byName.put(s.name(), s));
        List<List<Integer>> neighbours = adjacency(nodes.size(), nodeIndex, segments, down, false);
        int families = Cidr.Family.values().length;
        subnets = new String[segments.size()][families];
        ips = new String[segments.size()][][];
        for (SegmentPlan s : segments) {
            ips[s.index()] = new String[s.members().size()][families];
            for (Cidr.Family family : Cidr.Family.values()) {
                subnets[s.index()][family.ordinal()] = s.subnet(family);
                for (int pos = 0; pos < s.members().size(); pos++) {
                    ips[s.index()][pos][family.ordinal()] = s.members().get(pos).ip(family);
                }
            }
        }
        hops = new int[nodes.size()][segments.size()];
        for (int n = 0; n < nodes.size(); n++) {
            int[] toNode = hopsFrom(n, neighbours);
            for (SegmentPlan s : segments) {
                int best = -1;
                if (down.intact(s.name())) {
                    for (Member m : s.members()) {
                        int d = toNode[nodeIndex.get(m.node())];
                        if (d >= 0 && (best < 0 || d < best)) {
                            best = d;
                        }
                    }
                }
                hops[n][s.index()] = best;
            }
        }
    }

    /**
     * Every node's routes (in node order) with the outages of {@code down}.
     *
     * @param nodes      node names in plan order
     * @param segments   every link and LAN, in plan order
     * @param interfaces per node, its interfaces in guest order
     */
    static List<List<Route>> compute(List<String> nodes, List<SegmentPlan> segments, List<List<InterfacePlan>> interfaces, Outages down) {
        StaticRoutes r = new StaticRoutes(nodes, segments, interfaces, down);
        List<List<Route>> out = new ArrayList<>();
        for (int n = 0; n < nodes.size(); n++) {
            out.add(r.routes(n));
        }
        return out;
    }

    /** Every node's routes, by name, with the outages of {@code down}. */
    public static Map<String, List<Route>> of(Plan plan, Outages down) {
        List<String> names = plan.nodes().stream().map(NodePlan::name).toList();
        List<List<Route>> routes = compute(names, plan.segments(), plan.nodes().stream().map(NodePlan::interfaces).toList(), down);
        Map<String, List<Route>> out = new LinkedHashMap<>();
        for (int n = 0; n < names.size(); n++) {
            out.put(names.get(n), routes.get(n));
        }
        return out;
    }

    /**
     * The next hop from node {@code from} towards node {@code target} over what passes traffic now,
     * in one family, as a route whose destination is unused: the neighbour one hop closer to the
     * target (the lowest node index first, then the lowest local interface), its address on the
     * segment they share and the local interface. Null when the target is unreachable, is
     * {@code from}, or the shared segment has no address of that family. Host routes on a medium with
     * pairs apart take it (guest.Reroute): there is no subnet route to follow there, every node is on it.
     */
    public static Route nextHop(Plan plan, Outages down, String from, String target, Cidr.Family family) {
        List<String> names = plan.nodes().stream().map(NodePlan::name).toList();
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            index.put(names.get(i), i);
        }
        List<List<Integer>> towards = adjacency(names.size(), index, plan.segments(), down, true);
        int[] toTarget = hopsFrom(index.get(target), towards);
        int self = index.get(from);
        if (toTarget[self] <= 0) {
            return null;
        }
        Route best = null;
        int bestNode = Integer.MAX_VALUE;
        for (InterfacePlan local : plan.node(from).interfaces()) {
            SegmentPlan shared = plan.segment(local.segment());
            for (Member m : shared.members()) {
                int v = index.get(m.node());
                if (v != self && v < bestNode && toTarget[v] == toTarget[self] - 1 && down.passes(shared.name(), from, m.node())
                        && m.ip(family) != null) {
                    bestNode = v;
                    best = new Route(shared.subnet(family), m.ip(family), local.guestName());
                }
            }
        }
        return best;
    }

    /**
     * Per node index, the nodes its frames reach directly over what passes now; {@code reversed}: the
     * nodes whose frames reach it.
     */
    private static List<List<Integer>> adjacency(int count, Map<String, Integer> index, List<SegmentPlan> segments, Outages down, boolean reversed) {
        List<List<Integer>> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(new ArrayList<>());
        }
        for (SegmentPlan s : segments) {
            for (Member a : s.members()) {
                for (Member b : s.members()) {
                    if (a != b && down.passes(s.name(), a.node(), b.node())) {
                        out.get(index.get((reversed ? b : a).node())).add(index.get((reversed ? a : b).node()));
                    }
                }
            }
        }
        return out;
    }

    private static int[] hopsFrom(int start, List<List<Integer>> neighbours) {
        int[] dist = new int[neighbours.size()];
        Arrays.fill(dist, -1);
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        dist[start] = 0;
        queue.add(start);
        while (!queue.isEmpty()) {
            int v = queue.poll();
            for (int w : neighbours.get(v)) {
                if (dist[w] < 0) {
                    dist[w] = dist[v] + 1;
                    queue.add(w);
                }
            }
        }
        return dist;
    }

    /**
     * For every segment up that the node is not on and can reach, per family it has (IPv4 routes first,
     * then IPv6): a route via the neighbour one hop closer to it, the neighbour with the lowest node
     * index first, then the lowest local interface index. The choice is the graph's, so both families
     * take the same next hop (a lab's segments all have the same families).
     */
    private List<Route> routes(int node) {
        Cidr.Family[] families = Cidr.Family.values();
        List<List<Route>> byFamily = new ArrayList<>();
        for (Cidr.Family family : families) {
            byFamily.add(new ArrayList<>());
        }
        for (SegmentPlan target : segments) {
            int distance = hops[node][target.index()];
            if (distance <= 0) {
                continue; // attached (0), unreachable, down or down one way (-1)
            }
            int bestNeighbour = Integer.MAX_VALUE;
            String[] bestVia = null;
            String bestDev = null;
            for (InterfacePlan local : interfaces.get(node)) {
                SegmentPlan shared = byName.get(local.segment());
                for (int pos = 0; pos < shared.members().size(); pos++) {
                    String neighbour = shared.members().get(pos).node();
                    int v = nodeIndex.get(neighbour);
                    if (v != node && down.passes(shared.name(), nodeName.get(node), neighbour) && hops[v][target.index()] == distance - 1 && v < bestNeighbour) {
                        bestNeighbour = v;
                        bestVia = ips[shared.index()][pos];
                        bestDev = local.guestName();
                    }
                }
            }
            for (Cidr.Family family : families) {
                String destination = subnets[target.index()][family.ordinal()];
                if (destination != null) {
                    byFamily.get(family.ordinal()).add(bestVia == null ? null : new Route(destination, bestVia[family.ordinal()], bestDev));
                }
            }
        }
        List<Route> routes = new ArrayList<>();
        byFamily.forEach(routes::addAll);
        return routes;
    }
}

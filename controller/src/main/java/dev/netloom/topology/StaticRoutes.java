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
import java.util.Set;

/**
 * Static routes along hop-count shortest paths over the links and LANs that are up (see
 * docs/topology.md): the plan's routes (nothing down) and the routes after links fail. Pure.
 */
public final class StaticRoutes {

    private final List<SegmentPlan> segments;
    private final List<List<InterfacePlan>> interfaces;
    private final Set<String> down;
    private final Map<String, Integer> nodeIndex = new HashMap<>();
    private final Map<String, SegmentPlan> byName = new HashMap<>();
    /** hops[node][segment]: fewest hops from the node to any member of the segment; -1 if unreachable or down. */
    private final int[][] hops;

    private StaticRoutes(List<String> nodes, List<SegmentPlan> segments, List<List<InterfacePlan>> interfaces, Set<String> down) {
        this.segments = segments;
        this.interfaces = interfaces;
        this.down = down;
        for (int i = 0; i < nodes.size(); i++) {
            nodeIndex.put(nodes.get(i), i);
        }
        segments.forEach(s -> byName.put(s.name(), s));
        List<List<Integer>> neighbours = new ArrayList<>();
        nodes.forEach(n -> neighbours.add(new ArrayList<>()));
        for (SegmentPlan s : segments) {
            if (down.contains(s.name())) {
                continue;
            }
            for (Member a : s.members()) {
                for (Member b : s.members()) {
                    if (a != b) {
                        neighbours.get(nodeIndex.get(a.node())).add(nodeIndex.get(b.node()));
                    }
                }
            }
        }
        hops = new int[nodes.size()][segments.size()];
        for (int n = 0; n < nodes.size(); n++) {
            int[] toNode = hopsFrom(n, neighbours);
            for (SegmentPlan s : segments) {
                int best = -1;
                if (!down.contains(s.name())) {
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
     * Every node's routes (in node order) while the segments named in {@code down} pass nothing.
     *
     * @param nodes      node names in plan order
     * @param segments   every link and LAN, in plan order
     * @param interfaces per node, its interfaces in guest order
     */
    static List<List<Route>> compute(List<String> nodes, List<SegmentPlan> segments, List<List<InterfacePlan>> interfaces, Set<String> down) {
        StaticRoutes r = new StaticRoutes(nodes, segments, interfaces, down);
        List<List<Route>> out = new ArrayList<>();
        for (int n = 0; n < nodes.size(); n++) {
            out.add(r.routes(n));
        }
        return out;
    }

    /** Every node's routes, by name, with the segments in {@code down} out of service. */
    public static Map<String, List<Route>> of(Plan plan, Set<String> down) {
        List<String> names = plan.nodes().stream().map(NodePlan::name).toList();
        List<List<Route>> routes = compute(names, plan.segments(), plan.nodes().stream().map(NodePlan::interfaces).toList(), down);
        Map<String, List<Route>> out = new LinkedHashMap<>();
        for (int n = 0; n < names.size(); n++) {
            out.put(names.get(n), routes.get(n));
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
     * For every segment up that the node is not on and can reach, per family it has (IPv4 first, then
     * IPv6): a route via the neighbour one hop closer to it, the neighbour with the lowest node index
     * first, then the lowest local interface index. The choice is the same for both families.
     */
    private List<Route> routes(int node) {
        List<Route> routes = new ArrayList<>();
        for (Cidr.Family family : Cidr.Family.values()) {
            for (SegmentPlan target : segments) {
                int distance = hops[node][target.index()];
                String destination = target.subnet(family);
                if (distance <= 0 || destination == null) {
                    continue; // attached (0), unreachable or down (-1), or no addresses of this family
                }
                int bestNeighbour = Integer.MAX_VALUE;
                Route best = null;
                for (InterfacePlan local : interfaces.get(node)) {
                    if (down.contains(local.segment())) {
                        continue;
                    }
                    for (Member neighbour : byName.get(local.segment()).members()) {
                        int v = nodeIndex.get(neighbour.node());
                        if (v != node && hops[v][target.index()] == distance - 1 && v < bestNeighbour && neighbour.ip(family) != null) {
                            bestNeighbour = v;
                            best = new Route(destination, neighbour.ip(family), local.guestName());
                        }
                    }
                }
                routes.add(best);
            }
        }
        return routes;
    }
}

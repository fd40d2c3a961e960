package dev.netloom.partition;

import dev.netloom.lab.HostMemory;
import dev.netloom.nodes.BadInputException;
import dev.netloom.topology.NodePlan;
import dev.netloom.topology.Plan;
import dev.netloom.topology.SegmentPlan;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Spreads a lab's nodes over hosts so that every host's memory admission holds, the work is shared
 * in proportion to each host's speed ({@link HostSpec#speed}), and few links cross hosts. Members of
 * a LAN stay on one host (a LAN is a bridge, and bridges do not span hosts here): they move as one
 * group. Greedy growth fills one host after the other from a seed, always taking the group most
 * connected to what the host has; a Kernighan-Lin style refinement then moves or swaps groups between
 * hosts while that cuts fewer links and keeps every host within its memory and its share. Pure and
 * deterministic: every agent computes the same partition from the same plan and hosts.
 */
public final class Partitioner {

    /**
     * How far above its share a host may go (a tenth, plus half the largest group), so a cheaper cut can
     * win; groups that fit no host within that go where their memory fits (a share need not be a whole
     * number of groups).
     */
    static final double SLACK = 0.10;
    private static final int SWAP_LIMIT = 400;

    private final int n;
    private final long[] weight;
    private final int[][] links; // links[g][h]: links between groups g and h
    private final int[] hostOf;
    private final long[] load;
    private final long[] bound;
    private final long[] cap;

    private Partitioner(long[] weight, int[][] links, long[] bound, long[] cap) {
        this.cap = cap;
        this.n = weight.length;
        this.weight = weight;
        this.links = links;
        this.bound = bound;
        this.hostOf = new int[n];
        this.load = new long[bound.length];
        Arrays.fill(hostOf, -1);
    }

    /** What a host may reserve: the usable share of its memory, or no limit when its memory was not given. */
    static long capacityMiB(HostSpec h) {
        return h.memoryMiB() > 0 ? (long) (h.memoryMiB() * HostMemory.USABLE_SHARE) : Long.MAX_VALUE;
    }

    /**
     * Assigns every node of {@code plan} to one of {@code hosts}; {@code merged} says whether KSM
     * merges the guests' memory (as the lab's admission counts it). A lab that cannot fit is bad input
     * naming what it needs and what the hosts have.
     */
    public static Partition partition(Plan plan, List<HostSpec> hosts, boolean merged) {
        if (hosts.isEmpty()) {
            throw new BadInputException("no hosts given: name at least one with --hosts");
        }
        List<NodePlan> nodes = plan.nodes();
        int[] group = groups(plan);
        int groups = Arrays.stream(group).max().orElse(-1) + 1;
        long[] weight = new long[groups];
        long[] nodeMiB = new long[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            nodeMiB[i] = HostMemory.nodeMiB(nodes.get(i), merged);
            weight[group[i]] += nodeMiB[i];
        }
        int[][] links = new int[groups][groups];
        for (SegmentPlan s : plan.segments()) {
            if (s.kind() == SegmentPlan.Kind.LINK) {
                int a = group[index(plan, s.members().get(0).node())];
                int b = group[index(plan, s.members().get(1).node())];
                if (a != b) {
                    links[a][b]++;
                    links[b][a]++;
                }
            }
        }
        long total = Arrays.stream(weight).sum();
        long largest = Arrays.stream(weight).max().orElse(0);
        double speeds = hosts.stream().mapToDouble(HostSpec::speed).sum();
        long[] target = new long[hosts.size()];
        long[] bound = new long[hosts.size()];
        long[] cap = new long[hosts.size()];
        for (int h = 0; h < hosts.size(); h++) {
            target[h] = Math.round(total * hosts.get(h).speed() / speeds);
            cap[h] = capacityMiB(hosts.get(h));
            bound[h] = Math.min(cap[h], (long) (target[h] * (1 + SLACK)) + largest / 2);
        }
        Partitioner p = new Partitioner(weight, links, bound, cap);
        p.grow(target, hosts);
        p.refine();
        Map<String, String> hostOf = new LinkedHashMap<>();
        Map<String, Long> loads = new LinkedHashMap<>();
        hosts.forEach(h -> loads.put(h.name(), 0L));
        for (int i = 0; i < nodes.size(); i++) {
            String host = hosts.get(p.hostOf[group[i]]).name();
            hostOf.put(nodes.get(i).name(), host);
            loads.merge(host, nodeMiB[i], Long::sum);
        }
        return new Partition(hosts, hostOf, loads);
    }

    private static int index(Plan plan, String node) {
        return plan.node(node).index();
    }

    /** Node index to group: members of one LAN (or medium) share a group (union-find), every other node is a group of its own. */
    static int[] groups(Plan plan) {
        int[] parent = new int[plan.nodes().size()];
        Arrays.setAll(parent, i -> i);
        for (SegmentPlan s : plan.segments()) {
            if (s.kind() != SegmentPlan.Kind.LINK) { // a LAN's bridge or a medium's filters stay on one host
                int first = find(parent, index(plan, s.members().get(0).node()));
                for (SegmentPlan.Member m : s.members()) {
                    parent[find(parent, index(plan, m.node()))] = first;
                }
            }
        }
        int[] group = new int[parent.length];
        Map<Integer, Integer> ids = new LinkedHashMap<>();
        for (int i = 0; i < parent.length; i++) {
            group[i] = ids.computeIfAbsent(find(parent, i), k -> ids.size());
        }
        return group;
    }

    private static int find(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    /** Links from group g to the groups on host h. */
    private int linksTo(int g, int h) {
        int c = 0;
        for (int o = 0; o < n; o++) {
            if (hostOf[o] == h) {
                c += links[g][o];
            }
        }
        return c;
    }

    private void place(int g, int h) {
        if (hostOf[g] >= 0) {
            load[hostOf[g]] -= weight[g];
        }
        hostOf[g] = h;
        load[h] += weight[g];
    }

    /** Fills the hosts in turn up to their share, each from the first free group, by most links to what it has. */
    private void grow(long[] target, List<HostSpec> hosts) {
        for (int h = 0; h < bound.length; h++) {
            while (load[h] < target[h]) {
                int best = -1;
                int bestLinks = -1;
                for (int g = 0; g < n; g++) {
                    if (hostOf[g] < 0 && load[h] + weight[g] <= bound[h]) {
                        int l = linksTo(g, h);
                        if (l > bestLinks) {
                            best = g;
                            bestLinks = l;
                        }
                    }
                }
                if (best < 0) {
                    break;
                }
                place(best, h);
            }
        }
        for (int g = 0; g < n; g++) { // what is left goes where its memory fits, beyond shares if need be, most connected first
            if (hostOf[g] < 0) {
                int best = -1;
                for (int h = 0; h < cap.length; h++) {
                    long room = cap[h] - load[h];
                    if (weight[g] <= room && (best < 0 || linksTo(g, h) > linksTo(g, best)
                            || linksTo(g, h) == linksTo(g, best) && room > cap[best] - load[best])) {
                        best = h;
                    }
                }
                if (best < 0) {
                    throw new BadInputException(unfit(g, hosts));
                }
                place(g, best);
            }
        }
    }

    private String unfit(int g, List<HostSpec> hosts) {
        StringBuilder b = new StringBuilder("the lab does not fit on these hosts: a group of nodes (a node, or a LAN's members, which stay together) needs "
                + weight[g] + " MiB, and no host has that left (");
        for (int h = 0; h < hosts.size(); h++) {
            b.append(h == 0 ? "" : ", ").append(hosts.get(h).name()).append(": ").append(load[h]).append(" MiB placed, ")
                    .append(cap[h] == Long.MAX_VALUE ? "no limit" : cap[h] + " MiB usable");
        }
        return b.append("); add hosts, give them more memory (memory=SIZE), or use less memory per node").toString();
    }

    /** Moves or swaps groups between hosts while a move or swap cuts fewer links and keeps both hosts within bounds. */
    private void refine() {
        for (int round = 0; round < 4 * n + 4; round++) {
            int bestGain = 0;
            int[] best = null;
            for (int g = 0; g < n; g++) {
                int from = hostOf[g];
                for (int to = 0; to < bound.length; to++) {
                    if (to != from && load[to] + weight[g] <= bound[to]) {
                        int gain = linksTo(g, to) - linksTo(g, from);
                        if (gain > bestGain) {
                            bestGain = gain;
                            best = new int[]{g, to};
                        }
                    }
                }
            }
            if (n <= SWAP_LIMIT) {
                for (int g = 0; g < n; g++) {
                    for (int o = g + 1; o < n; o++) {
                        int a = hostOf[g];
                        int b = hostOf[o];
                        if (a == b || load[b] - weight[o] + weight[g] > Math.max(bound[b], load[b])
                                || load[a] - weight[g] + weight[o] > Math.max(bound[a], load[a])) {
                            continue;
                        }
                        int gain = linksTo(g, b) - linksTo(g, a) + linksTo(o, a) - linksTo(o, b) - 2 * links[g][o];
                        if (gain > bestGain) {
                            bestGain = gain;
                            best = new int[]{g, b, o, a};
                        }
                    }
                }
            }
            if (best == null) {
                return;
            }
            place(best[0], best[1]);
            if (best.length == 4) {
                place(best[2], best[3]);
            }
        }
    }
}

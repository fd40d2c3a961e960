package dev.netloom.guest;

import dev.netloom.scenario.Cidr;
import dev.netloom.scenario.Cidr.Family;
import dev.netloom.topology.InterfacePlan;
import dev.netloom.topology.NodePlan;
import dev.netloom.topology.Outages;
import dev.netloom.topology.Plan;
import dev.netloom.topology.Route;
import dev.netloom.topology.RouteAggregation;
import dev.netloom.topology.SegmentPlan;
import dev.netloom.topology.StaticRoutes;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rerouting after links fail or come back, as a pure function of the plan and the outages: per node
 * the `ip route` commands that take it from the routes it has (those of the outages before) to
 * shortest paths over what passes its traffic, for each family the lab has, merged as
 * {@link RouteAggregation} merges them (a merged prefix of before that is gone is deleted). A link down in one direction carries only the other one's
 * traffic ({@link StaticRoutes}). The addresses on segments that are down, or down one way, stay
 * reachable through host routes (/32, /128) to their nodes, since names resolve to them: Linux
 * answers for a local IPv4 address on any interface, and an IPv6 one, which it takes out of service
 * while its interface is down, is held on lo (as a /128) while its link is down both ways.
 */
public final class Reroute {

    private Reroute() {
    }

    /**
     * @param before   the outages the nodes' routes were made for ({@link Outages#NONE}: the plan's)
     * @param down     the links and LANs that pass nothing now, and the links down one way
     * @param restored the links and LANs that were down (either way) since the lab started: those intact
     *                 now lose their host routes, those no longer down their addresses held on lo
     * @return per node, in plan order, the commands to run (each tolerates a route that is already gone)
     */
    public static Map<String, List<String>> commands(Plan plan, Outages before, Outages down, Set<String> restored) {
        Map<String, List<Route>> live = StaticRoutes.of(plan, down);
        Map<String, List<Route>> was = before.isEmpty() ? null : StaticRoutes.of(plan, before);
        List<SegmentPlan> hostRouted = plan.segments().stream().filter(s -> !down.intact(s.name())).toList();
        List<SegmentPlan.Member> downMembers = plan.segments().stream().filter(s -> down.isDown(s.name()))
                .flatMap(s -> s.members().stream()).toList();
        List<SegmentPlan.Member> releasedMembers = plan.segments().stream()
                .filter(s -> !down.isDown(s.name()) && restored.contains(s.name()))
                .flatMap(s -> s.members().stream()).toList();
        List<SegmentPlan.Member> restoredMembers = plan.segments().stream()
                .filter(s -> down.intact(s.name()) && restored.contains(s.name()))
                .flatMap(s -> s.members().stream()).toList();
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (NodePlan node : plan.nodes()) {
            List<Route> installed = RouteAggregation.of(node, was == null ? node.routes() : was.get(node.name()), before);
            out.put(node.name(), commands(plan, node, installed, live, down, hostRouted, downMembers, releasedMembers, restoredMembers));
        }
        return out;
    }

    private static List<String> commands(Plan plan, NodePlan node, List<Route> installed, Map<String, List<Route>> live, Outages down,
                                         List<SegmentPlan> hostRouted, List<SegmentPlan.Member> downMembers,
                                         List<SegmentPlan.Member> releasedMembers, List<SegmentPlan.Member> restoredMembers) {
        List<String> cmds = new ArrayList<>();
        Set<String> kept = new HashSet<>(); // a node of a 200-node grid may have many routes: no list scan per old route
        for (Route r : RouteAggregation.of(node, live.get(node.name()), down)) {
            cmds.add(GuestConfig.routeCommand(r));
            kept.add(r.destination());
        }
        for (Route old : installed) {
            if (!kept.contains(old.destination())) {
                cmds.add(GuestConfig.routeDeleteCommand(old.destination()));
            }
        }
        // Linux marks an IPv6 address on an interface that is down tentative, which takes it out of
        // service (unlike IPv4's): while the link is down, the node holds it on lo as well
        for (SegmentPlan.Member m : downMembers) {
            if (m.node().equals(node.name()) && m.ip6() != null) {
                cmds.add("ip addr replace " + Cidr.parse(m.ip6() + Family.IPV6.hostPrefix()) + " dev lo");
            }
        }
        for (SegmentPlan.Member m : releasedMembers) {
            if (m.node().equals(node.name()) && m.ip6() != null) {
                cmds.add("ip addr del " + Cidr.parse(m.ip6() + Family.IPV6.hostPrefix()) + " dev lo 2>/dev/null || true");
            }
        }
        for (Family family : Family.values()) {
            for (SegmentPlan s : hostRouted) {
                for (SegmentPlan.Member m : s.members()) {
                    if (m.node().equals(node.name()) || m.ip(family) == null) {
                        continue;
                    }
                    String host = m.ip(family) + family.hostPrefix();
                    boolean connected = s.members().stream().anyMatch(x -> x.node().equals(node.name()))
                            && down.passes(s.name(), node.name(), m.node());
                    Route hop = connected ? null : hopTowards(plan, m.node(), node, live, down, family);
                    // a member reached over the segment itself needs no host route: its connected route serves
                    cmds.add(hop == null ? GuestConfig.routeDeleteCommand(host)
                            : GuestConfig.routeCommand(new Route(host, hop.via(), hop.dev())));
                }
            }
            for (SegmentPlan.Member m : restoredMembers) {
                if (!m.node().equals(node.name()) && m.ip(family) != null) {
                    cmds.add(GuestConfig.routeDeleteCommand(m.ip(family) + family.hostPrefix()));
                }
            }
        }
        return cmds;
    }

    /**
     * The next hop from {@code from} towards node {@code target} over what passes its traffic, in one
     * family: the target itself when a segment they share passes from one to the other, else the
     * gateway of a live route to one of the target's intact subnets, else the neighbour one hop closer
     * to it ({@link StaticRoutes#nextHop}); null when the target is unreachable. The destination of the result is unused.
     */
    private static Route hopTowards(Plan plan, String target, NodePlan from, Map<String, List<Route>> live, Outages down,
                                    Family family) {
        for (SegmentPlan seg : plan.segments()) {
            if (!down.passes(seg.name(), from.name(), target)) {
                continue;
            }
            boolean mine = seg.members().stream().anyMatch(x -> x.node().equals(from.name()));
            var theirs = seg.members().stream().filter(x -> x.node().equals(target)).findFirst();
            if (mine && theirs.isPresent() && theirs.get().ip(family) != null) {
                return new Route(seg.subnet(family), theirs.get().ip(family), from.interfaceOn(seg.name()).orElseThrow().guestName());
            }
        }
        // live routes lead to whole segment subnets, which never overlap: a route reaches one of the
        // target's addresses exactly when its destination is the subnet of one of the target's segments
        Set<String> targetSubnets = new HashSet<>();
        for (InterfacePlan i : plan.node(target).interfaces()) {
            if (down.intact(i.segment())) {
                String subnet = plan.segment(i.segment()).subnet(family);
                if (subnet != null) {
                    targetSubnets.add(subnet);
                }
            }
        }
        for (Route r : live.get(from.name())) {
            if (targetSubnets.contains(r.destination())) {
                return r;
            }
        }
        // no subnet route leads there (on a medium with pairs apart every node is attached): along the neighbours
        return StaticRoutes.nextHop(plan, down, from.name(), target, family);
    }
}

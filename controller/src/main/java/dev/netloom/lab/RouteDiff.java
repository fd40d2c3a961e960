package dev.netloom.lab;

import dev.netloom.scenario.Cidr;
import dev.netloom.topology.GuestConfig;
import dev.netloom.topology.NodePlan;
import dev.netloom.topology.Plan;
import dev.netloom.topology.Route;
import dev.netloom.topology.SegmentPlan;

import java.util.ArrayList;
import java.util.List;

/**
 * The route changes that take a node from the routes of its original plan to those of a live plan
 * (the plan without the links and LANs that are down), as `ip route` lines for the node's shell.
 */
final class RouteDiff {

    private RouteDiff() {
    }

    /**
     * The next hop (address, original ethN) from {@code from} towards node {@code target} in the live
     * plan: the target itself when they share a live segment, else the gateway of a route to one of
     * the target's live subnets; null when the target is unreachable.
     */
    private static String[] hopTowards(String target, NodePlan from, Plan live) {
        for (SegmentPlan seg : live.segments()) {
            boolean mine = seg.members().stream().anyMatch(x -> x.node().equals(from.name()));
            var theirs = seg.members().stream().filter(x -> x.node().equals(target)).findFirst();
            if (mine && theirs.isPresent()) {
                return new String[]{theirs.get().ip(), from.interfaceOn(seg.name()).orElseThrow().guestName()};
            }
        }
        NodePlan liveFrom = live.node(from.name());
        for (Route r : liveFrom.routes()) {
            Cidr dest = Cidr.parse(r.destination());
            boolean targets = live.node(target).interfaces().stream()
                    .anyMatch(i -> dest.contains(Cidr.parse(i.address()).address()));
            if (targets) {
                String segment = liveFrom.interfaces().stream().filter(i -> i.guestName().equals(r.dev())).findFirst().orElseThrow().segment();
                return new String[]{r.via(), from.interfaceOn(segment).orElseThrow().guestName()};
            }
        }
        return null;
    }

    /** The route changes that take node {@code original} to the routes of {@code live} (a plan without the segments that are down). */
    static List<String> commands(NodePlan original, Plan livePlan, List<SegmentPlan.Member> downMembers,
                                              List<SegmentPlan.Member> restoredMembers) {
        NodePlan live = livePlan.node(original.name());
        List<String> cmds = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        for (Route r : live.routes()) {
            // interface numbers differ in the reduced plan: map through the segment the route leaves on
            String segment = live.interfaces().stream().filter(i -> i.guestName().equals(r.dev())).findFirst().orElseThrow().segment();
            String dev = original.interfaceOn(segment).orElseThrow().guestName();
            cmds.add(GuestConfig.routeCommand(new Route(r.destination(), r.via(), dev)));
            kept.add(r.destination());
        }
        for (Route old : original.routes()) {
            if (!kept.contains(old.destination())) {
                cmds.add("ip route del " + Cidr.parse(old.destination()) + " 2>/dev/null || true");
            }
        }
        for (SegmentPlan.Member m : downMembers) {
            if (m.node().equals(original.name())) {
                continue;
            }
            String[] hop = hopTowards(m.node(), original, livePlan);
            String host = m.ip() + "/32";
            cmds.add(hop == null ? "ip route del " + host + " 2>/dev/null || true"
                    : GuestConfig.routeCommand(new Route(host, hop[0], hop[1])));
        }
        for (SegmentPlan.Member m : restoredMembers) {
            if (!m.node().equals(original.name())) {
                cmds.add("ip route del " + m.ip() + "/32 2>/dev/null || true");
            }
        }
        return cmds;
    }
}

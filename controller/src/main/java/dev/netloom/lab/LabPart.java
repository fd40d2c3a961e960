package dev.netloom.lab;

import dev.netloom.fabric.Tunnel;
import dev.netloom.topology.Plan;

import java.util.List;
import java.util.Set;

/**
 * The part of a lab this host runs when the lab is spread over several hosts (docs/scale-out.md): its
 * nodes, and the tunnels that stand for the far ends of the links that cross to other hosts. The
 * plan stays the whole lab's (routes, addresses and reroutes are computed over every node); only
 * this host's nodes start, and only they reserve memory here.
 *
 * @param nodes   the nodes this host runs; null for all of them (a lab on one host)
 * @param tunnels the remote ends of crossing links
 */
public record LabPart(Set<String> nodes, List<Tunnel> tunnels) {

    /** A lab on one host: every node, no tunnel. */
    public static final LabPart WHOLE = new LabPart(null, List.of());

    public LabPart {
        nodes = nodes == null ? null : Set.copyOf(nodes);
        tunnels = List.copyOf(tunnels);
    }

    public boolean runsHere(String node) {
        return nodes == null || nodes.contains(node);
    }

    /** The plan with only this host's nodes (for admission and for what starts); segments as they are. */
    Plan local(Plan plan) {
        return nodes == null ? plan : new Plan(plan.lab(), plan.nodes().stream().filter(n -> runsHere(n.name())).toList(), plan.segments());
    }
}

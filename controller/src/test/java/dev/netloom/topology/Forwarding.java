package dev.netloom.topology;

import dev.netloom.scenario.Cidr;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Simulates IPv4 forwarding over a plan: connected subnets first, then the node's static routes. */
final class Forwarding {

    private Forwarding() {
    }

    /** The nodes a packet from {@code from} to {@code ip} visits, ending at the node that owns the address. */
    static List<String> path(Plan plan, String from, String ip) {
        long target = Cidr.parseAddress(ip);
        List<String> visited = new ArrayList<>();
        NodePlan current = plan.node(from);
        while (true) {
            visited.add(current.name());
            if (visited.size() > plan.nodes().size() + 1) {
                throw new AssertionError("forwarding loop towards " + ip + ": " + visited);
            }
            if (current.interfaces().stream().anyMatch(i -> Cidr.parse(i.address()).address() == target)) {
                return visited;
            }
            NodePlan at = current;
            Optional<InterfacePlan> connected = at.interfaces().stream()
                    .filter(i -> Cidr.parse(i.address()).contains(target)).findFirst();
            String nextNode;
            if (connected.isPresent()) {
                nextNode = ownerOn(plan, connected.get().segment(), target);
            } else {
                Route route = at.routes().stream().filter(r -> Cidr.parse(r.destination()).contains(target)).findFirst()
                        .orElseThrow(() -> new AssertionError(at.name() + " has no route to " + ip + " (path " + visited + ")"));
                InterfacePlan out = at.interfaces().stream().filter(i -> i.guestName().equals(route.dev())).findFirst()
                        .orElseThrow(() -> new AssertionError(at.name() + " routes via missing " + route.dev()));
                if (!Cidr.parse(out.address()).contains(Cidr.parseAddress(route.via()))) {
                    throw new AssertionError(at.name() + ": gateway " + route.via() + " is not on-link on " + route.dev());
                }
                nextNode = ownerOn(plan, out.segment(), Cidr.parseAddress(route.via()));
            }
            current = plan.node(nextNode);
        }
    }

    private static String ownerOn(Plan plan, String segment, long address) {
        return plan.segment(segment).members().stream()
                .filter(m -> Cidr.parse(m.address()).address() == address)
                .findFirst().map(SegmentPlan.Member::node)
                .orElseThrow(() -> new AssertionError("nobody on " + segment + " has " + Cidr.ip(address)));
    }
}

package dev.netloom.topology;

import dev.netloom.scenario.Cidr;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Simulates IPv4 or IPv6 forwarding over a plan: connected subnets first, then the node's static routes (longest prefix). */
final class Forwarding {

    private Forwarding() {
    }

    /** The nodes a packet from {@code from} to {@code ip} visits, ending at the node that owns the address. */
    static List<String> path(Plan plan, String from, String ip) {
        IPAddress target = Cidr.parseAddress(ip);
        List<String> visited = new ArrayList<>();
        NodePlan current = plan.node(from);
        while (true) {
            visited.add(current.name());
            if (visited.size() > plan.nodes().size() + 1) {
                throw new AssertionError("forwarding loop towards " + ip + ": " + visited);
            }
            if (current.interfaces().stream().flatMap(i -> i.addresses().stream()).anyMatch(a -> Cidr.parse(a).address().equals(target))) {
                return visited;
            }
            NodePlan at = current;
            Optional<InterfacePlan> connected = at.interfaces().stream()
                    .filter(i -> i.addresses().stream().anyMatch(a -> Cidr.parse(a).contains(target))).findFirst();
            String nextNode;
            if (connected.isPresent()) {
                nextNode = ownerOn(plan, connected.get().segment(), target);
            } else {
                Route route = at.routes().stream().filter(r -> Cidr.parse(r.destination()).contains(target))
                        .max((x, y) -> Integer.compare(Cidr.parse(x.destination()).prefix(), Cidr.parse(y.destination()).prefix()))
                        .orElseThrow(() -> new AssertionError(at.name() + " has no route to " + ip + " (path " + visited + ")"));
                InterfacePlan out = at.interfaces().stream().filter(i -> i.guestName().equals(route.dev())).findFirst()
                        .orElseThrow(() -> new AssertionError(at.name() + " routes via missing " + route.dev()));
                IPAddress via = Cidr.parseAddress(route.via());
                if (out.addresses().stream().noneMatch(a -> Cidr.parse(a).contains(via))) {
                    throw new AssertionError(at.name() + ": gateway " + route.via() + " is not on-link on " + route.dev());
                }
                nextNode = ownerOn(plan, out.segment(), via);
            }
            current = plan.node(nextNode);
        }
    }

    private static String ownerOn(Plan plan, String segment, IPAddress address) {
        return plan.segment(segment).members().stream()
                .filter(m -> matches(m.address(), address) || matches(m.address6(), address))
                .findFirst().map(SegmentPlan.Member::node)
                .orElseThrow(() -> new AssertionError("nobody on " + segment + " has " + Cidr.ip(address)));
    }

    private static boolean matches(String cidr, IPAddress address) {
        return cidr != null && Objects.equals(Cidr.parse(cidr).address(), address);
    }
}

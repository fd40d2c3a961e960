package dev.netloom.partition;

import dev.netloom.topology.Plan;
import dev.netloom.topology.SegmentPlan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which host runs each node of a lab ({@link Partitioner#partition}), and what follows from it: the
 * links that cross hosts (each becomes a VXLAN tunnel with its own VNI) and what each host reserves.
 *
 * @param hosts    the hosts, in the order given
 * @param hostOf   node name to host name, in plan order
 * @param loadMiB  host name to the memory its nodes reserve ({@link dev.netloom.lab.HostMemory#nodeMiB})
 */
public record Partition(List<HostSpec> hosts, Map<String, String> hostOf, Map<String, Long> loadMiB) {

    /** VNIs of crossing links start here (0 and 1 are often taken by default VXLAN setups). */
    public static final int FIRST_VNI = 4200;

    public Partition {
        hosts = List.copyOf(hosts);
        hostOf = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(hostOf));
        loadMiB = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(loadMiB));
    }

    /** A link whose ends run on different hosts, and the VXLAN network identifier its tunnel uses. */
    public record Crossing(String link, String nodeA, String hostA, String nodeB, String hostB, int vni) {
    }

    public HostSpec host(String name) {
        return hosts.stream().filter(h -> h.name().equals(name)).findFirst()
                .orElseThrow(() -> new dev.netloom.nodes.BadInputException("unknown host '" + name + "'; hosts: "
                        + hosts.stream().map(HostSpec::name).collect(Collectors.joining(", "))));
    }

    /** The nodes one host runs, in plan order. */
    public Set<String> nodesOn(String host) {
        return hostOf.entrySet().stream().filter(e -> e.getValue().equals(host)).map(Map.Entry::getKey)
                .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
    }

    /**
     * The links that cross hosts, in plan order; a link's VNI is {@link #FIRST_VNI} plus its segment
     * index, so every host computes the same one from the same plan.
     */
    public List<Crossing> crossings(Plan plan) {
        List<Crossing> out = new ArrayList<>();
        for (SegmentPlan s : plan.segments()) {
            if (s.kind() != SegmentPlan.Kind.LINK) {
                continue;
            }
            String a = s.members().get(0).node();
            String b = s.members().get(1).node();
            if (!hostOf.get(a).equals(hostOf.get(b))) {
                out.add(new Crossing(s.name(), a, hostOf.get(a), b, hostOf.get(b), FIRST_VNI + s.index()));
            }
        }
        return out;
    }

    /** The assignment and the cut, for people ({@code netloom plan}). */
    public String describe(Plan plan) {
        StringBuilder b = new StringBuilder();
        for (HostSpec h : hosts) {
            Set<String> nodes = nodesOn(h.name());
            b.append("host ").append(h.name()).append(h.address() == null ? "" : " (" + h.address() + ")").append(": ")
                    .append(nodes.size()).append(nodes.size() == 1 ? " node, " : " nodes, ").append(loadMiB.get(h.name())).append(" MiB")
                    .append(h.memoryMiB() > 0 ? " of " + Partitioner.capacityMiB(h) + " MiB usable" : "")
                    .append(nodes.isEmpty() ? "" : ": " + String.join(" ", nodes)).append('\n');
        }
        List<Crossing> cut = crossings(plan);
        b.append("cut: ").append(cut.size()).append(cut.size() == 1 ? " link crosses hosts" : " links cross hosts").append(cut.isEmpty() ? "\n" : ":\n");
        for (Crossing c : cut) {
            b.append("  ").append(c.link()).append(" (").append(c.hostA()).append(" - ").append(c.hostB()).append(", VNI ").append(c.vni()).append(")\n");
        }
        return b.toString();
    }

    /** The same as a JSON-friendly map ({@code netloom plan --json}). */
    public Map<String, Object> toMap(Plan plan) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("lab", plan.lab());
        List<Map<String, Object>> hs = new ArrayList<>();
        for (HostSpec h : hosts) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", h.name());
            m.put("address", h.address());
            m.put("memoryMiB", h.memoryMiB() > 0 ? h.memoryMiB() : null);
            m.put("cores", h.cores());
            m.put("kvm", h.kvm());
            m.put("reservedMiB", loadMiB.get(h.name()));
            m.put("nodes", List.copyOf(nodesOn(h.name())));
            hs.add(m);
        }
        out.put("hosts", hs);
        out.put("cut", crossings(plan).stream().map(c -> Map.of("link", c.link(), "hosts", List.of(c.hostA(), c.hostB()), "vni", c.vni())).toList());
        return out;
    }
}

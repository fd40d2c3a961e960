package dev.netloom.topology;

import dev.netloom.scenario.AddressPlan;
import dev.netloom.scenario.Cidr;
import dev.netloom.impairment.Impairment;
import dev.netloom.mobility.LinkModel;
import dev.netloom.mobility.World;
import dev.netloom.scenario.Scenario;
import dev.netloom.scenario.ScenarioLoader;
import dev.netloom.topology.SegmentPlan.Kind;
import dev.netloom.topology.SegmentPlan.Member;
import dev.netloom.topology.Topology.Segment;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a scenario and its addresses into a {@link Plan}: interface order, tap and LAN bridge names,
 * MACs, PCI slots and static routes. A pure function: the same inputs always give an equal plan.
 * See docs/topology.md for the rules. It does not validate: the scenario loader is the one place that
 * checks a scenario, and a scenario that breaks the loader's rules here is a programming error.
 */
public final class Planner {

    /** PCI slots 0x03..0x1f are free on QEMU's pc machine: 29 NICs per node. */
    public static final int FIRST_PCI_SLOT = 0x03;
    /**
     * Slots FIRST_PCI_SLOT..0x1f: the loader's limit, so that `validate` refuses what the plan could
     * not place (PlannerTest checks that the two agree).
     */
    public static final int MAX_INTERFACES = ScenarioLoader.MAX_INTERFACES;
    /** QEMU's own default MAC; never handed out, so a NIC without an explicit MAC cannot clash. */
    static final String QEMU_DEFAULT_MAC = "52:54:00:12:34:56";

    private Planner() {
    }

    /** The plan of a scenario the loader accepted, with the addresses {@link AddressPlan} gives it (both families). */
    public static Plan plan(Scenario scenario) {
        return plan(scenario, AddressPlan.allocate(scenario), AddressPlan.allocate6(scenario));
    }

    /** The plan of a scenario with IPv4 addresses only. */
    public static Plan plan(Scenario scenario, Map<String, List<String>> addresses) {
        return plan(scenario, addresses, Map.of());
    }

    /**
     * The plan of a scenario.
     *
     * @param scenario   a scenario the loader accepted (or a part of one: fewer links and LANs)
     * @param addresses  for every link and LAN name, the IPv4 CIDR of each endpoint/member in scenario order
     *                   (as {@code AddressPlan.allocate} gives them); empty for a lab without IPv4
     * @param addresses6 the same for IPv6 ({@code AddressPlan.allocate6}); empty for a lab without IPv6
     * @throws IllegalStateException when the scenario breaks a rule the loader enforces (a node with
     *                               more than {@value #MAX_INTERFACES} interfaces) or an address is missing
     */
    public static Plan plan(Scenario scenario, Map<String, List<String>> addresses, Map<String, List<String>> addresses6) {
        Topology topology = Topology.of(scenario);
        List<String> nodes = topology.nodes();
        List<Segment> segments = topology.segments();
        if (addresses.isEmpty() && addresses6.isEmpty() && !segments.isEmpty()) {
            throw new IllegalStateException("no addresses of either family for " + segments.size() + " links and LANs");
        }
        List<List<Cidr>> cidrs = parseAddresses(segments, addresses, Cidr.Family.IPV4);
        List<List<Cidr>> cidrs6 = parseAddresses(segments, addresses6, Cidr.Family.IPV6);

        // Interface order: segments are links then LANs, each in scenario order, so walking them in
        // order and appending gives every node its ethN list.
        List<List<int[]>> attachments = new ArrayList<>(); // per node: {segment index, member position}
        nodes.forEach(n -> attachments.add(new ArrayList<>()));
        int[][] interfaceOf = new int[segments.size()][];
        for (Segment s : segments) {
            interfaceOf[s.index()] = new int[s.members().size()];
            for (int pos = 0; pos < s.members().size(); pos++) {
                List<int[]> list = attachments.get(topology.indexOf(s.members().get(pos)));
                interfaceOf[s.index()][pos] = list.size();
                list.add(new int[] {s.index(), pos});
            }
        }
        for (int n = 0; n < nodes.size(); n++) {
            int count = attachments.get(n).size();
            if (count > MAX_INTERFACES) {
                // the loader refuses this; the PCI slots past 0x1f do not exist
                throw new IllegalStateException("node " + nodes.get(n) + " has " + count + " interfaces; at most "
                        + MAX_INTERFACES + " fit in its PCI slots (not a scenario the loader accepted)");
            }
        }

        Set<String> usedMacs = new HashSet<>();
        usedMacs.add(QEMU_DEFAULT_MAC);
        List<List<InterfacePlan>> interfaces = new ArrayList<>();
        for (int n = 0; n < nodes.size(); n++) {
            List<InterfacePlan> list = new ArrayList<>();
            for (int i = 0; i < attachments.get(n).size(); i++) {
                int[] at = attachments.get(n).get(i);
                list.add(new InterfacePlan(i, "eth" + i, segments.get(at[0]).name(), tap(n, i),
                        mac(scenario.name(), nodes.get(n), i, usedMacs), FIRST_PCI_SLOT + i,
                        text(cidrs, at[0], at[1]), text(cidrs6, at[0], at[1])));
            }
            interfaces.add(list);
        }

        List<SegmentPlan> segmentPlans = new ArrayList<>();
        for (Segment s : segments) {
            List<Member> members = new ArrayList<>();
            for (int pos = 0; pos < s.members().size(); pos++) {
                int n = topology.indexOf(s.members().get(pos));
                int i = interfaceOf[s.index()][pos];
                members.add(new Member(nodes.get(n), i, tap(n, i), text(cidrs, s.index(), pos), text(cidrs6, s.index(), pos),
                        interfaces.get(n).get(i).mac()));
            }
            segmentPlans.add(new SegmentPlan(s.name(), s.index(), s.kind(), s.kind() == Kind.LAN ? bridge(s.index()) : null, members,
                    impairments(scenario, s)));
        }

        Map<String, List<String>> hosts = new LinkedHashMap<>();
        for (int n = 0; n < nodes.size(); n++) {
            if (!interfaces.get(n).isEmpty()) {
                InterfacePlan eth0 = interfaces.get(n).get(0);
                hosts.put(nodes.get(n), eth0.addresses().stream().map(a -> Cidr.parse(a).ip()).toList());
            }
        }

        List<List<Route>> routes = scenario.routing() == Scenario.Routing.STATIC
                ? StaticRoutes.compute(nodes, segmentPlans, interfaces, Outages.NONE) : null;
        List<NodePlan> nodePlans = new ArrayList<>();
        for (int n = 0; n < nodes.size(); n++) {
            Scenario.NodeDef def = scenario.nodes().get(n);
            List<String> commands = new ArrayList<>(scenario.commands());
            commands.addAll(def.commands());
            nodePlans.add(new NodePlan(def.name(), n, def.image(), def.memoryMiB(), def.cpus(), interfaces.get(n),
                    routes == null ? List.of() : routes.get(n), hosts, commands, def.files(),
                    scenario.addressing().loopback(Cidr.Family.IPV4, n), scenario.addressing().loopback(Cidr.Family.IPV6, n), def.fork()));
        }
        return new Plan(scenario.name(), nodePlans, segmentPlans);
    }

    /** A LAN's bridge (links have none): {@code b<segment index>}. */
    static String bridge(int segment) {
        return "b" + segment;
    }

    /** Host tap names carry indexes only, never user strings: {@code t<node>x<interface>}. */
    static String tap(int node, int iface) {
        return "t" + node + "x" + iface;
    }

    /**
     * A locally administered unicast MAC: 52:54 and the first four bytes of
     * SHA-256("lab/node/index"); on a clash within the lab, of SHA-256("lab/node/index/k") for k = 1, 2, ...
     */
    static String mac(String lab, String node, int iface, Set<String> used) {
        for (int attempt = 0; ; attempt++) {
            String seed = lab + "/" + node + "/" + iface + (attempt == 0 ? "" : "/" + attempt);
            byte[] h = sha256(seed);
            String mac = String.format("52:54:%02x:%02x:%02x:%02x", h[0] & 0xff, h[1] & 0xff, h[2] & 0xff, h[3] & 0xff);
            if (used.add(mac)) {
                return mac;
            }
        }
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static Map<String, Impairment> impairments(Scenario scenario, Segment s) {
        Map<String, Impairment> map = new LinkedHashMap<>();
        if (s.kind() == Kind.LINK) {
            Scenario.LinkDef link = scenario.links().get(s.index());
            map.put(SegmentPlan.direction(link.a().node(), link.b().node()), orNone(link.aToB()));
            map.put(SegmentPlan.direction(link.b().node(), link.a().node()), orNone(link.bToA()));
        } else if (s.kind() == Kind.MEDIUM) { // its pairs, both ways, each with the model's impairment for it at the start
            Map<String, LinkModel.Quality> start = scenario.mobility().atStart();
            Map<String, Impairment> byPair = new HashMap<>();
            for (World.Pair p : scenario.mobility().pairs()) {
                LinkModel.Quality q = start.get(p.link());
                byPair.put(World.key(p.a(), p.b()), q.up() ? q.impairment() : Impairment.NONE);
                byPair.put(World.key(p.b(), p.a()), byPair.get(World.key(p.a(), p.b())));
            }
            for (String a : s.members()) { // in the order of SegmentPlan.pairDirections
                s.members().stream().filter(b -> !b.equals(a)).forEach(b -> map.put(SegmentPlan.direction(a, b), byPair.get(World.key(a, b))));
            }
        } else { // a LAN's members
            Scenario.LanDef lan = scenario.lans().get(s.index() - scenario.links().size());
            s.members().forEach(m -> map.put(m, orNone(lan.impairment())));
        }
        return map;
    }

    private static Impairment orNone(Impairment i) {
        return i == null ? Impairment.NONE : i;
    }

    /** The address of member {@code pos} of segment {@code segment}, or null when the lab has no addresses of that family. */
    private static String text(List<List<Cidr>> cidrs, int segment, int pos) {
        return cidrs == null ? null : cidrs.get(segment).get(pos).toString();
    }

    /**
     * Every segment's addresses of one family, parsed; null when the map is empty (the lab has no
     * addresses of that family). The loader has checked them (one subnet per segment, unique, no
     * overlaps) and {@code AddressPlan} made the rest; a missing or unparsable one is a programming error.
     */
    private static List<List<Cidr>> parseAddresses(List<Segment> segments, Map<String, List<String>> addresses, Cidr.Family family) {
        if (addresses.isEmpty()) {
            return null;
        }
        List<List<Cidr>> result = new ArrayList<>();
        for (Segment s : segments) {
            String what = (s.kind() == Kind.LINK ? "link " : "LAN ") + s.name();
            List<String> given = addresses.get(s.name());
            if (given == null || given.size() != s.members().size()) {
                throw new IllegalStateException(what + ": expected " + s.members().size() + " " + family + " addresses, got "
                        + (given == null ? "none" : given.size()));
            }
            List<Cidr> parsed = new ArrayList<>();
            for (int pos = 0; pos < given.size(); pos++) {
                try {
                    parsed.add(Cidr.parse(given.get(pos), family));
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException(what + ": address of " + s.members().get(pos) + ": " + e.getMessage(), e);
                }
            }
            result.add(parsed);
        }
        return result;
    }
}

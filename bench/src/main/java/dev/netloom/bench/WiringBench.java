package dev.netloom.bench;

import dev.netloom.fabric.Fabric;
import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.host.Proc;
import dev.netloom.scenario.Names;
import dev.netloom.topology.Plan;
import dev.netloom.topology.SegmentPlan;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * wiring: creating and deleting a lab's network. netloom's Fabric creates a namespace with a tap per
 * interface, joins each link's two taps with tc mirred redirects (one {@code ip -batch}, one
 * {@code tc -batch}) and deletes everything by deleting the namespace. The baseline is the design it
 * replaced: a bridge per link with its two taps, also in one {@code ip -batch}, also deleted with the
 * namespace. Where the kernel has VLAN-filtering bridges, the other candidate design is measured too:
 * one bridge for many links, each link a VLAN, each tap an untagged access port. The links are those of
 * a line of nodes, built as a Plan directly: the scenario loader allows 250 nodes, fewer than 1000
 * links need.
 */
final class WiringBench implements Benchmark {

    static final double MAX_CREATE_1000_MS = 3000;
    static final double MAX_DELETE_1000_MS = 2000;
    private static final Duration STEP = Duration.ofSeconds(120);
    /** A bridge takes at most 1024 ports (BR_MAX_PORTS): the VLAN design needs a bridge per this many taps. */
    static final int PORTS_PER_VLAN_BRIDGE = 1000;

    @Override
    public String name() {
        return "wiring";
    }

    @Override
    public String description() {
        return "create and delete 100 and 1000 links: Fabric's taps joined by tc mirred vs a bridge per link (and one VLAN-filtering bridge, where the kernel has it)";
    }

    /** One way to wire the links: the batches it sends into a fresh namespace. */
    private record Design(String name, String ip, String bridge, String tc) {
    }

    @Override
    public List<Figure> run(BenchContext ctx) throws Exception {
        long pid = ProcessHandle.current().pid();
        // all in the namespace space lab names may not use (Names.RESERVED_LAB_PREFIXES)
        String lab = Names.BENCH + pid;              // Fabric's namespace: nl-bench<pid>
        String scratchNs = Names.scratchNamespace(Names.BENCH, "w" + pid);
        List<Figure> figures = new ArrayList<>();
        try (DeviceWatch watch = DeviceWatch.start(Names.scratchNamespace(Names.BENCH, "o" + pid))) {
            String noVlan = vlanFilteringMissing(scratchNs);
            ctx.say(noVlan == null ? "wiring: this kernel has VLAN-filtering bridges: that design is measured too"
                    : "wiring: no VLAN-filtering bridges in this kernel (" + noVlan + "): that design is not measured");
            for (int links : ctx.quick() ? List.of(100) : List.of(100, 1000)) {
                int reps = ctx.quick() ? 3 : 5;
                Plan plan = linePlan(lab, links);
                Design perBridge = new Design("bridge per link", perBridgeWiring(plan), "", "");
                Design vlan = noVlan == null ? new Design("VLAN bridge", vlanWiring(plan), vlanPorts(plan), "") : null;
                Map<String, List<double[]>> times = new LinkedHashMap<>();
                for (int i = 0; i < reps; i++) {
                    // rotate the order, so that drifting host load hits every design alike
                    List<Design> order = new ArrayList<>();
                    order.add(null); // netloom's Fabric
                    order.add(perBridge);
                    if (vlan != null) {
                        order.add(vlan);
                    }
                    Collections.rotate(order, i);
                    StringBuilder line = new StringBuilder("wiring " + links + " links " + (i + 1) + "/" + reps + ":");
                    for (Design d : order) {
                        double[] t = d == null ? netloom(plan, watch) : scratch(scratchNs, d, watch);
                        String name = d == null ? "Fabric" : d.name();
                        times.computeIfAbsent(name, k -> new ArrayList<>()).add(t);
                        line.append(String.format(" %s create %.0f ms, deleted after %.0f ms, lock free after %.0f ms;", name, t[0], t[2], t[3]));
                    }
                    ctx.say(line.toString());
                }
                boolean big = links == 1000;
                List<double[]> fabric = times.get("Fabric");
                List<double[]> base = times.get(perBridge.name());
                figures.add(new Figure(name(), links + " links: create, Fabric (taps + tc mirred, one ip -batch and one tc -batch) vs a bridge per link (one ip -batch)",
                        "ms", column(fabric, 0), column(base, 0), big ? Target.medianAtMost(MAX_CREATE_1000_MS) : null, false));
                figures.add(new Figure(name(), links + " links: delete, `ip netns del` returns: Fabric vs a bridge per link", "ms",
                        column(fabric, 1), column(base, 1), null, false));
                figures.add(new Figure(name(), links + " links: delete until the kernel reports the devices deleted: Fabric vs a bridge per link", "ms",
                        column(fabric, 2), column(base, 2), null, false));
                figures.add(new Figure(name(), links + " links: delete until the kernel has unregistered every device (RTNL lock free again): Fabric vs a bridge per link",
                        "ms", column(fabric, 3), column(base, 3), big ? Target.medianAtMost(MAX_DELETE_1000_MS) : null, false));
                if (vlan != null) {
                    List<double[]> v = times.get(vlan.name());
                    figures.add(new Figure(name(), links + " links: create, VLAN-filtering bridge (ip -batch + bridge -batch) vs a bridge per link", "ms",
                            column(v, 0), column(base, 0), null, false));
                    figures.add(new Figure(name(), links + " links: delete until unregistered (RTNL lock free), VLAN-filtering bridge vs a bridge per link", "ms",
                            column(v, 3), column(base, 3), null, false));
                }
            }
        } finally {
            deleteIfExists(Fabric.namespaceFor(lab));
            deleteIfExists(scratchNs);
        }
        return figures;
    }

    private static Samples column(List<double[]> rows, int k) {
        return new Samples(rows.stream().map(r -> r[k]).toList());
    }

    /** The links of a line of {@code links + 1} nodes, as the planner names their taps: t<node>x<interface>. */
    static Plan linePlan(String lab, int links) {
        List<SegmentPlan> segments = new ArrayList<>();
        for (int k = 0; k < links; k++) {
            int base = 4 * k; // a /30 per link
            String net = "10." + (base >> 16 & 255) + "." + (base >> 8 & 255) + ".";
            String a = "n" + (k + 1);
            String b = "n" + (k + 2);
            segments.add(new SegmentPlan(a + "-" + b, k, SegmentPlan.Kind.LINK, null, List.of(
                    new SegmentPlan.Member(a, k == 0 ? 0 : 1, "t" + k + "x" + (k == 0 ? 0 : 1), net + ((base & 255) + 1) + "/30"),
                    new SegmentPlan.Member(b, 0, "t" + (k + 1) + "x0", net + ((base & 255) + 2) + "/30")),
                    Map.of()));
        }
        return new Plan(lab, List.of(), segments);
    }

    /** The design netloom used before: a bridge {@code b<k>} per link with its two taps as ports (Fabric's old batch). */
    static String perBridgeWiring(Plan plan) {
        StringBuilder b = new StringBuilder("link set lo up\n");
        for (SegmentPlan s : plan.segments()) {
            String bridge = "b" + s.index();
            b.append("link add ").append(bridge).append(" type bridge stp_state 0 forward_delay 0 mcast_snooping 0\n");
            b.append("link set ").append(bridge).append(" up\n");
            for (SegmentPlan.Member m : s.members()) {
                b.append("tuntap add dev ").append(m.tap()).append(" mode tap\n");
                b.append("link set ").append(m.tap()).append(" master ").append(bridge).append('\n');
                b.append("link set ").append(m.tap()).append(" up\n");
            }
        }
        return b.toString();
    }

    /**
     * The VLAN design's devices: VLAN-filtering bridges {@code v<j>} without a default VLAN, each with
     * up to {@link #PORTS_PER_VLAN_BRIDGE} taps (a link's two taps on the same bridge).
     */
    static String vlanWiring(Plan plan) {
        StringBuilder b = new StringBuilder("link set lo up\n");
        int ports = 0;
        int bridge = -1;
        for (SegmentPlan s : plan.segments()) {
            if (bridge < 0 || ports + s.members().size() > PORTS_PER_VLAN_BRIDGE) {
                bridge++;
                ports = 0;
                b.append("link add v").append(bridge)
                        .append(" type bridge stp_state 0 forward_delay 0 mcast_snooping 0 vlan_filtering 1 vlan_default_pvid 0\n");
                b.append("link set v").append(bridge).append(" up\n");
            }
            for (SegmentPlan.Member m : s.members()) {
                b.append("tuntap add dev ").append(m.tap()).append(" mode tap\n");
                b.append("link set ").append(m.tap()).append(" addrgenmode none\n");
                b.append("link set ").append(m.tap()).append(" master v").append(bridge).append('\n');
                b.append("link set ").append(m.tap()).append(" up\n");
                ports++;
            }
        }
        return b.toString();
    }

    /** The VLAN design's {@code bridge -batch} lines: every tap an untagged access port of its link's VLAN (link k: VLAN k + 1). */
    static String vlanPorts(Plan plan) {
        StringBuilder b = new StringBuilder();
        for (SegmentPlan s : plan.segments()) {
            for (SegmentPlan.Member m : s.members()) {
                b.append("vlan add dev ").append(m.tap()).append(" vid ").append(s.index() + 1).append(" pvid untagged\n");
            }
        }
        return b.toString();
    }

    /** Null when this kernel makes VLAN-filtering bridges; otherwise why not. */
    private static String vlanFilteringMissing(String ns) {
        Proc.run(List.of("ip", "netns", "add", ns), STEP).orThrow();
        try {
            Proc.Result r = Proc.run(List.of("ip", "-n", ns, "link", "add", "v0", "type", "bridge", "vlan_filtering", "1"), STEP);
            return r.ok() ? null : Proc.lastLine(r.stderr());
        } finally {
            Proc.run(List.of("ip", "netns", "del", ns), STEP).orThrow();
        }
    }

    /** {create, delete returned, devices reported deleted, deletion batch over} in ms for Fabric.create and Fabric.destroy. */
    private static double[] netloom(Plan plan, DeviceWatch watch) {
        long t0 = System.nanoTime();
        Fabric fabric = Fabric.create(plan);
        long t1 = System.nanoTime();
        CompletableFuture<Long> gone;
        try {
            gone = watch.watch(fabric.namespace());
        } catch (RuntimeException e) {
            fabric.destroy();
            throw e;
        }
        long t2 = System.nanoTime();
        fabric.destroy();
        long t3 = System.nanoTime();
        long t4 = DeviceWatch.await(gone, STEP);
        long t5 = watch.awaitUnlocked(gone, STEP);
        return new double[]{(t1 - t0) / 1e6, (t3 - t2) / 1e6, (t4 - t2) / 1e6, (t5 - t2) / 1e6};
    }

    /** The same for another design in namespace {@code ns}: created as Fabric.create does (namespace, then its batches), deleted with it. */
    private static double[] scratch(String ns, Design design, DeviceWatch watch) {
        long t0 = System.nanoTime();
        ip("netns", "add", ns);
        CompletableFuture<Long> gone;
        long t1;
        try {
            batch("ip", ns, design.ip());
            batch("bridge", ns, design.bridge());
            batch("tc", ns, design.tc());
            t1 = System.nanoTime();
            gone = watch.watch(ns);
        } catch (RuntimeException e) {
            deleteIfExists(ns);
            throw e;
        }
        long t2 = System.nanoTime();
        ip("netns", "del", ns);
        long t3 = System.nanoTime();
        long t4 = DeviceWatch.await(gone, STEP);
        long t5 = watch.awaitUnlocked(gone, STEP);
        return new double[]{(t1 - t0) / 1e6, (t3 - t2) / 1e6, (t4 - t2) / 1e6, (t5 - t2) / 1e6};
    }

    private static void batch(String tool, String ns, String lines) {
        if (lines.isEmpty()) {
            return;
        }
        Proc.Result r = Proc.run(List.of(tool, "-n", ns, "-batch", "-"), null, lines.getBytes(StandardCharsets.UTF_8), STEP);
        if (!r.ok()) {
            throw new NetloomException(tool + " -n " + ns + " -batch failed: " + r.stderr().strip());
        }
    }

    private static void ip(String... args) {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        Proc.Result r = Proc.run(command, STEP);
        if (!r.ok()) {
            throw new NetloomException(String.join(" ", command) + " failed: " + Proc.lastLine(r.stderr()));
        }
    }

    /** Deletes a namespace of this run if a failure left it behind. */
    private static void deleteIfExists(String ns) {
        if (Fabric.exists(ns)) {
            Proc.run(List.of("ip", "netns", "del", ns), STEP);
        }
    }
}

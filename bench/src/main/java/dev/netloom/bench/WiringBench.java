package dev.netloom.bench;

import dev.netloom.fabric.Fabric;
import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.host.Proc;
import dev.netloom.scenario.Names;
import dev.netloom.topology.Plan;
import dev.netloom.topology.SegmentPlan;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * wiring: creating and deleting a lab's network. netloom's Fabric creates a namespace and renders
 * every bridge and tap into one {@code ip -batch} call, and deletes them by deleting the namespace; the
 * baseline does the same operations with one {@code ip} process each, and deletes device by device.
 * The links are those of a line of nodes (a bridge and two taps each), built as a Plan directly:
 * the scenario loader allows 250 nodes, fewer than 1000 links need.
 */
final class WiringBench implements Benchmark {

    static final double MAX_CREATE_1000_MS = 3000;
    static final double MAX_DELETE_1000_MS = 2000;
    private static final Duration STEP = Duration.ofSeconds(60);

    @Override
    public String name() {
        return "wiring";
    }

    @Override
    public String description() {
        return "create and delete 100 and 1000 links: Fabric's one ip -batch vs one ip process per device";
    }

    @Override
    public List<Figure> run(BenchContext ctx) throws Exception {
        long pid = ProcessHandle.current().pid();
        // all three in the namespace space lab names may not use (Names.RESERVED_LAB_PREFIXES)
        String lab = Names.BENCH + pid;              // Fabric's namespace: nl-bench<pid>
        String naiveNs = Names.scratchNamespace(Names.BENCH, "n" + pid);
        List<Figure> figures = new ArrayList<>();
        try (DeviceWatch watch = DeviceWatch.start(Names.scratchNamespace(Names.BENCH, "o" + pid))) {
            for (int links : ctx.quick() ? List.of(100) : List.of(100, 1000)) {
                int reps = ctx.quick() ? 3 : 5;
                // the baseline deletes device by device at about 16 ms each: 1000 links take over a minute
                int naiveReps = ctx.quick() || links >= 1000 ? 1 : reps;
                Plan plan = linePlan(lab, links);
                List<Double> create = new ArrayList<>();
                List<Double> naiveCreate = new ArrayList<>();
                List<Double> delete = new ArrayList<>();
                List<Double> naiveDelete = new ArrayList<>();
                List<Double> gone = new ArrayList<>();
                List<Double> naiveGone = new ArrayList<>();
                for (int i = 0; i < reps; i++) {
                    boolean netloomFirst = i % 2 == 0;
                    for (int k = 0; k < 2; k++) {
                        if (netloomFirst == (k == 0)) {
                            double[] t = netloom(plan, watch);
                            create.add(t[0]);
                            delete.add(t[1]);
                            gone.add(t[2]);
                        } else if (i < naiveReps) {
                            double[] t = naive(naiveNs, plan, watch);
                            naiveCreate.add(t[0]);
                            naiveDelete.add(t[1]);
                            naiveGone.add(t[2]);
                        }
                    }
                    ctx.say(String.format("wiring %d links %d/%d: create %.0f ms, delete %.0f ms until gone", links, i + 1, reps,
                            create.get(i), gone.get(i)) + (i < naiveReps ? String.format("; one ip per operation: create %.0f ms,"
                            + " delete %.0f ms until gone", naiveCreate.get(i), naiveGone.get(i)) : ""));
                }
                boolean big = links == 1000;
                figures.add(new Figure(name(), links + " links: create, Fabric (one ip -batch) vs one ip process per operation", "ms",
                        new Samples(create), new Samples(naiveCreate), big ? Target.medianAtMost(MAX_CREATE_1000_MS) : null, false));
                figures.add(new Figure(name(), links + " links: delete, `ip netns del` vs one `ip link del` per device (command returns)", "ms",
                        new Samples(delete), new Samples(naiveDelete), null, false));
                figures.add(new Figure(name(), links + " links: delete until the kernel has unregistered every device", "ms",
                        new Samples(gone), new Samples(naiveGone), big ? Target.medianAtMost(MAX_DELETE_1000_MS) : null, false));
            }
        } finally {
            deleteIfExists(Fabric.namespaceFor(lab));
            deleteIfExists(naiveNs);
        }
        return figures;
    }

    /** The links of a line of {@code links + 1} nodes, as the planner names them: b<k>, taps t<node>x<interface>. */
    static Plan linePlan(String lab, int links) {
        List<SegmentPlan> segments = new ArrayList<>();
        for (int k = 0; k < links; k++) {
            int base = 4 * k; // a /30 per link
            String net = "10." + (base >> 16 & 255) + "." + (base >> 8 & 255) + ".";
            String a = "n" + (k + 1);
            String b = "n" + (k + 2);
            segments.add(new SegmentPlan(a + "-" + b, k, SegmentPlan.Kind.LINK, "b" + k, List.of(
                    new SegmentPlan.Member(a, k == 0 ? 0 : 1, "t" + k + "x" + (k == 0 ? 0 : 1), net + ((base & 255) + 1) + "/30"),
                    new SegmentPlan.Member(b, 0, "t" + (k + 1) + "x0", net + ((base & 255) + 2) + "/30")),
                    Map.of()));
        }
        return new Plan(lab, List.of(), segments);
    }

    /** {create, delete returned, devices gone} in ms for Fabric.create and Fabric.destroy. */
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
        return new double[]{(t1 - t0) / 1e6, (t3 - t2) / 1e6, (t4 - t2) / 1e6};
    }

    /** The same operations as Fabric's batch (and in its order), one ip process each; then device by device deletion. */
    private static double[] naive(String ns, Plan plan, DeviceWatch watch) {
        long t0 = System.nanoTime();
        ip("netns", "add", ns);
        try {
            ip("-n", ns, "link", "set", "lo", "up");
            for (SegmentPlan s : plan.segments()) {
                ip("-n", ns, "link", "add", s.bridge(), "type", "bridge", "stp_state", "0", "forward_delay", "0", "mcast_snooping", "0");
                ip("-n", ns, "link", "set", s.bridge(), "up");
                for (SegmentPlan.Member m : s.members()) {
                    ip("-n", ns, "tuntap", "add", "dev", m.tap(), "mode", "tap");
                    ip("-n", ns, "link", "set", m.tap(), "master", s.bridge());
                    ip("-n", ns, "link", "set", m.tap(), "up");
                }
            }
        } catch (RuntimeException e) {
            deleteIfExists(ns);
            throw e;
        }
        long t1 = System.nanoTime();
        CompletableFuture<Long> gone;
        try {
            gone = watch.watch(ns);
        } catch (RuntimeException e) {
            deleteIfExists(ns);
            throw e;
        }
        long t2 = System.nanoTime();
        try {
            for (SegmentPlan s : plan.segments()) {
                for (SegmentPlan.Member m : s.members()) {
                    ip("-n", ns, "link", "del", m.tap());
                }
                ip("-n", ns, "link", "del", s.bridge());
            }
        } finally {
            ip("netns", "del", ns);
        }
        long t3 = System.nanoTime();
        long t4 = DeviceWatch.await(gone, STEP);
        return new double[]{(t1 - t0) / 1e6, (t3 - t2) / 1e6, (t4 - t2) / 1e6};
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

package dev.netloom.bench;

import dev.netloom.lab.Checks;
import dev.netloom.lab.Lab;
import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.QemuNode;
import dev.netloom.nodes.host.Ksm;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * scale (opt-in: {@code ./bench/run scale}): grids of tiny nodes, 8 to 256 and then 320, each brought
 * to READY in one lab and its two farthest nodes (opposite corners) pinging each other, until a size
 * fails or is refused by memory admission (past 256 also when it would take more than 15 minutes). Per size: the time to READY (with N
 * raw QEMU boots at once as the baseline where the host can hold them), the host memory per node (PSS:
 * see {@link #pssMiB}) at READY and once KSM has caught up, the memory the host lost per node, what
 * ksmd and the controller cost in CPU during the bring-up, and the controller's heap.
 * Per size also the bring-up phase by phase, per node ({@link BringUpPhases}: admission, boot,
 * configuration and the bytes it typed, the fabric's share), each against the smallest size's, and up to
 * {@link #PING_ALL_UP_TO} nodes the ping-all check's wall time per pair.
 * {@code NETLOOM_SCALE_SIZES=200,256} runs only those sizes.
 */
final class ScaleBench implements Benchmark {

    static final Duration READY_BUDGET = Duration.ofMinutes(10);
    /** Grids of these sizes (rows x columns, near square): the corners are rows + columns - 2 hops apart, within ping's TTL of 64. */
    static final List<Integer> SIZES = List.of(8, 16, 32, 64, 128, 200, 256, 320);
    /** Every size up to this one is tried whatever the time the last took; beyond it, only when the pace says it can make it. */
    static final int ALWAYS_UP_TO = 256;
    static final List<Integer> QUICK_SIZES = List.of(8, 16);
    /** After READY, KSM gets this long to merge what the last nodes brought (or until two more full scans). */
    static final Duration SETTLE = Duration.ofSeconds(90);
    static final Duration IDLE = Duration.ofSeconds(10);
    /** Raw boots that are not all at their markers by then are taken as failed. */
    static final Duration RAW_BUDGET = Duration.ofMinutes(3);
    /** What one raw tiny QEMU holds before KSM gets to it (measured: 175 MiB), for deciding whether N of them fit at once. */
    static final long RAW_UNMERGED_MIB = 180;
    /** Ping all (every node pings every other: N(N-1) pings, one console command per source, the sources in parallel) up to this size. */
    static final int PING_ALL_UP_TO = 64;

    @Override
    public String name() {
        return "scale";
    }

    @Override
    public String description() {
        return "grids of tiny nodes up to 256: READY within 10 min and the farthest ping; host memory per node (PSS), ksmd and controller CPU (opt-in)";
    }

    @Override
    public List<Figure> run(BenchContext ctx) throws Exception {
        List<Figure> figures = new ArrayList<>();
        double[] idleBefore = idle(ctx);
        int largest = 0;
        int tried = 0;
        BringUpPhases first = null;
        int firstN = 0;
        double firstReadyMs = -1;
        double firstPingAllPerPair = -1;
        for (int n : sizes(ctx)) {
            tried = n;
            int[] grid = grid(n);
            Double rawMs = null;
            List<Double> rawPss = new ArrayList<>();
            long need = n * RAW_UNMERGED_MIB;
            long available = HostFacts.memAvailableMiB();
            if (need <= available / 2) {
                try {
                    rawMs = raw(ctx, n, rawPss);
                } catch (Exception e) {
                    ctx.say("scale N=" + n + ": the raw baseline failed: " + e.getMessage());
                }
            } else {
                ctx.say("scale N=" + n + ": no raw baseline: " + n + " raw QEMUs at once hold about " + need + " MiB before KSM merges them, more than half of the "
                        + available + " MiB available");
            }
            Sampler sampler = new Sampler();
            long availableBefore = HostFacts.memAvailableMiB();
            long t0 = System.nanoTime();
            Lab lab;
            BringUpPhases phases = new BringUpPhases();
            try {
                sampler.start();
                lab = ctx.running(BenchLab.up(ctx, BenchLab.scenario(BenchLab.tinyGrid(BenchLab.name("sc", n), grid[0], grid[1])), phases));
            } catch (BadInputException e) {
                ctx.say("scale N=" + n + ": refused: " + e.getMessage());
                break;
            } catch (RuntimeException e) {
                ctx.say("scale N=" + n + ": failed: " + e.getMessage());
                break;
            } finally {
                sampler.stop();
            }
            double readyMs = (System.nanoTime() - t0) / 1e6;
            try {
                long c0 = System.nanoTime();
                List<Checks.Result> ping = Checks.run(lab, lab.scenario().checks().subList(0, 1));
                double checkMs = (System.nanoTime() - c0) / 1e6;
                boolean pinged = ping.stream().allMatch(Checks.Result::ok);
                ctx.say(String.format("scale N=%d (%dx%d): READY in %.0f s, n1 -> n%d (%d hops) %s in %.1f s; %s", n, grid[0], grid[1], readyMs / 1000, n,
                        grid[0] + grid[1] - 2, pinged ? "pinged" : "FAILED: " + ping, checkMs / 1000, sampler.describe()));
                ctx.say("scale N=" + n + ": bring-up phases: " + phases.describe(n));
                if (first == null) {
                    first = phases;
                    firstN = n;
                }
                String vsFirst = " vs at N=" + firstN;
                figures.add(new Figure(name(), n + " nodes: admission per node (memory headroom, QEMU started)" + vsFirst, "ms",
                        phases.admission(), first.admission(), null, false));
                figures.add(new Figure(name(), n + " nodes: configuration per node over its console (READY to configured)" + vsFirst, "ms",
                        phases.configuration(), first.configuration(), null, false));
                figures.add(new Figure(name(), n + " nodes: bytes typed into a node's console by its configuration" + vsFirst, "bytes",
                        phases.typedBytes(), first.typedBytes(), null, false));
                figures.add(new Figure(name(), n + " nodes: boot per node (STARTING to READY, " + Math.max(2, 4 * Runtime.getRuntime().availableProcessors())
                        + " booting at once)" + vsFirst, "ms", phases.boot(), first.boot(), null, false));
                figures.add(new Figure(name(), n + " nodes: fabric (namespace, " + lab.plan().segments().size() + " links) per node" + vsFirst, "ms",
                        Samples.of(phases.fabricMs() / n), Samples.of(first.fabricMs() / firstN), null, false));
                figures.add(new Figure(name(), n + " nodes: Lab.up wall time per node" + vsFirst, "ms",
                        Samples.of(readyMs / n), Samples.of(firstReadyMs < 0 ? readyMs / n : firstReadyMs), null, false));
                if (firstReadyMs < 0) {
                    firstReadyMs = readyMs / n;
                }
                if (n <= PING_ALL_UP_TO) {
                    long a0 = System.nanoTime();
                    List<Checks.Result> all = Checks.run(lab, lab.scenario().checks().subList(1, 2));
                    double allMs = (System.nanoTime() - a0) / 1e6;
                    long pairs = (long) n * (n - 1);
                    boolean allOk = all.stream().allMatch(Checks.Result::ok);
                    ctx.say(String.format("scale N=%d: ping all: %d pairs %s in %.1f s (%.1f ms per pair, %d console commands in parallel)", n, pairs,
                            allOk ? "passed" : "FAILED (" + all.stream().filter(r -> !r.ok()).count() + " failed)", allMs / 1000, allMs / pairs, n));
                    if (firstPingAllPerPair < 0) {
                        firstPingAllPerPair = allMs / pairs;
                    }
                    figures.add(new Figure(name(), n + " nodes: ping all, wall time per pair (" + pairs + " pairs" + (allOk ? "" : ", some FAILED") + ")" + vsFirst,
                            "ms", Samples.of(allMs / pairs), Samples.of(firstPingAllPerPair), null, false));
                }
                Samples baseline = rawMs == null ? Samples.of(READY_BUDGET.toMillis()) : Samples.of(rawMs);
                String against = rawMs == null ? "the 10 min budget (no raw baseline)" : n + " raw QEMU boots at once";
                figures.add(new Figure(name(), "grid " + grid[0] + "x" + grid[1] + " (" + n + " nodes): Lab.up to READY vs " + against, "ms",
                        Samples.of(readyMs), baseline, Target.medianAtMost(READY_BUDGET.toMillis()), false));
                figures.add(new Figure(name(), n + " nodes: READY and n1 -> n" + n + " ping passed (" + (grid[0] + grid[1] - 2) + " hops) vs " + against, "ms",
                        Samples.of(pinged ? readyMs + checkMs : Double.NaN), baseline, null, false));
                Memory atReady = Memory.of(lab, availableBefore);
                Memory settled = settle(ctx, lab, availableBefore);
                ctx.say(String.format("scale N=%d: per node at READY: PSS %.1f MiB, held %.1f, host %.1f; settled: PSS %.1f, held %.1f, host %.1f MiB",
                        n, atReady.pss().median(), atReady.held().median(), atReady.hostPerNode(), settled.pss().median(), settled.held().median(),
                        settled.hostPerNode()));
                figures.add(new Figure(name(), n + " nodes, KSM caught up: host memory per node, PSS of each QEMU vs at READY", "MiB",
                        settled.pss(), atReady.pss(), Target.medianAtMost(80), false));
                figures.add(new Figure(name(), n + " nodes, KSM caught up: memory the host lost per node (MemAvailable) vs sum of PSS per node", "MiB",
                        Samples.of(settled.hostPerNode()), Samples.of(settled.pssTotal() / n), null, false));
                if (!rawPss.isEmpty()) {
                    figures.add(new Figure(name(), n + " nodes: PSS of a node's QEMU vs a raw QEMU's (the same machine options, no NICs)", "MiB",
                            settled.pss(), new Samples(rawPss), null, false));
                }
                figures.add(new Figure(name(), n + " nodes: ksmd CPU during the bring-up vs while settling", "% of a core",
                        Samples.of(sampler.ksmdPercent()), Samples.of(settled.ksmdPercent()), null, false));
                double[] idleUp = idle(ctx);
                figures.add(new Figure(name(), n + " nodes: controller CPU during the bring-up vs idle with the lab up", "% of a core",
                        Samples.of(sampler.controllerPercent()), Samples.of(idleUp[1]), null, false));
                figures.add(new Figure(name(), n + " nodes up, idle: controller heap used after GC vs before any lab", "MiB",
                        Samples.of(idleUp[0]), Samples.of(idleBefore[0]), null, false));
                if (!pinged) {
                    break;
                }
                if (readyMs <= READY_BUDGET.toMillis()) {
                    largest = n;
                }
                int next = SIZES.stream().filter(s -> s > n).findFirst().orElse(n);
                if (next > ALWAYS_UP_TO && readyMs * next / n > 1.5 * READY_BUDGET.toMillis()) {
                    ctx.say("scale: stopping: at this pace " + next + " nodes would take " + Math.round(readyMs * next / n / 60000) + " min");
                    break;
                }
            } finally {
                ctx.stopped(lab);
            }
        }
        figures.add(new Figure(name(), "largest N READY within " + READY_BUDGET.toMinutes() + " min with the farthest ping passing vs the largest N tried",
                "nodes", Samples.of(largest), Samples.of(tried), null, false));
        return figures;
    }

    private static List<Integer> sizes(BenchContext ctx) {
        String chosen = System.getenv("NETLOOM_SCALE_SIZES");
        if (chosen != null && !chosen.isBlank()) {
            return java.util.Arrays.stream(chosen.split(",")).map(String::strip).map(Integer::parseInt).toList();
        }
        return ctx.quick() ? QUICK_SIZES : SIZES;
    }

    /** The most nearly square grid of {@code n} nodes: {rows, columns}, rows <= columns. */
    static int[] grid(int n) {
        int rows = (int) Math.floor(Math.sqrt(n));
        while (n % rows != 0) {
            rows--;
        }
        return new int[]{rows, n / rows};
    }

    /**
     * Host memory per node of a lab now. PSS (proportional set size, /proc/PID/smaps_rollup) divides
     * every page among the processes that map it: a page of the kernel file every node maps, of
     * QEMU's libraries or merged by KSM counts once over all nodes, so the sum over the lab's QEMUs is
     * what they take together. RSS counts such pages in full in every process, and RSS less the shared
     * pages leaves out the merged pages altogether. "held" is what admission reads (RssAnon less
     * KSM-merged pages), and the host figure is MemAvailable's drop since before the lab, per node: it
     * also holds the kernel's part (page tables, KSM's records, taps), and whatever else ran meanwhile.
     */
    record Memory(Samples pss, Samples held, double pssTotal, double hostPerNode, double ksmdPercent) {

        static Memory of(Lab lab, long availableBefore) {
            return of(lab, availableBefore, Double.NaN);
        }

        static Memory of(Lab lab, long availableBefore, double ksmdPercent) {
            List<Double> pss = new ArrayList<>();
            List<Double> held = new ArrayList<>();
            for (QemuNode node : lab.nodes().values()) {
                pss.add(pssMiB(node.pid()));
                held.add(heldMiB(node.pid()));
            }
            double total = pss.stream().mapToDouble(Double::doubleValue).sum();
            return new Memory(new Samples(pss), new Samples(held), total,
                    (availableBefore - HostFacts.memAvailableMiB()) / (double) pss.size(), ksmdPercent);
        }
    }

    /** Waits until KSM has made two more full scans (or {@link #SETTLE} passed) and measures again, with ksmd's CPU meanwhile. */
    private static Memory settle(BenchContext ctx, Lab lab, long availableBefore) throws InterruptedException {
        long scans0 = Ksm.HOST.counters().map(Ksm.Counters::fullScans).orElse(0L);
        long k0 = Ksm.HOST.ksmdCpuNanos().orElse(0L);
        long t0 = System.nanoTime();
        long deadline = t0 + SETTLE.toNanos();
        while (System.nanoTime() < deadline && Ksm.HOST.counters().map(c -> c.fullScans() < scans0 + 2).orElse(false)) {
            Thread.sleep(1000); // KSM has no event to wait for: its scan counter is read once a second
        }
        double ksmd = 100.0 * (Ksm.HOST.ksmdCpuNanos().orElse(0L) - k0) / (System.nanoTime() - t0);
        ctx.say(String.format("scale: settled after %.0f s (KSM: %s)", (System.nanoTime() - t0) / 1e9, Ksm.HOST.counters().map(c -> c.savedMiB() + " MiB merged").orElse("none")));
        return Memory.of(lab, availableBefore, ksmd);
    }

    /** Once a second during a bring-up: the lowest MemAvailable, and the CPU ksmd and this JVM used. */
    private static final class Sampler {
        private final Thread thread = new Thread(this::loop, "scale-sampler");
        private volatile boolean running = true;
        private long minAvailable = Long.MAX_VALUE;
        private double maxLoad;
        private long t0;
        private long t1;
        private long ksmd0;
        private long ksmd1;
        private long cpu0;
        private long cpu1;

        void start() {
            t0 = System.nanoTime();
            ksmd0 = Ksm.HOST.ksmdCpuNanos().orElse(0L);
            cpu0 = cpuNanos();
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.interrupt();
            thread.join();
            t1 = System.nanoTime();
            ksmd1 = Ksm.HOST.ksmdCpuNanos().orElse(0L);
            cpu1 = cpuNanos();
        }

        private void loop() {
            while (running) {
                synchronized (this) {
                    minAvailable = Math.min(minAvailable, HostFacts.memAvailableMiB());
                    maxLoad = Math.max(maxLoad, HostFacts.readLoadAverage());
                }
                try {
                    Thread.sleep(1000); // a sample a second: the bring-up takes minutes
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        double ksmdPercent() {
            return 100.0 * (ksmd1 - ksmd0) / (t1 - t0);
        }

        double controllerPercent() {
            return 100.0 * (cpu1 - cpu0) / (t1 - t0);
        }

        synchronized String describe() {
            return String.format("during the bring-up: ksmd %.1f%% of a core, controller %.1f%%, MemAvailable down to %d MiB, load average up to %.1f",
                    ksmdPercent(), controllerPercent(), minAvailable, maxLoad);
        }
    }

    /** {heap used after GC in MiB, process CPU over IDLE in % of one core}. */
    private static double[] idle(BenchContext ctx) throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        double heapMiB = memory.getHeapMemoryUsage().getUsed() / 1048576.0;
        long cpu0 = cpuNanos();
        long t0 = System.nanoTime();
        Thread.sleep(IDLE.toMillis()); // the measurement is of idling itself
        double cpuPercent = 100.0 * (cpuNanos() - cpu0) / (System.nanoTime() - t0);
        ctx.say(String.format("scale: heap %.1f MiB, CPU %.2f%% of a core while idle", heapMiB, cpuPercent));
        return new double[]{heapMiB, cpuPercent};
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** N raw QEMU boots started together; ms until every marker. Collects each one's PSS into {@code pss}. */
    private static double raw(BenchContext ctx, int n, List<Double> pss) throws Exception {
        List<RawQemu> qemus = new ArrayList<>();
        try {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                qemus.add(ctx.running(RawQemu.piped(ctx.tinyBoot(), "bench" + i, ctx.tinyMarker())));
            }
            CompletableFuture.allOf(qemus.stream().map(RawQemu::line).toArray(CompletableFuture[]::new))
                    .get(RAW_BUDGET.toMillis(), TimeUnit.MILLISECONDS);
            double ms = (System.nanoTime() - t0) / 1e6;
            qemus.forEach(q -> pss.add(pssMiB(q.pid())));
            return ms;
        } finally {
            CompletableFuture.allOf(qemus.stream().map(q -> CompletableFuture.runAsync(() -> {
                try {
                    ctx.stopped(q);
                } catch (Exception e) {
                    ctx.say("could not stop " + q + ": " + e.getMessage());
                }
            })).toArray(CompletableFuture[]::new)).join();
        }
    }

    /** A process's PSS in MiB (from /proc/PID/smaps_rollup), NaN when it is gone. */
    static double pssMiB(long pid) {
        return kiBField(Path.of("/proc/" + pid + "/smaps_rollup"), "Pss:") / 1024.0;
    }

    /** RssAnon less KSM-merged pages, in MiB: what memory admission counts for a process. */
    static double heldMiB(long pid) {
        double anon = kiBField(Path.of("/proc/" + pid + "/status"), "RssAnon:");
        try {
            Path merging = Path.of("/proc/" + pid + "/ksm_merging_pages");
            double merged = Files.exists(merging) ? Long.parseLong(Files.readString(merging).strip()) * 4.0 : 0;
            return Math.max(0, anon - merged) / 1024.0;
        } catch (IOException | NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static double kiBField(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // the process is gone
        }
        return Double.NaN;
    }
}

package dev.netloom.bench;

import dev.netloom.lab.Lab;
import dev.netloom.nodes.QemuNode;

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
 * scale (opt-in: {@code ./bench/run scale}): the largest line of tiny nodes this host brings to READY
 * within 10 minutes, growing N until a size fails, takes too long, or the next size would. At each N
 * the same N raw QEMU boots are the baseline; with each lab up it compares a node's resident
 * memory with a raw QEMU's, and the controller's heap and CPU while idle with the JVM's before the lab.
 */
final class ScaleBench implements Benchmark {

    static final Duration READY_BUDGET = Duration.ofMinutes(10);
    static final List<Integer> SIZES = List.of(8, 16, 24, 32, 48, 64);
    static final Duration IDLE = Duration.ofSeconds(10);
    /** Raw boots that are not all at their markers by then are taken as failed. */
    static final Duration RAW_BUDGET = Duration.ofMinutes(3);

    @Override
    public String name() {
        return "scale";
    }

    @Override
    public String description() {
        return "largest line of tiny nodes READY within 10 min; QEMU resident memory; controller heap and CPU while idle (opt-in)";
    }

    @Override
    public List<Figure> run(BenchContext ctx) throws Exception {
        List<Figure> figures = new ArrayList<>();
        List<Figure> atLargest = List.of();
        double[] idleBefore = idle(ctx);
        int largest = 0;
        int tried = 0;
        for (int n : SIZES) {
            tried = n;
            List<Double> rawRss = new ArrayList<>();
            double rawMs;
            try {
                rawMs = raw(ctx, n, rawRss);
            } catch (Exception e) {
                // without admission control, N raw QEMUs booting at once may not all make it: the baseline ends here
                ctx.say("scale N=" + n + ": the raw baseline failed: " + e.getMessage());
                break;
            }
            long t0 = System.nanoTime();
            Lab lab;
            try {
                lab = ctx.running(BenchLab.up(ctx, BenchLab.scenario(BenchLab.tinyLine(BenchLab.name("sc", n), n))));
            } catch (RuntimeException e) {
                ctx.say("scale N=" + n + ": failed: " + e.getMessage());
                break;
            }
            double readyMs = (System.nanoTime() - t0) / 1e6;
            try {
                ctx.say(String.format("scale N=%d: READY in %.0f ms; raw boot %.0f ms", n, readyMs, rawMs));
                figures.add(new Figure(name(), "line of " + n + ": Lab.up to READY vs raw QEMU boot markers", "ms",
                        Samples.of(readyMs), Samples.of(rawMs), Target.medianAtMost(READY_BUDGET.toMillis()), false));
                if (readyMs > READY_BUDGET.toMillis()) {
                    break;
                }
                largest = n;
                List<Double> nodeRss = new ArrayList<>();
                for (QemuNode node : lab.nodes().values()) {
                    nodeRss.add(rssMiB(node.pid()));
                }
                double[] idleUp = idle(ctx);
                atLargest = List.of(
                        new Figure(name(), n + " nodes up: VmRSS per QEMU process, netloom node vs raw QEMU (96 MiB guests)",
                                "MiB", new Samples(nodeRss), new Samples(rawRss), null, false),
                        new Figure(name(), n + " nodes up, idle: controller heap used after GC vs before the lab", "MiB",
                                Samples.of(idleUp[0]), Samples.of(idleBefore[0]), null, false),
                        new Figure(name(), n + " nodes up, idle " + IDLE.toSeconds() + " s: controller CPU vs idle without a lab",
                                "% of a core", Samples.of(idleUp[1]), Samples.of(idleBefore[1]), null, false));
                if (readyMs * 2 > READY_BUDGET.toMillis()) {
                    break; // the next size would likely take more than the budget
                }
            } finally {
                ctx.stopped(lab);
            }
        }
        figures.addAll(atLargest);
        figures.add(new Figure(name(), "largest N READY within " + READY_BUDGET.toMinutes() + " min vs the largest N tried", "nodes",
                Samples.of(largest), Samples.of(tried), null, false));
        return figures;
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

    /** N raw QEMU boots started together; ms until every marker. With {@code rss}, collects each one's VmRSS first. */
    private static double raw(BenchContext ctx, int n, List<Double> rss) throws Exception {
        List<RawQemu> qemus = new ArrayList<>();
        try {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                qemus.add(ctx.running(RawQemu.piped(ctx.tinyBoot(), "bench" + i, ctx.tinyMarker())));
            }
            CompletableFuture.allOf(qemus.stream().map(RawQemu::line).toArray(CompletableFuture[]::new))
                    .get(RAW_BUDGET.toMillis(), TimeUnit.MILLISECONDS);
            double ms = (System.nanoTime() - t0) / 1e6;
            if (rss != null) {
                // the raw QEMUs are this JVM's own children; nothing else of ours runs now
                ProcessHandle.current().children()
                        .filter(p -> p.info().command().map(c -> c.contains("qemu-system")).orElse(false))
                        .forEach(p -> rss.add(rssMiB(p.pid())));
            }
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

    private static double rssMiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException e) {
            // the process is gone: counted as nothing below
        }
        return Double.NaN;
    }
}

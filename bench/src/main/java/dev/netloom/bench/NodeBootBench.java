package dev.netloom.bench;

import dev.netloom.nodes.QemuNode;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * node-boot: what netloom adds to bringing nodes up. N tiny nodes are started at once through QemuNode
 * and waited READY (console connected, boot marker seen, shell prepared); the baseline starts the same
 * N raw QEMU processes at once and waits for each one's boot marker with a minimal reader. Rounds of
 * the two alternate.
 */
final class NodeBootBench implements Benchmark {

    static final double MAX_SINGLE_RATIO = 1.10;
    /** What READY may cost on top of the raw boot marker for several nodes: the shell preparation of the last ones. */
    static final double MAX_EXTRA_MS = 500;

    @Override
    public String name() {
        return "node-boot";
    }

    @Override
    public String description() {
        return "N tiny nodes READY through netloom vs N raw QEMU boots to the marker, started together";
    }

    @Override
    public List<Figure> run(BenchContext ctx) throws Exception {
        List<Figure> figures = new ArrayList<>();
        for (int n : ctx.quick() ? List.of(1, 4) : List.of(1, 4, 8, 16)) {
            int reps = n == 1 || !ctx.quick() ? 5 : 3;
            List<Double> netloom = new ArrayList<>();
            List<Double> raw = new ArrayList<>();
            for (int i = 0; i < reps; i++) {
                boolean netloomFirst = i % 2 == 0;
                double a = netloomFirst ? netloomMillis(ctx, n) : rawMillis(ctx, n);
                double b = netloomFirst ? rawMillis(ctx, n) : netloomMillis(ctx, n);
                netloom.add(netloomFirst ? a : b);
                raw.add(netloomFirst ? b : a);
                ctx.say(String.format("node-boot N=%d %d/%d: netloom %.0f ms, raw %.0f ms", n, i + 1, reps,
                        netloom.get(i), raw.get(i)));
            }
            figures.add(new Figure(name(), "N=" + n + ": all READY via QemuNode vs raw QEMU boot marker", "ms",
                    new Samples(netloom), new Samples(raw),
                    n == 1 ? Target.ratioAtMost(MAX_SINGLE_RATIO) : Target.aboveBaselineAtMost(MAX_EXTRA_MS), false));
        }
        return figures;
    }

    private static double netloomMillis(BenchContext ctx, int n) throws Exception {
        List<QemuNode> nodes = new ArrayList<>();
        try {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                nodes.add(ctx.running(QemuNode.start(ctx.tinySpec("bench" + i))));
            }
            CompletableFuture.allOf(nodes.stream().map(QemuNode::ready).toArray(CompletableFuture[]::new))
                    .get(BenchContext.BOOT_BUDGET.toMillis(), TimeUnit.MILLISECONDS);
            return (System.nanoTime() - t0) / 1e6;
        } finally {
            stopAll(ctx, nodes);
        }
    }

    private static double rawMillis(BenchContext ctx, int n) throws Exception {
        List<RawQemu> qemus = new ArrayList<>();
        try {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                qemus.add(ctx.running(RawQemu.piped(ctx.tinyBoot(), "bench" + i, ctx.tinyMarker())));
            }
            CompletableFuture.allOf(qemus.stream().map(RawQemu::line).toArray(CompletableFuture[]::new))
                    .get(BenchContext.BOOT_BUDGET.toMillis(), TimeUnit.MILLISECONDS);
            return (System.nanoTime() - t0) / 1e6;
        } finally {
            stopAll(ctx, qemus);
        }
    }

    /** Stops all of them in parallel: a node's stop waits for QEMU to quit, and they need not queue. */
    private static void stopAll(BenchContext ctx, List<? extends AutoCloseable> things) {
        CompletableFuture.allOf(things.stream().map(t -> CompletableFuture.runAsync(() -> {
            try {
                ctx.stopped(t);
            } catch (Exception e) {
                ctx.say("could not stop " + t + ": " + e.getMessage());
            }
        })).toArray(CompletableFuture[]::new)).join();
    }
}

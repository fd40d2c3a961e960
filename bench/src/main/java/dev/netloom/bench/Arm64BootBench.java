package dev.netloom.bench;

import dev.netloom.nodes.ExecResult;
import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.NodeSpec;
import dev.netloom.nodes.QemuNode;
import dev.netloom.nodes.host.Proc;
import dev.netloom.nodes.image.ImageManifest;
import dev.netloom.nodes.image.ImageStore;
import dev.netloom.nodes.image.TinyImageBuilder;
import dev.netloom.nodes.qemu.Arch;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * arm64-boot: what an arm64 node costs next to an x86_64 one. The tiny-arm64 image (built first when
 * it is missing) boots under qemu-system-aarch64 -M virt, always under TCG on an x86_64 host, against
 * the x86_64 tiny image under the acceleration the host's probe chose; both by raw QEMU to the boot
 * marker, and through QemuNode to READY; then the round trip of {@code true} through QemuNode.exec on
 * one node of each. Repetitions of the two alternate. The ratio is arm64 over x86_64.
 */
final class Arm64BootBench implements Benchmark {

    @Override
    public String name() {
        return "arm64-boot";
    }

    @Override
    public String description() {
        return "tiny-arm64 (qemu-system-aarch64 -M virt, TCG) vs tiny (x86_64): QEMU start to boot marker, and READY via QemuNode";
    }

    @Override
    public List<Figure> run(BenchContext ctx) throws Exception {
        if (!Proc.onPath(Arch.ARM64.qemu())) {
            throw new NetloomException(Arch.ARM64.qemu() + " is missing: apt-get install " + Arch.ARM64.qemuPackage() + " (./netloom setup does)");
        }
        ImageStore store = ImageStore.fromEnvironment();
        ImageManifest arm = new TinyImageBuilder(store, ctx::say).build(Arch.ARM64, false);
        Path armDir = store.dir(TinyImageBuilder.nameFor(Arch.ARM64));
        RawQemu.Boot armBoot = RawQemu.Boot.of(arm, armDir, Arch.ARM64.accel(ctx.accel()));
        Pattern armMarker = Pattern.compile(arm.bootPattern());

        int reps = ctx.quick() ? 5 : 10;
        List<Double> armRaw = new ArrayList<>();
        List<Double> x86Raw = new ArrayList<>();
        for (int i = 0; i < reps; i++) {
            boolean armFirst = i % 2 == 0;
            double a = armFirst ? rawMillis(ctx, armBoot, armMarker) : rawMillis(ctx, ctx.tinyBoot(), ctx.tinyMarker());
            double b = armFirst ? rawMillis(ctx, ctx.tinyBoot(), ctx.tinyMarker()) : rawMillis(ctx, armBoot, armMarker);
            armRaw.add(armFirst ? a : b);
            x86Raw.add(armFirst ? b : a);
            ctx.say(String.format("arm64-boot raw %d/%d: arm64 %.0f ms, x86_64 %.0f ms", i + 1, reps, armRaw.get(i), x86Raw.get(i)));
        }

        List<Figure> figures = new ArrayList<>();
        figures.add(new Figure(name(), "tiny-arm64 vs tiny (x86_64): raw QEMU start to boot marker", "ms",
                new Samples(armRaw), new Samples(x86Raw), null, false));
        for (int n : ctx.quick() ? List.of(1) : List.of(1, 4)) {
            int nodeReps = ctx.quick() ? 3 : 5;
            List<Double> armReady = new ArrayList<>();
            List<Double> x86Ready = new ArrayList<>();
            for (int i = 0; i < nodeReps; i++) {
                boolean armFirst = i % 2 == 0;
                NodeSpec armSpec = NodeSpec.of("arm", arm, armDir, Arch.ARM64.accel(ctx.accel()));
                double a = armFirst ? readyMillis(ctx, armSpec, n) : readyMillis(ctx, ctx.tinySpec("x86"), n);
                double b = armFirst ? readyMillis(ctx, ctx.tinySpec("x86"), n) : readyMillis(ctx, armSpec, n);
                armReady.add(armFirst ? a : b);
                x86Ready.add(armFirst ? b : a);
                ctx.say(String.format("arm64-boot N=%d READY %d/%d: arm64 %.0f ms, x86_64 %.0f ms", n, i + 1, nodeReps,
                        armReady.get(i), x86Ready.get(i)));
            }
            figures.add(new Figure(name(), "N=" + n + ": tiny-arm64 vs tiny (x86_64) nodes, all READY via QemuNode", "ms",
                    new Samples(armReady), new Samples(x86Ready), null, false));
        }
        figures.add(execFigure(ctx, NodeSpec.of("bench-arm", arm, armDir, Arch.ARM64.accel(ctx.accel()))));
        return figures;
    }

    /** `true` through QemuNode.exec on an arm64 node (its console is the PL011) and on an x86_64 one, in alternating blocks. */
    private Figure execFigure(BenchContext ctx, NodeSpec armSpec) throws Exception {
        int reps = ctx.quick() ? 200 : 500;
        QemuNode arm = null;
        QemuNode x86 = null;
        try {
            arm = ctx.running(QemuNode.start(armSpec));
            x86 = ctx.running(QemuNode.start(ctx.tinySpec("bench-x86")));
            arm.awaitReady();
            x86.awaitReady();
            for (int i = 0; i < ExecBench.WARMUP; i++) {
                trueMillis(arm);
                trueMillis(x86);
            }
            List<Double> armMs = new ArrayList<>();
            List<Double> x86Ms = new ArrayList<>();
            for (int block = 0; block < reps / ExecBench.BLOCK; block++) {
                boolean armFirst = block % 2 == 0;
                for (int k = 0; k < 2; k++) {
                    boolean onArm = armFirst == (k == 0);
                    for (int i = 0; i < ExecBench.BLOCK; i++) {
                        (onArm ? armMs : x86Ms).add(trueMillis(onArm ? arm : x86));
                    }
                }
            }
            ctx.say(String.format("arm64-boot: `true` x%d: arm64 median %.2f ms, x86_64 median %.2f ms", reps,
                    new Samples(armMs).median(), new Samples(x86Ms).median()));
            return new Figure(name(), "`true` round trip via QemuNode.exec: tiny-arm64 (PL011 console) vs tiny (x86_64) (n=" + reps + ")",
                    "ms", new Samples(armMs), new Samples(x86Ms), null, true);
        } finally {
            if (arm != null) {
                ctx.stopped(arm);
            }
            if (x86 != null) {
                ctx.stopped(x86);
            }
        }
    }

    private static double trueMillis(QemuNode node) {
        long t0 = System.nanoTime();
        ExecResult r = node.exec("true", Duration.ofSeconds(60));
        double ms = (System.nanoTime() - t0) / 1e6;
        if (!r.ok()) {
            throw new NetloomException("exec `true` on " + node.name() + " gave " + r);
        }
        return ms;
    }

    private static double rawMillis(BenchContext ctx, RawQemu.Boot boot, Pattern marker) throws Exception {
        RawQemu q = ctx.running(RawQemu.piped(boot, "bench", marker));
        try {
            return q.awaitLine(BenchContext.BOOT_BUDGET) / 1e6;
        } finally {
            ctx.stopped(q);
        }
    }

    /** {@code n} nodes of {@code spec}'s image started at once (named NAME0, NAME1, ...), until all are READY. */
    private static double readyMillis(BenchContext ctx, NodeSpec spec, int n) throws Exception {
        List<QemuNode> nodes = new ArrayList<>();
        try {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                nodes.add(ctx.running(QemuNode.start(NodeSpec.of(spec.name() + i, spec.image(), spec.imageDir(), spec.accel()))));
            }
            CompletableFuture.allOf(nodes.stream().map(QemuNode::ready).toArray(CompletableFuture[]::new))
                    .get(BenchContext.BOOT_BUDGET.toMillis(), TimeUnit.MILLISECONDS);
            return (System.nanoTime() - t0) / 1e6;
        } finally {
            CompletableFuture.allOf(nodes.stream().map(node -> CompletableFuture.runAsync(() -> {
                try {
                    ctx.stopped(node);
                } catch (Exception e) {
                    ctx.say("could not stop " + node + ": " + e.getMessage());
                }
            })).toArray(CompletableFuture[]::new)).join();
        }
    }
}

package dev.netloom.bench;

import dev.netloom.lab.Checks;
import dev.netloom.lab.Lab;
import dev.netloom.nodes.NetloomException;
import dev.netloom.scenario.Scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * lab-up: what a user waits for when a lab comes up. A line of N tiny nodes through Lab.up, to READY
 * (namespace and bridges, nodes booted, addresses and static routes configured), then its ping-all
 * check; the baseline starts the same N raw QEMU processes at once and waits for their boot markers.
 * Rounds of the two alternate.
 */
final class LabUpBench implements Benchmark {

    static final double MAX_RATIO = 1.15;

    @Override
    public String name() {
        return "lab-up";
    }

    @Override
    public String description() {
        return "a line of N tiny nodes READY through Lab.up (then ping all) vs N raw QEMU boots to the marker";
    }

    @Override
    public List<Figure> run(BenchContext ctx) throws Exception {
        int n = ctx.quick() ? 4 : 8;
        int reps = ctx.quick() ? 3 : 5;
        List<Double> ready = new ArrayList<>();
        List<Double> checked = new ArrayList<>();
        List<Double> down = new ArrayList<>();
        List<Double> raw = new ArrayList<>();
        List<Double> rawKill = new ArrayList<>();
        for (int i = 0; i < reps; i++) {
            boolean labFirst = i % 2 == 0;
            for (int k = 0; k < 2; k++) {
                if (labFirst == (k == 0)) {
                    double[] t = lab(ctx, BenchLab.name("lu", i), n);
                    ready.add(t[0]);
                    checked.add(t[1]);
                    down.add(t[2]);
                } else {
                    double[] t = raw(ctx, n);
                    raw.add(t[0]);
                    rawKill.add(t[1]);
                }
            }
            ctx.say(String.format("lab-up N=%d %d/%d: READY %.0f ms, + ping all %.0f ms, down %.0f ms; raw boot %.0f ms",
                    n, i + 1, reps, ready.get(i), checked.get(i) - ready.get(i), down.get(i), raw.get(i)));
        }
        String line = "line of " + n + ": ";
        return List.of(
                new Figure(name(), line + "Lab.up to READY (wired, booted, addressed, routed) vs raw QEMU boot markers", "ms",
                        new Samples(ready), new Samples(raw), Target.ratioAtMost(MAX_RATIO), false),
                new Figure(name(), line + "READY and the ping-all check passed vs raw QEMU boot markers", "ms",
                        new Samples(checked), new Samples(raw), null, false),
                new Figure(name(), line + "Lab.down (QMP quit, namespace deleted) vs SIGKILL of raw QEMU", "ms",
                        new Samples(down), new Samples(rawKill), null, false));
    }

    /** {READY, READY + ping all, down} in ms from the start of Lab.up. */
    private static double[] lab(BenchContext ctx, String labName, int n) {
        Scenario s = BenchLab.scenario(BenchLab.tinyLine(labName, n));
        long t0 = System.nanoTime();
        Lab lab = ctx.running(BenchLab.up(ctx, s));
        try {
            long t1 = System.nanoTime();
            List<Checks.Result> results = Checks.run(lab, s.checks());
            long t2 = System.nanoTime();
            List<Checks.Result> failed = results.stream().filter(r -> !r.ok()).toList();
            if (!failed.isEmpty()) {
                throw new NetloomException("lab " + labName + ": " + failed.size() + " pings failed, e.g. " + failed.get(0));
            }
            long t3 = System.nanoTime();
            ctx.stopped(lab);
            long t4 = System.nanoTime();
            return new double[]{(t1 - t0) / 1e6, (t2 - t0) / 1e6, (t4 - t3) / 1e6};
        } catch (Exception e) {
            throw e instanceof RuntimeException re ? re : new NetloomException(e.getMessage(), e);
        } finally {
            lab.down(); // idempotent
        }
    }

    /** {all boot markers, all killed} in ms. */
    private static double[] raw(BenchContext ctx, int n) throws Exception {
        List<RawQemu> qemus = new ArrayList<>();
        try {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                qemus.add(ctx.running(RawQemu.piped(ctx.tinyBoot(), "bench" + i, ctx.tinyMarker())));
            }
            CompletableFuture.allOf(qemus.stream().map(RawQemu::line).toArray(CompletableFuture[]::new))
                    .get(BenchContext.BOOT_BUDGET.toMillis(), TimeUnit.MILLISECONDS);
            long t1 = System.nanoTime();
            CompletableFuture.allOf(qemus.stream().map(q -> CompletableFuture.runAsync(q::close)).toArray(CompletableFuture[]::new)).join();
            return new double[]{(t1 - t0) / 1e6, (System.nanoTime() - t1) / 1e6};
        } finally {
            for (RawQemu q : qemus) {
                ctx.stopped(q);
            }
        }
    }
}

package dev.netloom.bench;

import dev.netloom.nodes.ExecResult;
import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.QemuNode;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * exec: what a command costs through QemuNode.exec (framing, Netty, the command queue) compared with
 * the least a program can do on the same console: a blocking socket that types {@code true; echo M$?}
 * and reads until the marker. Both run on identical tiny nodes booted side by side, interleaved in
 * blocks. The raw reader also types netloom's own framed line, which splits netloom's cost into what the
 * longer line costs the guest and what the controller adds. Then the same for a command that prints
 * 1 MB, to compare console output throughput.
 */
final class ExecBench implements Benchmark {

    static final double MAX_MEDIAN_MS = 8;
    static final double MIN_THROUGHPUT_RATIO = 0.9;
    static final int WARMUP = 30;
    static final int BLOCK = 10;
    static final int OUTPUT_BYTES = 1_000_000;
    static final String PRINT_1MB = "head -c " + OUTPUT_BYTES + " /dev/zero | tr '\\0' a";

    private static final Duration STEP = Duration.ofSeconds(60);
    private static final Pattern TRUE_DONE = Pattern.compile("^@@R(\\d+)$");
    private static final Pattern PRINT_DONE = Pattern.compile("^@@T(\\d+)$");

    @Override
    public String name() {
        return "exec";
    }

    @Override
    public String description() {
        return "QemuNode.exec round trip and 1 MB output vs a minimal blocking socket reader on a second node";
    }

    @Override
    public List<Figure> run(BenchContext ctx) throws Exception {
        int reps = ctx.quick() ? 200 : 500;
        int bulkReps = ctx.quick() ? 3 : 5;
        Path socket = ctx.scratch().resolve("raw-exec.sock");
        QemuNode node = null;
        RawQemu raw = null;
        RawShell shell = null;
        try {
            ctx.say("exec: booting a netloom node and a raw node");
            node = ctx.running(QemuNode.start(ctx.tinySpec("bench-exec")));
            raw = ctx.running(RawQemu.listening(ctx.tinyBoot(), "bench-raw", socket, STEP));
            shell = RawShell.connect(socket);
            shell.awaitQuietShell(ctx.tinyMarker(), BenchContext.BOOT_BUDGET, STEP);
            node.awaitReady();

            for (int i = 0; i < WARMUP; i++) {
                netloomTrue(node);
                rawTrue(shell);
                shell.framedTrue(-1 - i, STEP);
            }
            List<Double> netloomMs = new ArrayList<>();
            List<Double> rawMs = new ArrayList<>();
            List<Double> rawFramedMs = new ArrayList<>();
            // blocks of BLOCK back-to-back commands per variant (a script's pattern), in an order that
            // rotates from block to block, so that drifting host load hits all three alike
            for (int block = 0; block < reps / BLOCK; block++) {
                for (int k = 0; k < 3; k++) {
                    int variant = (block + k) % 3;
                    for (int i = 0; i < BLOCK; i++) {
                        switch (variant) {
                            case 0 -> netloomMs.add(netloomTrue(node));
                            case 1 -> rawMs.add(rawTrue(shell));
                            default -> rawFramedMs.add(shell.framedTrue(rawFramedMs.size(), STEP));
                        }
                    }
                }
            }
            ctx.say(String.format("exec: `true` x%d: netloom median %.2f ms, raw median %.2f ms, raw with netloom's framing %.2f ms",
                    reps, new Samples(netloomMs).median(), new Samples(rawMs).median(), new Samples(rawFramedMs).median()));

            netloomPrint(node);
            rawPrint(shell);
            List<Double> netloomKBs = new ArrayList<>();
            List<Double> rawKBs = new ArrayList<>();
            for (int i = 0; i < bulkReps; i++) {
                netloomKBs.add(OUTPUT_BYTES / 1e3 / (netloomPrint(node) / 1e3));
                rawKBs.add(OUTPUT_BYTES / 1e3 / (rawPrint(shell) / 1e3));
                ctx.say(String.format("exec: 1 MB output %d/%d: netloom %.0f KB/s, raw %.0f KB/s", i + 1, bulkReps,
                        netloomKBs.get(i), rawKBs.get(i)));
            }
            return List.of(
                    new Figure(name(), "`true` round trip: QemuNode.exec vs raw socket reader (n=" + reps + ")", "ms",
                            new Samples(netloomMs), new Samples(rawMs), Target.medianAtMost(MAX_MEDIAN_MS), true),
                    new Figure(name(), "`true` round trip: QemuNode.exec vs raw reader typing netloom's framed line", "ms",
                            new Samples(netloomMs), new Samples(rawFramedMs), null, true),
                    new Figure(name(), "1 MB console output: QemuNode.exec vs raw socket reader", "KB/s",
                            new Samples(netloomKBs), new Samples(rawKBs), Target.ratioAtLeast(MIN_THROUGHPUT_RATIO), false));
        } finally {
            if (shell != null) {
                shell.close();
            }
            if (raw != null) {
                ctx.stopped(raw);
            }
            if (node != null) {
                ctx.stopped(node);
            }
        }
    }

    private static double netloomTrue(QemuNode node) {
        long t0 = System.nanoTime();
        ExecResult r = node.exec("true", STEP);
        double ms = (System.nanoTime() - t0) / 1e6;
        check(r.ok(), "exec `true` on " + node.name() + " gave " + r);
        return ms;
    }

    private static double rawTrue(RawShell shell) {
        long t0 = System.nanoTime();
        shell.send("true; echo @@R$?\n");
        Matcher m = shell.readUntil(TRUE_DONE, STEP, null);
        double ms = (System.nanoTime() - t0) / 1e6;
        check(m.group(1).equals("0"), "raw `true` exited " + m.group(1));
        return ms;
    }


    private static double netloomPrint(QemuNode node) {
        long t0 = System.nanoTime();
        ExecResult r = node.exec(PRINT_1MB, STEP);
        double ms = (System.nanoTime() - t0) / 1e6;
        check(r.ok() && r.output().length() == OUTPUT_BYTES, "exec of the 1 MB command on " + node.name()
                + " gave exit " + r.exitCode() + " and " + r.output().length() + " characters");
        return ms;
    }

    private static double rawPrint(RawShell shell) {
        long[] bytes = {0};
        long t0 = System.nanoTime();
        shell.send(PRINT_1MB + "; echo; echo @@T$?\n");
        Matcher m = shell.readUntil(PRINT_DONE, STEP, bytes);
        double ms = (System.nanoTime() - t0) / 1e6;
        check(m.group(1).equals("0") && bytes[0] >= OUTPUT_BYTES, "raw 1 MB command exited " + m.group(1) + " after " + bytes[0] + " bytes");
        return ms;
    }

    private static void check(boolean ok, String failure) {
        if (!ok) {
            throw new NetloomException(failure);
        }
    }
}

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
 * blocks. The raw reader also types netloom's own line (through the framing function, installed in
 * its shell too), which splits netloom's cost into what the line costs the guest and what the
 * controller adds; the minimal line in a subshell, the floor of any framing that isolates each
 * command in one; the framed line netloom typed before issue 13; and netloom's line for a command
 * that needs a subshell ({@code $_n}; `true` itself runs in the shell, {@code $_m}). Then the same
 * for a command
 * that prints 1 MB, to compare console output throughput.
 */
final class ExecBench implements Benchmark {

    static final double MAX_RATIO_TO_MINIMAL = 1.5;
    static final double MIN_THROUGHPUT_RATIO = 0.9;
    static final int WARMUP = 30;
    static final int BLOCK = 10;
    /**
     * Unmeasured commands of a block's own variant before its measured ones. The raw node serves five
     * variants and netloom's node one, so without them netloom's node came to each of its blocks after
     * about 50 commands' idle time and paid a cold start (the first command about twice a warm one)
     * that the raw variants mostly did not.
     */
    static final int BLOCK_WARMUP = 3;
    static final int OUTPUT_BYTES = 1_000_000;
    static final String PRINT_1MB = "head -c " + OUTPUT_BYTES + " /dev/zero | tr '\\0' a";

    private static final Duration STEP = Duration.ofSeconds(60);
    private static final Pattern TRUE_DONE = Pattern.compile("^@@R(\\d+)$");
    private static final String MINIMAL = "true; echo @@R$?\n";
    private static final String SUBSHELL = "(true); echo @@R$?\n";
    private static final int VARIANTS = 6;
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
                shell.timed(MINIMAL, TRUE_DONE, STEP);
                shell.framedTrue(-1 - i, STEP);
                shell.timed(SUBSHELL, TRUE_DONE, STEP);
                shell.formerFramedTrue(-1 - i, STEP);
                shell.subshellFramedTrue(-1 - i, STEP);
            }
            List<Double> netloomMs = new ArrayList<>();
            List<Double> rawMs = new ArrayList<>();
            List<Double> rawFramedMs = new ArrayList<>();
            List<Double> rawSubshellMs = new ArrayList<>();
            List<Double> rawFormerMs = new ArrayList<>();
            List<Double> rawSubshellFramedMs = new ArrayList<>();
            // blocks of BLOCK back-to-back commands per variant (a script's pattern), in an order that
            // rotates from block to block, so that drifting host load hits all variants alike; each
            // block after BLOCK_WARMUP unmeasured commands of its own variant
            for (int block = 0; block < reps / BLOCK; block++) {
                for (int k = 0; k < VARIANTS; k++) {
                    int variant = (block + k) % VARIANTS;
                    // every block, of every variant, starts warm: the same unmeasured lead-in for all
                    for (int i = -BLOCK_WARMUP; i < BLOCK; i++) {
                        double ms = switch (variant) {
                            case 0 -> netloomTrue(node);
                            case 1 -> shell.timed(MINIMAL, TRUE_DONE, STEP);
                            case 2 -> shell.framedTrue(i < 0 ? i : rawFramedMs.size(), STEP);
                            case 3 -> shell.timed(SUBSHELL, TRUE_DONE, STEP);
                            case 4 -> shell.formerFramedTrue(i < 0 ? i : rawFormerMs.size(), STEP);
                            default -> shell.subshellFramedTrue(i < 0 ? i : rawSubshellFramedMs.size(), STEP);
                        };
                        if (i >= 0) {
                            List.of(netloomMs, rawMs, rawFramedMs, rawSubshellMs, rawFormerMs, rawSubshellFramedMs).get(variant).add(ms);
                        }
                    }
                }
            }
            ctx.say(String.format("exec: `true` x%d: netloom median %.2f ms; raw reader: minimal line %.2f ms, netloom's line %.2f ms,"
                            + " minimal line in a subshell %.2f ms, framed line of before %.2f ms, netloom's subshell line %.2f ms",
                    reps, new Samples(netloomMs).median(), new Samples(rawMs).median(), new Samples(rawFramedMs).median(),
                    new Samples(rawSubshellMs).median(), new Samples(rawFormerMs).median(), new Samples(rawSubshellFramedMs).median()));

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
                    new Figure(name(), "`true` round trip: QemuNode.exec vs raw socket reader, minimal line (n=" + reps + ")", "ms",
                            new Samples(netloomMs), new Samples(rawMs), Target.ratioAtMost(MAX_RATIO_TO_MINIMAL), true),
                    new Figure(name(), "`true` round trip: QemuNode.exec vs raw reader typing netloom's line", "ms",
                            new Samples(netloomMs), new Samples(rawFramedMs), null, true),
                    new Figure(name(), "`true` round trip: QemuNode.exec vs raw reader, minimal line in a subshell `(true)`", "ms",
                            new Samples(netloomMs), new Samples(rawSubshellMs), null, true),
                    new Figure(name(), "`true` round trip: QemuNode.exec vs raw reader typing the framed line of before", "ms",
                            new Samples(netloomMs), new Samples(rawFormerMs), null, true),
                    new Figure(name(), "`true` round trip: QemuNode.exec vs raw reader typing netloom's subshell line `$_n`", "ms",
                            new Samples(netloomMs), new Samples(rawSubshellFramedMs), null, true),
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

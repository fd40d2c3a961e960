package dev.netloom.bench;

import dev.netloom.capture.LinkCapture;
import dev.netloom.lab.Lab;
import dev.netloom.nodes.ExecResult;
import dev.netloom.nodes.NetloomException;
import dev.netloom.impairment.Impairment;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * fidelity: whether the link a user configures is the link the guests see. On a lab of two tiny nodes
 * a - b, each impairment is set at runtime through Lab.setImpairment (whichever engine the lab uses:
 * on the host with host netem, else in the guests) and measured from the guests: delay with ping,
 * loss over 1000 pings, rate with iperf3, and how soon a change takes effect after the call; and that
 * a capture running on the link leaves its delay as it was.
 */
final class FidelityBench implements Benchmark {

    static final Duration STEP = Duration.ofSeconds(90);
    static final int DELAY_MS = 50;
    static final double LOSS_PERCENT = 10;
    static final int LOSS_PINGS = 1000;
    static final long RATE_BPS = 5_000_000;
    static final int CHANGE_DELAY_MS = 200;
    static final int LOOP_INTERVAL_MS = 20;

    private static final Pattern RTT = Pattern.compile("seq=(\\d+) ttl=\\d+ time=([0-9.]+) ms");
    private static final Pattern RECEIVED = Pattern.compile("(\\d+) packets transmitted, (\\d+) packets received");
    private static final Pattern RECEIVER = Pattern.compile("([0-9.]+) Mbits/sec.*receiver");

    @Override
    public String name() {
        return "fidelity";
    }

    @Override
    public String description() {
        return "configured delay, loss and rate vs what ping and iperf3 measure between two nodes; time for a change to take effect";
    }

    @Override
    public List<Figure> run(BenchContext ctx) throws Exception {
        String name = BenchLab.name("fi", 0);
        Lab lab = ctx.running(BenchLab.up(ctx, BenchLab.scenario("""
                {"name": "%s", "defaults": {"image": "tiny", "memory": "96M"}, "nodes": ["a", "b"],
                 "links": [{"between": ["a", "b"]}], "routing": "static"}
                """.formatted(name))));
        try {
            List<Figure> figures = new ArrayList<>();
            int reps = ctx.quick() ? 3 : 5;
            ping(lab, "ping -c 3 -W 2 b"); // ARP
            List<Double> plain = rtts(lab, 20);
            set(lab, null, new Impairment(Duration.ofMillis(DELAY_MS), null, null, null, null, null, null));
            String engine = lab.engines().values().iterator().next().replace('-', ' ');
            ctx.say("fidelity: impairments through the " + engine + " engine");
            List<Double> delayed = rtts(lab, 20);
            figures.add(new Figure(name(), "delay " + DELAY_MS + " ms each way (" + engine + "): ping RTT vs RTT without impairment"
                    + " (expected +" + 2 * DELAY_MS + " ms)", "ms", new Samples(delayed), new Samples(plain),
                    Target.aboveBaselineAtMost(2 * DELAY_MS + 10), false));

            // the same delay with a capture of the link running (both taps, pcapng to nowhere) and without, in
            // alternating rounds so that the host's load drifts over both alike: capturing must not change it
            List<Double> captured = new ArrayList<>();
            List<Double> uncaptured = new ArrayList<>();
            long frames = 0;
            for (int round = 0; round < reps; round++) {
                uncaptured.addAll(rtts(lab, 10));
                LinkCapture capture = lab.capture(lab.plan().segments().get(0).name(), null, null, LinkCapture.Format.PCAPNG, 0, null,
                        b -> { });
                try {
                    captured.addAll(rtts(lab, 10));
                } finally {
                    capture.close();
                }
                frames += capture.frames();
            }
            ctx.say(String.format(Locale.ROOT, "fidelity: captures wrote %d frames while %d pings ran", frames, captured.size()));
            if (frames < 2L * captured.size()) {
                throw new NetloomException("fidelity: the captures saw " + frames + " frames of " + captured.size() + " pings and their replies");
            }
            figures.add(new Figure(name(), "delay " + DELAY_MS + " ms each way with a capture running on the link (netloom capture,"
                    + " both taps): ping RTT vs the same link without capture, alternating rounds", "ms", new Samples(captured),
                    new Samples(uncaptured), Target.aboveBaselineAtMost(2), false));

            set(lab, null, Impairment.NONE);
            set(lab, "a->b", new Impairment(null, null, LOSS_PERCENT, null, null, null, null));
            String out = ping(lab, "ping -q -c " + LOSS_PINGS + " -i 0.01 -W 1 b");
            Matcher m = RECEIVED.matcher(out);
            if (!m.find()) {
                throw new NetloomException("fidelity: no ping summary in: " + out.strip());
            }
            int sent = Integer.parseInt(m.group(1));
            int lost = sent - Integer.parseInt(m.group(2));
            double[] ci = wilson(lost, sent);
            ctx.say(String.format(Locale.ROOT, "fidelity: %d of %d pings lost, 95%% CI %.1f-%.1f%%", lost, sent, 100 * ci[0], 100 * ci[1]));
            figures.add(new Figure(name(), String.format(Locale.ROOT, "loss %s%% a->b: measured over %d pings (95%% Wilson CI %.1f-%.1f%%)"
                            + " vs configured", Report.limit(LOSS_PERCENT), sent, 100 * ci[0], 100 * ci[1]), "%",
                    Samples.of(100.0 * lost / sent), Samples.of(LOSS_PERCENT), null, false));

            set(lab, null, Impairment.NONE);
            lab.exec("b", "iperf3 -s -D", STEP);
            List<Double> open = new ArrayList<>();
            List<Double> shaped = new ArrayList<>();
            open.add(iperf(lab));
            set(lab, "a->b", new Impairment(null, null, null, RATE_BPS, null, null, null));
            for (int i = 0; i < (ctx.quick() ? 1 : 3); i++) {
                shaped.add(iperf(lab));
            }
            ctx.say(String.format(Locale.ROOT, "fidelity: iperf3 a->b %.1f Mbit/s unshaped, %s shaped", open.get(0), shaped));
            figures.add(new Figure(name(), "rate 5mbit a->b: iperf3 TCP throughput (5 s) vs configured rate", "Mbit/s",
                    new Samples(shaped), Samples.of(RATE_BPS / 1e6), Target.ratioAtLeast(0.9), false));
            figures.add(new Figure(name(), "no rate limit: iperf3 TCP throughput (what the guests reach here) vs 5 Mbit/s", "Mbit/s",
                    new Samples(open), Samples.of(RATE_BPS / 1e6), null, false));
            set(lab, null, Impairment.NONE);

            List<Double> effect = new ArrayList<>();
            List<Double> call = new ArrayList<>();
            for (int i = 0; i < reps; i++) {
                double[] t = change(lab);
                effect.add(t[0]);
                call.add(t[1]);
                ctx.say(String.format(Locale.ROOT, "fidelity: change %d/%d: in effect after %.0f ms, call returned after %.0f ms",
                        i + 1, reps, t[0], t[1]));
            }
            figures.add(new Figure(name(), "delay 0 -> " + CHANGE_DELAY_MS + " ms: call to the first ping that shows it (ping every "
                    + LOOP_INTERVAL_MS + " ms) vs the call's return", "ms", new Samples(effect), new Samples(call), null, false));
            return figures;
        } finally {
            ctx.stopped(lab);
        }
    }

    private static void set(Lab lab, String direction, Impairment imp) {
        lab.setImpairment(lab.plan().segments().get(0).name(), direction, imp);
    }

    private static String ping(Lab lab, String command) {
        ExecResult r = lab.exec("a", command, STEP);
        return r.output();
    }

    /** {@code count} RTTs from a to b, 0.2 s apart. */
    private static List<Double> rtts(Lab lab, int count) {
        String out = ping(lab, "ping -c " + count + " -i 0.2 -W 2 b");
        List<Double> ms = new ArrayList<>();
        Matcher m = RTT.matcher(out);
        while (m.find()) {
            ms.add(Double.parseDouble(m.group(2)));
        }
        if (ms.size() < count / 2) {
            throw new NetloomException("fidelity: only " + ms.size() + " of " + count + " pings answered: " + out.strip());
        }
        return ms;
    }

    /** iperf3 from a to b for 5 s: the receiver's throughput in Mbit/s. */
    private static double iperf(Lab lab) {
        ExecResult r = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            // the server daemonises before it listens: a refused first connection is retried
            r = lab.exec("a", "iperf3 -c b -t 5 -f m", STEP);
            Matcher m = RECEIVER.matcher(r.output());
            if (r.exitCode() == 0 && m.find()) {
                return Double.parseDouble(m.group(1));
            }
        }
        throw new NetloomException("fidelity: iperf3 failed: " + r.output().strip());
    }

    /**
     * {from the call to the first ping that shows the change, the call itself} in ms. A ping loop runs
     * in the background on a (one ping every LOOP_INTERVAL_MS); b's console makes the call's effect
     * independent of a's console queue. The host time of ping k is the loop's start plus k intervals.
     */
    private static double[] change(Lab lab) {
        lab.exec("a", "ping -i 0." + String.format("%02d", LOOP_INTERVAL_MS / 10) + " -W 2 b >/tmp/loop.txt 2>&1 & echo $! >/tmp/loop.pid",
                STEP);
        long started = System.nanoTime();
        // let the loop run a few intervals with the old setting
        waitFor(lab, "[ $(grep -c time= /tmp/loop.txt) -ge 5 ]");
        long t0 = System.nanoTime();
        set(lab, null, new Impairment(Duration.ofMillis(CHANGE_DELAY_MS), null, null, null, null, null, null));
        long t1 = System.nanoTime();
        waitFor(lab, "awk -F'time=' '/time=/ {split($2, a, \" \"); if (a[1] >= " + CHANGE_DELAY_MS + ") f = 1} END {exit !f}' /tmp/loop.txt");
        String out = lab.exec("a", "kill $(cat /tmp/loop.pid); cat /tmp/loop.txt; rm -f /tmp/loop.txt /tmp/loop.pid", STEP).output();
        set(lab, null, Impairment.NONE);
        Matcher m = RTT.matcher(out);
        while (m.find()) {
            if (Double.parseDouble(m.group(2)) >= CHANGE_DELAY_MS) {
                long seq = Long.parseLong(m.group(1));
                double sentMs = (started - t0) / 1e6 + seq * LOOP_INTERVAL_MS;
                return new double[]{Math.max(0, sentMs), (t1 - t0) / 1e6};
            }
        }
        throw new NetloomException("fidelity: no ping showed the " + CHANGE_DELAY_MS + " ms delay: " + out.strip());
    }

    /** Polls {@code test} on a until it succeeds (a console round trip each; bounded). */
    private static void waitFor(Lab lab, String test) {
        long deadline = System.nanoTime() + STEP.toNanos();
        while (System.nanoTime() < deadline) {
            if (lab.exec("a", test, STEP).exitCode() == 0) {
                return;
            }
        }
        throw new NetloomException("fidelity: `" + test + "` never held within " + STEP.toSeconds() + " s");
    }

    /** The 95% Wilson score interval for {@code k} successes in {@code n} trials. */
    static double[] wilson(int k, int n) {
        double z = 1.959964;
        double p = (double) k / n;
        double denom = 1 + z * z / n;
        double centre = (p + z * z / (2.0 * n)) / denom;
        double half = z * Math.sqrt(p * (1 - p) / n + z * z / (4.0 * n * n)) / denom;
        return new double[]{Math.max(0, centre - half), Math.min(1, centre + half)};
    }
}

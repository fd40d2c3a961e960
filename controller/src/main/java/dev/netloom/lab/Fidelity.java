package dev.netloom.lab;

import dev.netloom.impairment.Impairment;
import dev.netloom.nodes.ExecResult;
import dev.netloom.scenario.Check;
import dev.netloom.topology.SegmentPlan;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The fidelity check: measures one direction of a link from its two guests and compares it with what
 * it should be. Delay and loss come from pings from the sender to the receiver's address on that link;
 * a ping is a round trip, so the other direction's configured delay and loss are taken out. The rate
 * comes from an iperf3 UDP test from sender to receiver, offered a quarter above the expected rate, so
 * that a link faster than expected shows too.
 */
final class Fidelity {

    /** An echo request of ping's default 56 data bytes on the wire: ICMP 8, IPv4 20, Ethernet 14 (what netem and TBF count). */
    static final int PING_FRAME_BYTES = 98;
    static final int UDP_PAYLOAD_BYTES = 1400;
    /** UDP 8, IPv4 20 and Ethernet 14 bytes around each datagram's payload: the rate a link shapes is the wire rate. */
    static final int UDP_OVERHEAD_BYTES = 42;
    /** How far above the expected rate iperf3 sends. */
    static final double OFFER = 1.25;
    static final int IPERF_PORT = 5291;
    static final String IPERF_PIDFILE = "/tmp/netloom-iperf3.pid";
    /** iperf3 tries: its server daemonises before it listens, and a lost handshake packet ends a test. */
    static final int IPERF_TRIES = 3;

    private Fidelity() {
    }

    /** A rate measurement: the receiver's report, or why there is none. */
    record Rate(IperfReport report, String problem) {
    }

    static Checks.Outcome run(LabActions lab, Check.Fidelity f) {
        SegmentPlan link = lab.plan().segment(f.link());
        String[] ends = f.direction().split("->", 2);
        Impairment configured = lab.impairment(f.link(), f.direction());
        Impairment reverse = lab.impairment(f.link(), ends[1] + "->" + ends[0]);
        Impairment expected = expected(configured, f.expect());
        String address = link.member(ends[1]).ip();
        String ping = pingCommand(f, address, expected, reverse);
        ExecResult pinged = lab.exec(ends[0], ping, pingTimeout(f, expected, reverse));
        Rate rate = expected.rateBps() == null ? null : rate(lab, ends[0], ends[1], address, f, expected.rateBps(), configured);
        return judge(f, expected, reverse, PingReport.parse(pinged.output()), rate);
    }

    /** The configured delay, loss and rate of the direction, with the check's own expectations in their place. */
    static Impairment expected(Impairment configured, Impairment expect) {
        return new Impairment(expect.delay() != null ? expect.delay() : configured.delay(), null,
                expect.lossPercent() != null ? expect.lossPercent() : configured.lossPercent(),
                expect.rateBps() != null ? expect.rateBps() : configured.rateBps(), null, null, null);
    }

    /** Two pings to learn the neighbour's address (so no sample waits for ARP), then the samples. */
    static String pingCommand(Check.Fidelity f, String address, Impairment expected, Impairment reverse) {
        long wait = waitSeconds(expected, reverse);
        long deadline = (long) Math.ceil(f.samples() * f.interval().toNanos() / 1e9) + wait + 2;
        return "ping -c 2 -i 0.2 -W " + wait + " " + address + " >/dev/null 2>&1; ping -c " + f.samples() + " -i "
                + seconds(f.interval()) + " -W " + wait + " -w " + deadline + " " + address;
    }

    /** How long ping waits for the last replies: a second more than twice the expected round trip. */
    static long waitSeconds(Impairment expected, Impairment reverse) {
        double rttMs = ms(expected.delay()) + ms(reverse.delay()) + ms(reverse.jitter());
        return 1 + (long) Math.ceil(2 * rttMs / 1000);
    }

    private static Duration pingTimeout(Check.Fidelity f, Impairment expected, Impairment reverse) {
        return f.interval().multipliedBy(f.samples()).plusSeconds(2 * waitSeconds(expected, reverse) + 30);
    }

    /** iperf3 UDP from {@code from} to {@code to}'s address on the link, its server started on {@code to} for each try. */
    private static Rate rate(LabActions lab, String from, String to, String address, Check.Fidelity f, long expectedBps, Impairment configured) {
        double lossFraction = Math.min(0.9, configured.lossPercent() == null ? 0 : configured.lossPercent() / 100);
        long offer = (long) Math.ceil(expectedBps * OFFER / (1 - lossFraction));
        Duration timeout = f.rateTime().plusSeconds(30);
        String problem = "";
        try {
            for (int i = 0; i < IPERF_TRIES; i++) {
                ExecResult server = lab.exec(to, stopServer() + "; iperf3 -s -1 -D -p " + IPERF_PORT + " -I " + IPERF_PIDFILE, timeout);
                if (server.exitCode() != 0) {
                    return new Rate(null, "iperf3 server on " + to + " exited " + server.exitCode() + ": " + lastLine(server.output()));
                }
                ExecResult client = lab.exec(from, iperfClient(address, offer, f.rateTime()), timeout);
                Optional<IperfReport> report = IperfReport.parse(client.output());
                if (report.isPresent()) {
                    return new Rate(report.get(), null);
                }
                problem = "iperf3 on " + from + " exited " + client.exitCode() + ": " + lastLine(client.output());
            }
            return new Rate(null, problem);
        } finally {
            try {
                lab.exec(to, stopServer(), timeout);
            } catch (RuntimeException e) {
                // the node went away: its server with it; the measurement's own outcome stands
            }
        }
    }

    static String iperfClient(String address, long offerBps, Duration time) {
        return "iperf3 -c " + address + " -p " + IPERF_PORT + " -u -b " + offerBps + " -l " + UDP_PAYLOAD_BYTES + " -t "
                + Math.max(1, time.toSeconds()) + " -f k --connect-timeout 3000 2>&1";
    }

    private static String stopServer() {
        return "if [ -f " + IPERF_PIDFILE + " ]; then kill $(cat " + IPERF_PIDFILE + ") 2>/dev/null; rm -f " + IPERF_PIDFILE + "; fi";
    }

    /**
     * The verdict, from what was measured (pure). Delay: the median round trip less the other
     * direction's delay and both directions' time to send a ping at their rates, within the tolerance
     * of the expected delay. Loss: the round trip's 95% Wilson interval, turned into an interval of this
     * direction's loss given the other direction's, must come within the tolerance of the expected loss.
     * Rate: the receiver's rate on the wire within the tolerance of the expected rate.
     */
    static Checks.Outcome judge(Check.Fidelity f, Impairment expected, Impairment reverse, PingReport ping, Rate rate) {
        List<Figure> figures = new ArrayList<>();
        List<String> parts = new ArrayList<>();
        boolean ok = true;
        if (!ping.hasStatistics() || ping.sent() == 0) {
            return new Checks.Outcome(false, "ping from " + f.direction() + " failed: " + ping.describe(), figures);
        }
        figures.add(new Figure("pings.sent", ping.sent(), "packets"));
        figures.add(new Figure("pings.received", ping.received(), "packets"));

        double expectedDelay = ms(expected.delay());
        if (ping.rtts().isEmpty()) {
            ok = false;
            parts.add("delay not measured: no ping came back");
        } else {
            Stats.Summary rtt = Stats.summary(ping.rtts());
            double delay = rtt.median() - ms(reverse.delay()) - sendMs(expected.rateBps()) - sendMs(reverse.rateBps());
            double tolerance = f.tolerance().delayMs(expectedDelay);
            boolean delayOk = Math.abs(delay - expectedDelay) <= tolerance;
            ok &= delayOk;
            figures.add(new Figure("delay", delay, "ms"));
            figures.add(new Figure("delay.expected", expectedDelay, "ms"));
            figures.add(new Figure("rtt.median", rtt.median(), "ms"));
            figures.add(new Figure("rtt.min", rtt.min(), "ms"));
            figures.add(new Figure("rtt.max", rtt.max(), "ms"));
            figures.add(new Figure("rtt.stddev", Stats.stddev(ping.rtts()), "ms"));
            parts.add(verdict(delayOk) + "delay " + Checks.number(delay) + " ms (expected " + Checks.number(expectedDelay) + " ms ± "
                    + Checks.number(tolerance) + " ms)");
        }

        double expectedLoss = expected.lossPercent() == null ? 0 : expected.lossPercent();
        double reverseKept = 1 - (reverse.lossPercent() == null ? 0 : reverse.lossPercent() / 100);
        if (reverseKept <= 0) {
            ok = false;
            parts.add("loss not measured: the other direction loses every reply");
        } else {
            Stats.Interval roundTrip = Stats.wilson(ping.received(), ping.sent());
            double loss = clamp(1 - (double) ping.received() / ping.sent() / reverseKept) * 100;
            double low = clamp(1 - roundTrip.high() / reverseKept) * 100;
            double high = clamp(1 - roundTrip.low() / reverseKept) * 100;
            double points = f.tolerance().lossPoints();
            boolean lossOk = expectedLoss >= low - points && expectedLoss <= high + points;
            ok &= lossOk;
            figures.add(new Figure("loss", loss, "%"));
            figures.add(new Figure("loss.low", low, "%"));
            figures.add(new Figure("loss.high", high, "%"));
            figures.add(new Figure("loss.expected", expectedLoss, "%"));
            parts.add(verdict(lossOk) + "loss " + Checks.number(loss) + "% (95% CI " + Checks.number(low) + "-" + Checks.number(high)
                    + "% over " + ping.sent() + " pings; expected " + Checks.number(expectedLoss) + "% ± " + Checks.number(points) + " pt)");
        }

        if (expected.rateBps() != null) {
            double expectedMbit = expected.rateBps() / 1e6;
            if (rate == null || rate.report() == null) {
                ok = false;
                parts.add("FAIL rate not measured: " + (rate == null ? "no measurement" : rate.problem()));
            } else {
                double payload = rate.report().bitsPerSecond();
                double wire = payload * (UDP_PAYLOAD_BYTES + UDP_OVERHEAD_BYTES) / UDP_PAYLOAD_BYTES;
                double tolerance = f.tolerance().rateBps(expected.rateBps());
                boolean rateOk = Math.abs(wire - expected.rateBps()) <= tolerance;
                ok &= rateOk;
                figures.add(new Figure("rate", wire / 1e6, "Mbit/s"));
                figures.add(new Figure("rate.expected", expectedMbit, "Mbit/s"));
                figures.add(new Figure("rate.udp", payload / 1e6, "Mbit/s"));
                parts.add(verdict(rateOk) + "rate " + Checks.number(wire / 1e6) + " Mbit/s (expected " + Checks.number(expectedMbit)
                        + " Mbit/s ± " + Checks.number(tolerance / 1e6) + " Mbit/s; iperf3 UDP " + Checks.number(payload / 1e6) + " Mbit/s of payload)");
            }
        }
        return new Checks.Outcome(ok, String.join("; ", parts), figures);
    }

    private static String verdict(boolean ok) {
        return ok ? "" : "FAIL ";
    }

    /** The time to send one ping frame at {@code bps}, in ms (0 without a rate). */
    static double sendMs(Long bps) {
        return bps == null || bps == 0 ? 0 : PING_FRAME_BYTES * 8 * 1000.0 / bps;
    }

    private static double ms(Duration d) {
        return d == null ? 0 : d.toNanos() / 1e6;
    }

    private static double clamp(double fraction) {
        return Math.max(0, Math.min(1, fraction));
    }

    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.3f", d.toNanos() / 1e9);
    }

    private static String lastLine(String output) {
        return output.strip().lines().reduce((a, b) -> b).orElse("no output").strip();
    }
}

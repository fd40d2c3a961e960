package dev.netloom.lab;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a ping printed, read back: packets sent and received and every reply's round trip. Reads
 * BusyBox's ping (the tiny image) and iputils' (Debian images).
 *
 * @param sent     packets transmitted, or -1 when ping printed no statistics (it could not send at all)
 * @param received packets received (duplicates not counted)
 * @param rtts     the round trip of every reply, in ms, in order
 * @param problem  the last line of the output when it has no statistics (e.g. "sendto: Network is unreachable")
 */
public record PingReport(int sent, int received, List<Double> rtts, String problem) {

    private static final Pattern COUNTS = Pattern.compile("(\\d+) packets transmitted, (\\d+) (?:packets )?received");
    private static final Pattern REPLY = Pattern.compile("time=([0-9]+(?:\\.[0-9]+)?) ?ms");

    public PingReport {
        rtts = List.copyOf(rtts);
    }

    public static PingReport parse(String output) {
        List<Double> rtts = new ArrayList<>();
        for (String line : output.lines().toList()) {
            Matcher m = REPLY.matcher(line);
            if (m.find() && !line.contains("DUP!")) {
                rtts.add(Double.parseDouble(m.group(1)));
            }
        }
        Matcher counts = COUNTS.matcher(output);
        if (!counts.find()) {
            String last = output.strip().lines().reduce((a, b) -> b).orElse("no output").strip();
            return new PingReport(-1, rtts.size(), rtts, last);
        }
        return new PingReport(Integer.parseInt(counts.group(1)), Integer.parseInt(counts.group(2)), rtts, null);
    }

    public boolean hasStatistics() {
        return sent >= 0;
    }

    /** Lost packets in percent of those sent (100 when none could be sent). */
    public double lossPercent() {
        return sent <= 0 ? 100 : 100.0 * (sent - received) / sent;
    }

    /** "3/3 replies, 0% loss, rtt min/avg/max 0.51/0.70/1.02 ms", or the problem. */
    public String describe() {
        if (!hasStatistics()) {
            return "no statistics: " + problem;
        }
        String s = received + "/" + sent + " replies, " + Checks.number(lossPercent()) + "% loss";
        if (!rtts.isEmpty()) {
            s += ", rtt min/avg/max " + Checks.number(Stats.summary(rtts).min()) + "/" + Checks.number(Stats.mean(rtts)) + "/"
                    + Checks.number(Stats.summary(rtts).max()) + " ms";
        }
        return s;
    }
}

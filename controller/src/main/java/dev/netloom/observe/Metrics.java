package dev.netloom.observe;

import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * A lab's counters in Prometheus' text exposition format (version 0.0.4), with stable names: every
 * name starts with {@code netloom_}, counters end in {@code _total}, and the labels are {@code lab},
 * {@code node}, {@code link}, {@code kind} (link or lan) and {@code direction} ("a->b").
 */
public final class Metrics {

    /** The Content-Type of the page. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private record Family<T>(String name, String type, String help, ToDoubleFunction<T> value) {
    }

    private static final List<Family<LinkCounters.Direction>> LINK = List.of(
            new Family<>("netloom_link_packets_total", "counter", "Packets that entered the link in this direction (received by the sender's tap).", LinkCounters.Direction::packets),
            new Family<>("netloom_link_bytes_total", "counter", "Bytes that entered the link in this direction.", LinkCounters.Direction::bytes),
            new Family<>("netloom_link_delivered_packets_total", "counter", "Packets delivered to the receiver's tap in this direction.", LinkCounters.Direction::delivered),
            new Family<>("netloom_link_delivered_bytes_total", "counter", "Bytes delivered to the receiver's tap in this direction.", LinkCounters.Direction::deliveredBytes),
            new Family<>("netloom_link_drops_total", "counter", "Packets dropped on the host in this direction (taps and the receiver's qdisc).", LinkCounters.Direction::drops),
            new Family<>("netloom_link_backlog_packets", "gauge", "Packets waiting in the receiver's qdisc.", LinkCounters.Direction::backlogPackets),
            new Family<>("netloom_link_backlog_bytes", "gauge", "Bytes waiting in the receiver's qdisc.", LinkCounters.Direction::backlogBytes));

    private static final List<Family<NodeUsage>> NODE = List.of(
            new Family<>("netloom_node_cpu_seconds_total", "counter", "CPU time of the node's QEMU process, all threads, user and system.", NodeUsage::cpuSeconds),
            new Family<>("netloom_node_resident_bytes", "gauge", "Resident memory of the node's QEMU process.", u -> u.rssBytes()),
            new Family<>("netloom_node_pss_bytes", "gauge", "Proportional set size of the node's QEMU process (shared pages split between their users).", u -> u.pssBytes()),
            new Family<>("netloom_node_ready", "gauge", "1 when the node is READY, else 0.", u -> "READY".equals(u.state()) ? 1 : 0));

    private Metrics() {
    }

    /** The page for these readings (one per lab), each family once with every lab's samples. */
    public static String page(List<LabStats> labs) {
        StringBuilder out = new StringBuilder();
        for (Family<LinkCounters.Direction> f : LINK) {
            family(out, f);
            for (LabStats s : labs) {
                for (LinkCounters.Direction d : s.links()) {
                    sample(out, f.name(), labels("lab", s.lab(), "link", d.link(), "kind", d.kind(), "direction", d.direction()), f.value().applyAsDouble(d));
                }
            }
        }
        for (Family<NodeUsage> f : NODE) {
            family(out, f);
            for (LabStats s : labs) {
                for (NodeUsage u : s.nodes()) {
                    sample(out, f.name(), labels("lab", s.lab(), "node", u.node()), f.value().applyAsDouble(u));
                }
            }
        }
        return out.toString();
    }

    private static void family(StringBuilder out, Family<?> f) {
        out.append("# HELP ").append(f.name()).append(' ').append(f.help()).append('\n');
        out.append("# TYPE ").append(f.name()).append(' ').append(f.type()).append('\n');
    }

    private static void sample(StringBuilder out, String name, String labels, double value) {
        out.append(name).append('{').append(labels).append("} ").append(number(value)).append('\n');
    }

    private static String labels(String... keysAndValues) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (i > 0) {
                b.append(',');
            }
            b.append(keysAndValues[i]).append("=\"").append(escape(keysAndValues[i + 1])).append('"');
        }
        return b.toString();
    }

    /** A label value as the format writes it: backslash, double quote and line feed escaped. */
    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /** An integer without a fraction, else the shortest form Java gives. */
    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%s", v);
    }
}

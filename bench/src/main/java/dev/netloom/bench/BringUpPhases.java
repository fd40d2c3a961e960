package dev.netloom.bench;

import dev.netloom.lab.LabEvent;
import dev.netloom.nodes.NodeState;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A lab's bring-up phase by phase, read from its events as they come: the lab's claim (journal,
 * memory reservation), the fabric (namespace, taps, redirects, bridges, host impairments), and per
 * node the wait for a boot slot, admission (memory headroom, QEMU started), the boot (STARTING to
 * READY) and the configuration over the console (every time, and the bytes it typed, from the node's configured event).
 */
final class BringUpPhases implements Consumer<LabEvent> {

    private static final Pattern CONFIGURED = Pattern.compile(
            "boot slot after (\\d+) ms, admission (\\d+) ms, boot (\\d+) ms, configuration (\\d+) ms(?:, (\\d+) bytes typed)?");
    /** A fork's READY event: "ready in 1250 ms: console 120, restored 310, shell 900, identity 1250 ms after launch". */
    private static final Pattern STEP = Pattern.compile("(\\w+) (\\d+)(?=,| ms after launch)");

    private final Instant start = Instant.now();
    private volatile Instant claimed;
    private volatile Instant fabricStart;
    private volatile Instant firstNode;
    private final Map<String, long[]> nodes = new ConcurrentHashMap<>();
    private final Map<String, List<Double>> steps = new ConcurrentHashMap<>();
    private volatile Instant lastReady;
    private volatile java.util.function.ToLongFunction<String> pidOf = name -> -1;
    private final Map<String, Double> cpuAtReady = new ConcurrentHashMap<>();
    private final Map<String, Double> cpuConfiguring = new ConcurrentHashMap<>();

    /** Reads each node's QEMU CPU at its READY and its configured events from now on; {@code pidOf} gives a node's QEMU pid, or -1. */
    void readCpuOf(java.util.function.ToLongFunction<String> pidOf) {
        this.pidOf = pidOf;
    }

    private double cpuMs(String node) {
        long pid = pidOf.applyAsLong(node);
        return pid <= 0 ? Double.NaN : HostCpu.processSeconds(pid) * 1000;
    }

    @Override
    public void accept(LabEvent e) {
        if (e.kind() == LabEvent.Kind.LAB && e.detail().startsWith("memory:") && claimed == null) {
            claimed = e.at();
        } else if (e.kind() == LabEvent.Kind.LAB && e.detail().startsWith("creating namespace") && fabricStart == null) {
            fabricStart = e.at();
        } else if (e.kind() == LabEvent.Kind.NODE && e.state() == NodeState.STARTING && firstNode == null) {
            firstNode = e.at();
        } else if (e.kind() == LabEvent.Kind.NODE && e.state() == NodeState.READY) {
            lastReady = e.at();
            cpuAtReady.put(e.subject(), cpuMs(e.subject()));
            if (e.detail().contains("after launch")) {
                Matcher m = STEP.matcher(e.detail().substring(e.detail().indexOf(':') + 1));
                while (m.find()) {
                    steps.computeIfAbsent(m.group(1), k -> java.util.Collections.synchronizedList(new ArrayList<>())).add(Double.parseDouble(m.group(2)));
                }
            }
        } else if (e.kind() == LabEvent.Kind.NODE_CONFIGURED) {
            Double atReady = cpuAtReady.get(e.subject());
            if (atReady != null) {
                cpuConfiguring.put(e.subject(), cpuMs(e.subject()) - atReady);
            }
            Matcher m = CONFIGURED.matcher(e.detail());
            if (m.find()) {
                nodes.put(e.subject(), new long[]{Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                        Long.parseLong(m.group(4)), m.group(5) == null ? -1 : Long.parseLong(m.group(5))});
            }
        }
    }

    /** Start to the claim's event: the plan, the journal and the lab's memory reservation. */
    double claimMs() {
        return claimed == null ? Double.NaN : Duration.between(start, claimed).toNanos() / 1e6;
    }

    /** The namespace's event to the first node's start (which includes that node's admission, a few ms). */
    double fabricMs() {
        return fabricStart == null || firstNode == null ? Double.NaN : Duration.between(fabricStart, firstNode).toNanos() / 1e6;
    }

    Samples slotWait() {
        return column(0);
    }

    Samples admission() {
        return column(1);
    }

    Samples boot() {
        return column(2);
    }

    Samples configuration() {
        return column(3);
    }

    /** The first node's start to the last node's READY (before its configuration). */
    double startsMs() {
        return firstNode == null || lastReady == null ? Double.NaN : Duration.between(firstNode, lastReady).toNanos() / 1e6;
    }

    /** A fork's steps, each as ms from its QEMU's launch (median / p90), or "" when no node forked. */
    String forkSteps() {
        StringBuilder out = new StringBuilder();
        for (String step : List.of("console", "restored", "shell", "identity")) {
            List<Double> v = steps.get(step);
            if (v != null && !v.isEmpty()) {
                Samples s = new Samples(new ArrayList<>(v));
                out.append(out.isEmpty() ? "fork steps after launch (median / p90): " : ", ")
                        .append(String.format("%s %.0f / %.0f ms", step, s.median(), s.percentile(90)));
            }
        }
        return out.toString();
    }

    /** The bytes each node's configuration typed into its console (NaN where the event does not say). */
    Samples typedBytes() {
        List<Double> out = new ArrayList<>();
        nodes.values().forEach(v -> out.add(v[4] < 0 ? Double.NaN : (double) v[4]));
        return out.isEmpty() ? Samples.of(Double.NaN) : new Samples(out);
    }

    int configured() {
        return nodes.size();
    }

    private Samples column(int i) {
        List<Double> out = new ArrayList<>();
        nodes.values().forEach(v -> out.add((double) v[i]));
        return out.isEmpty() ? Samples.of(Double.NaN) : new Samples(out);
    }

    String describe(int n) {
        return String.format("claim %.0f ms, fabric %.0f ms (%.2f ms per node); per node (median / p90 / max, %d nodes): "
                        + "admission %.0f / %.0f / %.0f ms, boot %.0f / %.0f / %.0f ms, configuration %.0f / %.0f / %.0f ms (%.0f / %.0f / %.0f bytes typed),"
                        + " boot slot wait %.0f / %.0f / %.0f ms",
                claimMs(), fabricMs(), fabricMs() / n, configured(),
                admission().median(), admission().percentile(90), admission().max(),
                boot().median(), boot().percentile(90), boot().max(),
                configuration().median(), configuration().percentile(90), configuration().max(),
                typedBytes().median(), typedBytes().percentile(90), typedBytes().max(),
                slotWait().median(), slotWait().percentile(90), slotWait().max())
                + String.format("; first start to last READY %.0f ms", startsMs())
                + (forkSteps().isEmpty() ? "" : "; " + forkSteps()) + cpuSummary();
    }

    /** Each QEMU's CPU up to READY and during its configuration (median / p90), when {@link #readCpuOf} was called. */
    private String cpuSummary() {
        List<Double> ready = cpuAtReady.values().stream().filter(v -> !v.isNaN()).toList();
        List<Double> configuring = cpuConfiguring.values().stream().filter(v -> !v.isNaN()).toList();
        if (ready.isEmpty() || configuring.isEmpty()) {
            return "";
        }
        Samples r = new Samples(new ArrayList<>(ready));
        Samples c = new Samples(new ArrayList<>(configuring));
        return String.format("; QEMU CPU per node (median / p90): to READY %.0f / %.0f ms, configuration %.0f / %.0f ms",
                r.median(), r.percentile(90), c.median(), c.percentile(90));
    }
}

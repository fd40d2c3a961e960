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
 * READY) and the configuration over the console (every time from the node's configured event).
 */
final class BringUpPhases implements Consumer<LabEvent> {

    private static final Pattern CONFIGURED = Pattern.compile(
            "boot slot after (\\d+) ms, admission (\\d+) ms, boot (\\d+) ms, configuration (\\d+) ms");

    private final Instant start = Instant.now();
    private volatile Instant claimed;
    private volatile Instant fabricStart;
    private volatile Instant firstNode;
    private final Map<String, long[]> nodes = new ConcurrentHashMap<>();

    @Override
    public void accept(LabEvent e) {
        if (e.kind() == LabEvent.Kind.LAB && e.detail().startsWith("memory:") && claimed == null) {
            claimed = e.at();
        } else if (e.kind() == LabEvent.Kind.LAB && e.detail().startsWith("creating namespace") && fabricStart == null) {
            fabricStart = e.at();
        } else if (e.kind() == LabEvent.Kind.NODE && e.state() == NodeState.STARTING && firstNode == null) {
            firstNode = e.at();
        } else if (e.kind() == LabEvent.Kind.NODE_CONFIGURED) {
            Matcher m = CONFIGURED.matcher(e.detail());
            if (m.find()) {
                nodes.put(e.subject(), new long[]{Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                        Long.parseLong(m.group(4))});
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
                        + "admission %.0f / %.0f / %.0f ms, boot %.0f / %.0f / %.0f ms, configuration %.0f / %.0f / %.0f ms, boot slot wait %.0f / %.0f / %.0f ms",
                claimMs(), fabricMs(), fabricMs() / n, configured(),
                admission().median(), admission().percentile(90), admission().max(),
                boot().median(), boot().percentile(90), boot().max(),
                configuration().median(), configuration().percentile(90), configuration().max(),
                slotWait().median(), slotWait().percentile(90), slotWait().max());
    }
}

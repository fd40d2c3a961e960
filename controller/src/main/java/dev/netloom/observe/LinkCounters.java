package dev.netloom.observe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.netloom.topology.Plan;
import dev.netloom.topology.SegmentPlan;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A lab's traffic counters per link direction, read on the host side: from the taps' statistics
 * ({@code ip -s -j link show}) and the root qdiscs on them ({@code tc -s -j qdisc show}), never from
 * the guests.
 *
 * <p>A tap counts what its guest sends as received (rx) and what is delivered to its guest as sent
 * (tx). So for a link's direction a->b: {@code packets}/{@code bytes} are what a's tap received from a,
 * {@code delivered} is what b's tap passed to b, {@code drops} are the drops of b's tap's root qdisc
 * (where the host engines shape that direction) and of both taps' own counters, and {@code backlog}
 * is what waits in that qdisc. A LAN member has two directions: {@code node->LAN} (what the node sent
 * into the bridge) and {@code LAN->node} (what the bridge delivered to it, with its tap's qdisc).
 * Loss made by the guest engine (netem inside the sender) happens before the tap: it shows as fewer
 * packets sent, not as drops.
 */
public final class LinkCounters {

    /** One direction's counters since its taps were created. */
    public record Direction(String link, String kind, String direction, long packets, long bytes, long delivered,
                            long deliveredBytes, long drops, long backlogPackets, long backlogBytes) {
    }

    /** A tap's own counters (from the host's side). */
    record Tap(long rxPackets, long rxBytes, long rxDropped, long txPackets, long txBytes, long txDropped) {
        static final Tap NONE = new Tap(0, 0, 0, 0, 0, 0);
    }

    /** The root qdisc of a device: what it dropped and what waits in it. */
    record Queue(long drops, long backlogBytes, long backlogPackets) {
        static final Queue NONE = new Queue(0, 0, 0);
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private LinkCounters() {
    }

    /** Every direction of every link and LAN of {@code plan}, from the two tools' JSON output. */
    public static List<Direction> of(Plan plan, String ipLinkJson, String tcQdiscJson) {
        Map<String, Tap> taps = taps(ipLinkJson);
        Map<String, Queue> queues = queues(tcQdiscJson);
        List<Direction> out = new ArrayList<>();
        for (SegmentPlan s : plan.segments()) {
            if (s.kind() == SegmentPlan.Kind.LINK) {
                SegmentPlan.Member a = s.members().get(0);
                SegmentPlan.Member b = s.members().get(1);
                out.add(direction(s, "link", SegmentPlan.direction(a.node(), b.node()), a.tap(), b.tap(), taps, queues));
                out.add(direction(s, "link", SegmentPlan.direction(b.node(), a.node()), b.tap(), a.tap(), taps, queues));
            } else {
                for (SegmentPlan.Member m : s.members()) {
                    Tap t = taps.getOrDefault(m.tap(), Tap.NONE);
                    Queue q = queues.getOrDefault(m.tap(), Queue.NONE);
                    out.add(new Direction(s.name(), "lan", SegmentPlan.direction(m.node(), s.name()), t.rxPackets(), t.rxBytes(),
                            t.rxPackets(), t.rxBytes(), t.rxDropped(), 0, 0));
                    out.add(new Direction(s.name(), "lan", SegmentPlan.direction(s.name(), m.node()), t.txPackets() + t.txDropped() + q.drops(),
                            t.txBytes(), t.txPackets(), t.txBytes(), t.txDropped() + q.drops(), q.backlogPackets(), q.backlogBytes()));
                }
            }
        }
        return out;
    }

    private static Direction direction(SegmentPlan s, String kind, String direction, String fromTap, String toTap,
                                       Map<String, Tap> taps, Map<String, Queue> queues) {
        Tap from = taps.getOrDefault(fromTap, Tap.NONE);
        Tap to = taps.getOrDefault(toTap, Tap.NONE);
        Queue q = queues.getOrDefault(toTap, Queue.NONE);
        return new Direction(s.name(), kind, direction, from.rxPackets(), from.rxBytes(), to.txPackets(), to.txBytes(),
                from.rxDropped() + to.txDropped() + q.drops(), q.backlogPackets(), q.backlogBytes());
    }

    /** Each device's counters from {@code ip -s -j link show} (stats64). */
    static Map<String, Tap> taps(String json) {
        Map<String, Tap> out = new HashMap<>();
        for (JsonNode dev : array(json, "ip -s -j link show")) {
            JsonNode st = dev.path("stats64");
            if (st.isMissingNode()) {
                st = dev.path("stats");
            }
            JsonNode rx = st.path("rx");
            JsonNode tx = st.path("tx");
            out.put(dev.path("ifname").asText(), new Tap(rx.path("packets").asLong(), rx.path("bytes").asLong(), rx.path("dropped").asLong(),
                    tx.path("packets").asLong(), tx.path("bytes").asLong(), tx.path("dropped").asLong()));
        }
        return out;
    }

    /** Each device's root qdisc from {@code tc -s -j qdisc show}: its drops and backlog (those of its children included). */
    static Map<String, Queue> queues(String json) {
        Map<String, Queue> out = new HashMap<>();
        for (JsonNode q : array(json, "tc -s -j qdisc show")) {
            if (q.path("root").asBoolean(false)) {
                out.put(q.path("dev").asText(), new Queue(q.path("drops").asLong(), q.path("backlog").asLong(), q.path("qlen").asLong()));
            }
        }
        return out;
    }

    private static JsonNode array(String json, String tool) {
        try {
            JsonNode n = JSON.readTree(json.isBlank() ? "[]" : json);
            if (!n.isArray()) {
                throw new IllegalArgumentException(tool + " printed no JSON array");
            }
            return n;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(tool + " printed JSON that cannot be read: " + e.getOriginalMessage(), e);
        }
    }
}

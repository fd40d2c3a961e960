package dev.netloom.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netloom.capture.LinkCapture;
import dev.netloom.impairment.Field;
import dev.netloom.impairment.Impairment;
import dev.netloom.lab.LabEvent;
import dev.netloom.nodes.Json;
import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.NodeState;
import dev.netloom.observe.LabStats;
import dev.netloom.observe.LinkCounters;
import dev.netloom.observe.NodeUsage;
import dev.netloom.topology.NodePlan;
import dev.netloom.topology.Plan;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What the coordinator passes between its agents and its clients: events, impairments, capture params, stream bytes, stats put together. */
final class Relay {

    private Relay() {
    }

    /** An agent's stream bytes (read by its client's reader thread) into the coordinator's client's stream. */
    static OutputStream to(LinkCapture.Output out) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                out.write(new byte[]{(byte) b});
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(Arrays.copyOfRange(b, off, off + len));
            }
        };
    }

    /**
     * The lab's reading from its agents' ({@code readings}: host to its lab.stats): each node from its
     * host (FAILED without a reading), each link direction from the host of its sending node, which
     * shapes it (a LAN's directions from its members' host, since a LAN stays on one host).
     */
    static LabStats stats(String lab, Plan plan, Map<String, String> hostOf, Map<String, JsonNode> readings) {
        Map<String, LinkCounters.Direction> links = new LinkedHashMap<>();
        readings.forEach((host, r) -> r.path("links").forEach(l -> {
            String[] ends = l.path("direction").asText().split("->", 2);
            String sender = hostOf.containsKey(ends[0]) ? ends[0] : ends.length > 1 ? ends[1] : ends[0];
            if (host.equals(hostOf.get(sender))) {
                links.put(l.path("link").asText() + " " + l.path("direction").asText(), read(l, LinkCounters.Direction.class));
            }
        }));
        List<NodeUsage> nodes = new ArrayList<>();
        for (NodePlan n : plan.nodes()) {
            JsonNode reading = readings.get(hostOf.get(n.name()));
            NodeUsage usage = null;
            for (JsonNode u : reading == null ? List.<JsonNode>of() : iterable(reading.path("nodes"))) {
                if (u.path("node").asText().equals(n.name())) {
                    usage = read(u, NodeUsage.class);
                }
            }
            nodes.add(usage != null ? usage : new NodeUsage(n.name(), "FAILED", -1, 0, 0, 0));
        }
        return new LabStats(lab, Instant.now(), new ArrayList<>(links.values()), nodes);
    }

    /** An agent's event as the lab's. */
    static LabEvent event(JsonNode e) {
        LabEvent.Kind kind = LabEvent.Kind.LAB;
        for (LabEvent.Kind k : LabEvent.Kind.values()) {
            if (k.key().equals(e.path("kind").asText())) {
                kind = k;
                break;
            }
        }
        NodeState state = e.hasNonNull("state") ? NodeState.valueOf(e.get("state").asText()) : null;
        Instant at = e.hasNonNull("at") ? Instant.parse(e.get("at").asText()) : Instant.now();
        return new LabEvent(at, kind, e.path("subject").asText(), e.path("detail").asText(), state);
    }

    /** An impairment as the API writes it ({"delay": "10ms"}), read back with the fields' own grammar. */
    static Impairment impairment(JsonNode o) {
        Impairment imp = Impairment.NONE;
        for (var it = o.fields(); it.hasNext(); ) {
            var e = it.next();
            Field f = Field.of(e.getKey());
            if (f != null) {
                imp = f.with(imp, f.parse(e.getValue().asText()));
            }
        }
        return imp;
    }

    static JsonNode linkIn(JsonNode list, String name) {
        if (list != null) {
            for (JsonNode l : list) {
                if (l.path("name").asText().equals(name)) {
                    return l;
                }
            }
        }
        return null;
    }

    /** link.capture's params for the agent, from what the coordinator's own link.capture read. */
    static ObjectNode captureParams(String link, String direction, String filter, LinkCapture.Format format, long count, Duration duration) {
        ObjectNode p = Json.MAPPER.createObjectNode().put("link", link).put("format", format.name().toLowerCase(Locale.ROOT));
        if (direction != null) {
            p.put("direction", direction);
        }
        if (filter != null) {
            p.put("filter", filter);
        }
        if (count > 0) {
            p.put("count", count);
        }
        if (duration != null) {
            p.put("duration", duration.toMillis());
        }
        return p;
    }

    private static List<JsonNode> iterable(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    private static <T> T read(JsonNode o, Class<T> type) {
        try {
            return Json.MAPPER.treeToValue(o, type);
        } catch (JsonProcessingException e) {
            throw new NetloomException("an agent's lab.stats has an entry netloom cannot read: " + e.getOriginalMessage(), e);
        }
    }
}

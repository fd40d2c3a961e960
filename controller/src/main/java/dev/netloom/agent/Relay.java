package dev.netloom.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.netloom.capture.LinkCapture;
import dev.netloom.nodes.Json;
import dev.netloom.nodes.NetloomException;
import dev.netloom.observe.LabStats;
import dev.netloom.observe.LinkCounters;
import dev.netloom.observe.NodeUsage;
import dev.netloom.topology.NodePlan;
import dev.netloom.topology.Plan;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the coordinator passes on from its agents as they gave it: stream bytes, and stats readings put together. */
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

package dev.netloom.observe;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netloom.lab.Lab;
import dev.netloom.nodes.Json;
import dev.netloom.nodes.QemuNode;
import dev.netloom.nodes.host.Netns;
import dev.netloom.nodes.host.Proc;
import dev.netloom.topology.NodePlan;
import dev.netloom.topology.Plan;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One reading of a lab's counters: every link direction ({@link LinkCounters}) and every node's QEMU
 * ({@link NodeUsage}). Taking one runs {@code ip} and {@code tc} once each in the lab's namespace,
 * whatever the lab's size, and reads two /proc files per node.
 */
public record LabStats(String lab, Instant at, List<LinkCounters.Direction> links, List<NodeUsage> nodes) {

    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(30);

    public LabStats {
        links = List.copyOf(links);
        nodes = List.copyOf(nodes);
    }

    /** A node as the sampler sees it: its state's name and its QEMU pid (-1 without one). */
    public record NodeProcess(String state, long pid) {
    }

    /** Reads the lab now: the namespace's taps and qdiscs, and each node's process through {@code process}. */
    public static LabStats sample(String lab, Plan plan, Netns namespace, Function<String, NodeProcess> process) {
        Instant at = Instant.now();
        String ip = tool(namespace.tool("ip", List.of("-s", "-j", "link", "show")));
        String tc = tool(namespace.tool("tc", List.of("-s", "-j", "qdisc", "show")));
        List<NodeUsage> nodes = new ArrayList<>();
        for (NodePlan n : plan.nodes()) {
            NodeProcess p = process.apply(n.name());
            nodes.add(NodeUsage.read(n.name(), p.state(), p.pid()));
        }
        return new LabStats(lab, at, LinkCounters.of(plan, ip, tc), nodes);
    }

    private static String tool(List<String> command) {
        Proc.Result r = Proc.run(command, TOOL_TIMEOUT);
        if (!r.ok()) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + Proc.lastLine(r.stderr()));
        }
        return r.stdout();
    }

    /** Reads a running lab now. */
    public static LabStats sample(Lab lab) {
        Netns namespace = lab.netns();
        if (namespace == null) {
            throw new IllegalStateException("lab " + lab.name() + " has no namespace yet");
        }
        return sample(lab.name(), lab.plan(), namespace, name -> {
            QemuNode q = lab.nodes().get(name);
            return q == null ? new NodeProcess("DEFINED", -1) : new NodeProcess(q.state().name(), q.pid());
        });
    }

    /** As JSON: {"lab", "at", "links": [...], "nodes": [...]} with the records' field names. */
    public ObjectNode toJson() {
        ObjectNode out = Json.MAPPER.createObjectNode().put("lab", lab).put("at", at.toString());
        ArrayNode l = out.putArray("links");
        links.forEach(d -> l.add(Json.MAPPER.valueToTree(d)));
        ArrayNode n = out.putArray("nodes");
        nodes.forEach(u -> n.add(Json.MAPPER.valueToTree(u)));
        return out;
    }

    /** The reading of {@code segment}'s {@code direction}, or null. */
    public LinkCounters.Direction link(String segment, String direction) {
        return links.stream().filter(l -> l.link().equals(segment) && l.direction().equals(direction)).findFirst().orElse(null);
    }
}

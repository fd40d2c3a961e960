package dev.netloom.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netloom.api.ApiClient;
import dev.netloom.api.ApiException;
import dev.netloom.api.EventHub;
import dev.netloom.api.LabOps;
import dev.netloom.capture.LinkCapture;
import dev.netloom.impairment.Field;
import dev.netloom.impairment.Impairment;
import dev.netloom.lab.LabEvent;
import dev.netloom.nodes.ExecResult;
import dev.netloom.nodes.Json;
import dev.netloom.nodes.NodeState;
import dev.netloom.observe.LabStats;
import dev.netloom.partition.HostSpec;
import dev.netloom.partition.Partition;
import dev.netloom.scenario.Scenario;
import dev.netloom.topology.NodePlan;
import dev.netloom.topology.Plan;
import dev.netloom.topology.SegmentPlan;
import dev.netloom.topology.Topology;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One lab spread over several hosts, as one lab to its user (docs/scale-out.md): the API's operations
 * go to the agent that owns the node, or to every agent for link changes (routes are recomputed on
 * every node); the agents' events come out as the lab's. An agent whose connection drops is lost:
 * its nodes are FAILED, the others keep running and answering.
 */
public final class Coordinator implements LabOps, AutoCloseable {

    private static final Duration CALL_TIMEOUT = Duration.ofMinutes(5);

    /** One agent: its calls, its events (a connection of their own, whose end means the agent is lost). */
    private static final class Agent {
        final HostSpec host;
        final ApiClient calls;
        final ApiClient events;
        volatile String lost; // why, once lost

        Agent(HostSpec host, ApiClient calls, ApiClient events) {
            this.host = host;
            this.calls = calls;
            this.events = events;
        }
    }

    private final Scenario scenario;
    private final Plan plan;
    private final Partition partition;
    private final Path runDirectory;
    private final EventHub hub;
    private final Map<String, Agent> agents = new LinkedHashMap<>();

    private Coordinator(Scenario scenario, Plan plan, Partition partition, Path runDirectory, EventHub hub) {
        this.scenario = scenario;
        this.plan = plan;
        this.partition = partition;
        this.runDirectory = runDirectory;
        this.hub = hub;
    }

    /**
     * Connects to every agent of {@code scenario} over {@code hosts} (each at its API address, with
     * {@code token}), waiting up to {@code budget} for each, since an agent serves once its part is READY.
     */
    public static Coordinator connect(Scenario scenario, List<HostSpec> hosts, String token, Path runDirectory, EventHub hub, Duration budget) {
        AgentPlan any = AgentPlan.of(scenario, hosts, hosts.get(0).name(), null, null);
        Coordinator c = new Coordinator(scenario, any.plan(), any.partition(), runDirectory, hub);
        try {
            for (HostSpec h : hosts) {
                if (h.apiAddress() == null) {
                    throw new dev.netloom.nodes.BadInputException("host " + h.name() + " has no address for its agent's API: write NAME@ADDRESS (or :api=ADDRESS) in --hosts");
                }
                ApiClient calls = ApiClient.connectTcp(h.apiAddress(), token, budget);
                ApiClient events = ApiClient.connectTcp(h.apiAddress(), token, budget);
                Agent a = new Agent(h, calls, events);
                c.agents.put(h.name(), a);
                events.subscribe(List.of(), e -> hub.publish(event(e)));
                events.closed().whenComplete((v, e) -> c.lose(a, "its connection closed"));
                calls.closed().whenComplete((v, e) -> c.lose(a, "its connection closed"));
            }
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
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

    private void lose(Agent a, String why) {
        synchronized (a) {
            if (a.lost != null) {
                return;
            }
            a.lost = why;
        }
        hub.publish(LabEvent.of(LabEvent.Kind.LAB, scenario.name(), "agent " + a.host.name() + " lost (" + why + "): its nodes are FAILED"));
        for (String n : partition.nodesOn(a.host.name())) {
            hub.publish(new LabEvent(Instant.now(), LabEvent.Kind.NODE, n, "FAILED (its host " + a.host.name() + " was lost)", NodeState.FAILED));
        }
    }

    /** The agents that are not lost, in host order. */
    private List<Agent> live() {
        return agents.values().stream().filter(a -> a.lost == null).toList();
    }

    private Agent ownerOf(String node) {
        Agent a = agents.get(partition.hostOf().get(node));
        if (a.lost != null) {
            throw new ApiException(ApiException.NOT_READY, "node " + node + " is FAILED: its host " + a.host.name() + " was lost (" + a.lost + ")");
        }
        return a;
    }

    /** The agents that run an end of a link or a member of a LAN. */
    private Set<Agent> ownersOf(SegmentPlan s) {
        Set<Agent> out = new LinkedHashSet<>();
        s.members().forEach(m -> out.add(agents.get(partition.hostOf().get(m.node()))));
        return out;
    }

    @Override
    public LabInfo info() {
        boolean ready = live().size() == agents.size() && nodes().stream().allMatch(n -> n.state().equals("READY"));
        return new LabInfo(scenario.name(), ready ? "READY" : "DEGRADED", "(spread over " + agents.size() + " hosts)", runDirectory.toString());
    }

    @Override
    public List<String> nodeNames() {
        return plan.nodes().stream().map(NodePlan::name).toList();
    }

    @Override
    public List<String> linkNames() {
        return plan.segments().stream().map(SegmentPlan::name).toList();
    }

    @Override
    public List<NodeInfo> nodes() {
        Map<String, NodeInfo> byName = new LinkedHashMap<>();
        for (Agent a : agents.values()) {
            JsonNode list = a.lost == null ? tryCall(a, "nodes.list", null) : null;
            if (list == null) {
                continue;
            }
            for (JsonNode n : list) {
                List<InterfaceInfo> ifs = new ArrayList<>();
                n.path("interfaces").forEach(i -> ifs.add(new InterfaceInfo(i.path("name").asText(), text(i, "address"), i.path("segment").asText(),
                        i.path("mac").asText(), text(i, "address6"))));
                byName.put(n.path("name").asText(), new NodeInfo(n.path("name").asText(), n.path("state").asText(), n.path("image").asText(),
                        n.hasNonNull("bootMillis") ? n.get("bootMillis").asLong() : null, n.path("pid").asLong(-1), ifs));
            }
        }
        List<NodeInfo> out = new ArrayList<>();
        for (NodePlan n : plan.nodes()) {
            NodeInfo known = byName.get(n.name());
            out.add(known != null ? known : new NodeInfo(n.name(), NodeState.FAILED.name(), n.image(), null, -1, n.interfaces().stream()
                    .map(i -> new InterfaceInfo(i.guestName(), i.address(), i.segment(), i.mac(), i.address6())).toList()));
        }
        return out;
    }

    private static String text(JsonNode o, String key) {
        return o.hasNonNull(key) ? o.get(key).asText() : null;
    }

    /** A call whose failure marks the agent lost and gives null. */
    private JsonNode tryCall(Agent a, String method, ObjectNode params) {
        try {
            return a.calls.call(method, params, CALL_TIMEOUT);
        } catch (ApiException e) {
            throw e;
        } catch (RuntimeException e) {
            lose(a, e.getMessage());
            return null;
        }
    }

    @Override
    public List<LinkInfo> links() {
        Map<String, JsonNode> views = new LinkedHashMap<>(); // host -> its links.list
        live().forEach(a -> {
            JsonNode l = tryCall(a, "links.list", null);
            if (l != null) {
                views.put(a.host.name(), l);
            }
        });
        List<LinkInfo> out = new ArrayList<>();
        for (SegmentPlan s : plan.segments()) {
            List<MemberInfo> members = s.members().stream().map(m -> new MemberInfo(m.node(), m.dev(), m.address(), m.address6())).toList();
            Map<String, Impairment> imps = new LinkedHashMap<>();
            Map<String, String> engines = new LinkedHashMap<>();
            Map<String, Boolean> directionsUp = new LinkedHashMap<>();
            for (String dir : s.impairments().keySet()) {
                // a direction as its sender's host has it: that host shapes it
                JsonNode link = linkIn(views.get(partition.hostOf().get(s.guestMember(dir).node())), s.name());
                imps.put(dir, link == null ? s.impairments().get(dir) : impairment(link.path("impairments").path(dir)));
                engines.put(dir, link == null ? "unknown" : link.path("engines").path(dir).asText("none"));
                boolean up = link != null && (link.path("state").has(dir) ? link.path("state").path(dir).asText().equals("up") : link.path("up").asBoolean());
                directionsUp.put(dir, up);
            }
            boolean allUp = directionsUp.values().stream().allMatch(Boolean::booleanValue);
            out.add(new LinkInfo(s.name(), s.kind().name().toLowerCase(java.util.Locale.ROOT), members, allUp, imps, engines,
                    s.kind() == SegmentPlan.Kind.LINK ? directionsUp : Map.of()));
        }
        return out;
    }

    private static JsonNode linkIn(JsonNode list, String name) {
        if (list != null) {
            for (JsonNode l : list) {
                if (l.path("name").asText().equals(name)) {
                    return l;
                }
            }
        }
        return null;
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

    @Override
    public CompletableFuture<ExecResult> exec(String node, String command, Duration timeout) {
        ObjectNode p = Json.MAPPER.createObjectNode().put("node", node).put("command", command).put("timeout", timeout.toMillis());
        return ownerOf(node).calls.callAsync("node.exec", p).thenApply(r -> new ExecResult(r.path("exitCode").asInt(), r.path("output").asText(),
                Duration.ofMillis(r.path("durationMs").asLong()), r.path("timedOut").asBoolean(), r.path("truncated").asBoolean(),
                r.path("droppedBytes").asLong()));
    }

    @Override
    public void nodeAction(String node, String action) {
        ownerOf(node).calls.call("node." + action, Json.MAPPER.createObjectNode().put("node", node), CALL_TIMEOUT);
    }

    @Override
    public void setImpairment(String link, String direction, Impairment impairment) {
        ObjectNode p = Json.MAPPER.createObjectNode().put("link", link);
        if (direction != null) {
            p.put("direction", direction);
        }
        if (impairment.isNone()) {
            p.put("clear", true);
        } else {
            ObjectNode imp = p.putObject("impairment");
            impairment.fields().forEach(imp::put);
        }
        for (Agent a : ownersOf(plan.segment(link))) { // each shapes the directions its nodes send
            if (a.lost == null) {
                a.calls.call("link.set", p, CALL_TIMEOUT);
            }
        }
    }

    @Override
    public void setLinkState(String link, String direction, boolean up) {
        ObjectNode p = Json.MAPPER.createObjectNode().put("link", link).put("up", up);
        if (direction != null) {
            p.put("direction", direction);
        }
        for (Agent a : live()) { // every agent: each recomputes the routes of its nodes
            a.calls.call("link.state", p, CALL_TIMEOUT);
        }
    }

    @Override
    public Topology.View topology() {
        return Topology.of(scenario).view();
    }

    @Override
    public String topologyDot() {
        return Topology.of(scenario).toDot();
    }

    @Override
    public dev.netloom.nodes.console.ConsoleBroker console(String node) {
        throw notHere("console", "node " + node + " runs on host " + partition.hostOf().get(node));
    }

    @Override
    public CaptureHandle capture(String link, String direction, String filter, LinkCapture.Format format, long count, Duration duration,
                                 LinkCapture.Output out) {
        throw notHere("capture", "link " + link + " is captured on the hosts of its ends");
    }

    @Override
    public LabStats stats() {
        throw notHere("stats", "each host reads its own counters");
    }

    private static ApiException notHere(String what, String detail) {
        return new ApiException(ApiException.FAILED, what + " is not relayed by the coordinator of a lab spread over hosts yet (" + detail
                + "): use that host's agent API (docs/scale-out.md)");
    }

    /** Asks every agent that is still there to take its part down, then disconnects. */
    public void down() {
        for (Agent a : live()) {
            try {
                a.calls.call("lab.down", null, Duration.ofSeconds(30));
            } catch (RuntimeException e) {
                // it may close the connection before answering
            }
        }
    }

    @Override
    public void close() {
        for (Agent a : agents.values()) {
            a.lost = a.lost == null ? "the coordinator ended" : a.lost;
            a.calls.close();
            a.events.close();
        }
    }
}

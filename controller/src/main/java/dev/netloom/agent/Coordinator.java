package dev.netloom.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netloom.api.ApiClient;
import dev.netloom.api.ApiException;
import dev.netloom.api.EventHub;
import dev.netloom.api.LabOps;
import dev.netloom.capture.CaptureTap;
import dev.netloom.capture.LinkCapture;
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
    /** How long a console's or a capture's own connection to an agent that is up may take. */
    private static final Duration STREAM_CONNECT = Duration.ofSeconds(30);

    /** Opens an authenticated connection to a host's agent (mutual TLS and the token: docs/scale-out.md), waiting up to {@code budget}. */
    @FunctionalInterface
    public interface Dialer {
        ApiClient dial(HostSpec host, Duration budget);
    }

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
    private final Dialer dialer;
    private final Map<String, Agent> agents = new LinkedHashMap<>();

    private Coordinator(Scenario scenario, Plan plan, Partition partition, Path runDirectory, EventHub hub, Dialer dialer) {
        this.scenario = scenario;
        this.plan = plan;
        this.partition = partition;
        this.runDirectory = runDirectory;
        this.hub = hub;
        this.dialer = dialer;
    }

    /**
     * Connects to every agent of {@code scenario} over {@code hosts} (each at its API address, through
     * {@code dialer}), waiting up to {@code budget} for each, since an agent serves once its part is READY.
     */
    public static Coordinator connect(Scenario scenario, List<HostSpec> hosts, Dialer dialer, Path runDirectory, EventHub hub, Duration budget) {
        AgentPlan any = AgentPlan.of(scenario, hosts, hosts.get(0).name(), null, null);
        Coordinator c = new Coordinator(scenario, any.plan(), any.partition(), runDirectory, hub, dialer);
        try {
            for (HostSpec h : hosts) {
                if (h.apiAddress() == null) {
                    throw new dev.netloom.nodes.BadInputException("host " + h.name() + " has no address for its agent's API: write NAME@ADDRESS (or :api=ADDRESS) in --hosts");
                }
                ApiClient calls = dialer.dial(h, budget);
                ApiClient events = dialer.dial(h, budget);
                Agent a = new Agent(h, calls, events);
                c.agents.put(h.name(), a);
                events.subscribe(List.of(), e -> hub.publish(Relay.event(e)));
                events.closed().whenComplete((v, e) -> c.lose(a, "its connection closed"));
                calls.closed().whenComplete((v, e) -> c.lose(a, "its connection closed"));
            }
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
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

    /** From the plan: asking the agents is not needed to know a link's directions. */
    @Override
    public java.util.Collection<String> directions(String link) {
        return plan.segment(link).impairments().keySet();
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
                JsonNode link = Relay.linkIn(views.get(partition.hostOf().get(s.guestMember(dir).node())), s.name());
                imps.put(dir, link == null ? s.impairments().get(dir) : Relay.impairment(link.path("impairments").path(dir)));
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
        throw new ApiException(ApiException.FAILED, "node " + node + " runs on host " + partition.hostOf().get(node) + ": its console is relayed");
    }

    @Override
    public boolean relaysConsoles() {
        return true;
    }

    /** node.console on the node's agent, on a connection of its own that then carries the console both ways. */
    @Override
    public RelayedConsole relayConsole(String node, ObjectNode params, LinkCapture.Output out) {
        ApiClient stream = dialer.dial(ownerOf(node).host, STREAM_CONNECT);
        try {
            ObjectNode options = params.deepCopy();
            options.remove("node");
            JsonNode answer = stream.attachConsole(node, options, Relay.to(out));
            return new RelayedConsole(answer, stream::sendRaw, stream::close, stream.closed());
        } catch (RuntimeException e) {
            stream.close();
            throw e;
        }
    }

    /**
     * link.capture on one agent, on a connection of its own whose bytes go to {@code out} as they come:
     * the host of the direction's sender, or of the link's first member (a crossing link's local tap
     * and tunnel carry both directions there).
     */
    @Override
    public CaptureHandle capture(String link, String direction, String filter, LinkCapture.Format format, long count, Duration duration,
                                 LinkCapture.Output out) {
        SegmentPlan s = plan.segment(link);
        String node = direction != null ? s.guestMember(direction).node() : s.members().get(0).node();
        ApiClient stream = dialer.dial(ownerOf(node).host, STREAM_CONNECT);
        try {
            JsonNode answer = stream.capture(Relay.captureParams(link, direction, filter, format, count, duration), Relay.to(out), CALL_TIMEOUT);
            List<CaptureTap> taps = new ArrayList<>();
            answer.path("interfaces").forEach(i -> taps.add(new CaptureTap(link, i.path("node").asText(), i.path("tap").asText(),
                    i.path("direction").asText())));
            return new CaptureHandle(taps, stream.closed().thenApply(v -> "the stream of host " + partition.hostOf().get(node) + " ended"), why -> {
                stream.stopStream();
            });
        } catch (RuntimeException e) {
            stream.close();
            throw e;
        }
    }

    /** Every agent's reading: each node from its host, each link direction from its sender's host (which shapes it). */
    @Override
    public LabStats stats() {
        Map<String, JsonNode> readings = new LinkedHashMap<>();
        live().forEach(a -> {
            JsonNode r = tryCall(a, "lab.stats", null);
            if (r != null) {
                readings.put(a.host.name(), r);
            }
        });
        return Relay.stats(scenario.name(), plan, partition.hostOf(), readings);
    }

    /** The scenario's checks and timeline played through this coordinator. */
    public dev.netloom.lab.LabActions actions() {
        return new CoordinatedActions(this, scenario, plan, hub);
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

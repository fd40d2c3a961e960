package dev.netloom.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netloom.nodes.ExecResult;
import dev.netloom.nodes.QemuNode;
import dev.netloom.capture.LinkCapture;
import dev.netloom.impairment.Impairment;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

import static dev.netloom.api.JsonLineCodec.MAPPER;
import static dev.netloom.api.LinkJson.impairment;
import static dev.netloom.api.LinkJson.linkJson;

/**
 * The lab methods of the API: each reads its params, checks names, calls {@link LabOps} and shapes
 * the result as JSON. Nothing here blocks the caller's thread: execs are asynchronous, and operations
 * that block (node actions, link changes) run on the {@code blocking} executor, one at a time. Connection-level
 * methods (auth, events, console, lab.down) live in {@link RpcHandler}.
 */
final class Methods {

    static final List<String> NAMES = List.of("lab.status", "nodes.list", "node.exec", "node.execAll", "node.stop",
            "node.start", "node.restart", "links.list", "link.set", "link.state", "topology.get", "lab.stats",
            "lab.step", "lab.web");

    static final Duration DEFAULT_EXEC_TIMEOUT = QemuNode.DEFAULT_EXEC_TIMEOUT;

    /** Beyond the command's own timeout: how long the console gets to come back after Ctrl-C before the API gives up (-32003). */
    static final Duration EXEC_GRACE = Duration.ofSeconds(30);

    private final LabOps ops;
    private final Executor blocking;
    private final String socket;
    private final WebView web;
    private final LabChanges changes;

    Methods(LabOps ops, Executor blocking, String socket) {
        this(ops, blocking, socket, WebView.NONE);
    }

    Methods(LabOps ops, Executor blocking, String socket, WebView web) {
        this.ops = ops;
        this.blocking = blocking;
        this.socket = socket;
        this.web = web;
        this.changes = new LabChanges(blocking);
    }

    static boolean has(String method) {
        return NAMES.contains(method);
    }

    /** Runs one lab method; throws an ApiException for bad params, or returns a future that may fail with one. */
    CompletableFuture<JsonNode> call(String method, ObjectNode params) {
        return switch (method) {
            case "lab.status" -> done(status(new Params(method, params, List.of())));
            case "nodes.list" -> done(nodesList(new Params(method, params, List.of())));
            case "node.exec" -> exec(new Params(method, params, List.of("node", "command", "timeout")));
            case "node.execAll" -> execAll(new Params(method, params, List.of("command", "nodes", "timeout")));
            case "node.stop", "node.start", "node.restart" -> nodeAction(method, new Params(method, params, List.of("node")));
            case "links.list" -> {
                new Params(method, params, List.of());
                yield done(linksList());
            }
            case "link.set" -> linkSet(new Params(method, params, List.of("link", "impairment", "direction", "clear")));
            case "link.state" -> linkState(new Params(method, params, List.of("link", "up", "direction")));
            case "lab.step" -> labStep(new Params(method, params, List.of("step")));
            case "topology.get" -> done(topology(new Params(method, params, List.of("format"))));
            case "lab.stats" -> {
                new Params(method, params, List.of());
                yield CompletableFuture.supplyAsync(() -> (JsonNode) ops.stats().toJson(), blocking);
            }
            case "lab.web" -> {
                String address = new Params(method, params, List.of("address")).optString("address", "a loopback address and port such as \"127.0.0.1:8080\"");
                // binding waits for the event loop, so not on it
                yield CompletableFuture.supplyAsync(() -> MAPPER.createObjectNode().put("url", web.start(address)), blocking);
            }
            default -> throw new ApiException(ApiException.METHOD_NOT_FOUND, "unknown method '" + method + "'");
        };
    }

    // ---- lab and nodes ----

    private JsonNode status(Params p) {
        LabOps.LabInfo info = ops.info();
        ObjectNode out = MAPPER.createObjectNode()
                .put("lab", info.lab())
                .put("state", info.state())
                .put("namespace", info.namespace())
                .put("runDirectory", info.runDirectory())
                .put("socket", socket);
        if (web.url() != null) {
            out.put("web", web.url());
        }
        ArrayNode nodes = out.putArray("nodes");
        for (LabOps.NodeInfo n : ops.nodes()) {
            ObjectNode o = nodes.addObject().put("name", n.name()).put("state", n.state());
            putNullable(o, "bootMillis", n.bootMillis());
            o.put("pid", n.pid());
        }
        out.set("links", linksList());
        return out;
    }

    private JsonNode nodesList(Params p) {
        ArrayNode out = MAPPER.createArrayNode();
        for (LabOps.NodeInfo n : ops.nodes()) {
            ObjectNode o = out.addObject().put("name", n.name()).put("state", n.state()).put("image", n.image());
            putNullable(o, "bootMillis", n.bootMillis());
            o.put("pid", n.pid());
            ArrayNode ifs = o.putArray("interfaces");
            for (LabOps.InterfaceInfo i : n.interfaces()) {
                ObjectNode iface = ifs.addObject().put("name", i.name()).put("address", i.address());
                if (i.address6() != null) {
                    iface.put("address6", i.address6()); // only in a lab with IPv6
                }
                iface.put("segment", i.segment()).put("mac", i.mac());
            }
        }
        return out;
    }

    private CompletableFuture<JsonNode> exec(Params p) {
        String node = node(p.string("node", "a node name"));
        String command = p.string("command", "a shell command such as \"ip -o addr\"");
        Duration timeout = p.timeout("timeout", DEFAULT_EXEC_TIMEOUT);
        return execOne(node, command, timeout).thenApply(Methods::execJson);
    }

    private CompletableFuture<JsonNode> execAll(Params p) {
        String command = p.string("command", "a shell command such as \"ip -o addr\"");
        List<String> names = p.optStrings("nodes", "[\"n1\", \"n2\"]");
        Duration timeout = p.timeout("timeout", DEFAULT_EXEC_TIMEOUT);
        List<String> targets = names == null ? ops.nodeNames() : names.stream().map(this::node).distinct().toList();
        Map<String, CompletableFuture<JsonNode>> each = new LinkedHashMap<>();
        for (String n : targets) {
            CompletableFuture<ExecResult> f;
            try {
                f = execOne(n, command, timeout);
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(e);
            }
            each.put(n, f.handle((r, e) -> e == null ? execJson(r) : errorJson(RpcMessages.toApiException(e))));
        }
        return CompletableFuture.allOf(each.values().toArray(CompletableFuture[]::new)).thenApply(v -> {
            ObjectNode out = MAPPER.createObjectNode();
            ObjectNode results = out.putObject("results");
            each.forEach((n, f) -> results.set(n, f.join()));
            return out;
        });
    }

    /** The node's exec, with a guard for a console that never comes back; the node's own future is left alone. */
    private CompletableFuture<ExecResult> execOne(String node, String command, Duration timeout) {
        long guardMillis = timeout.plus(EXEC_GRACE).toMillis();
        return ops.exec(node, command, timeout)
                .thenApply(Function.identity())
                .orTimeout(guardMillis, TimeUnit.MILLISECONDS)
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(
                        RpcMessages.unwrap(e) instanceof java.util.concurrent.TimeoutException
                                ? new ApiException(ApiException.TIMEOUT, "node " + node + ": no answer " + guardMillis
                                + " ms after the command was queued (its timeout was " + timeout.toMillis() + " ms)")
                                : RpcMessages.unwrap(e)));
    }

    static ObjectNode execJson(ExecResult r) {
        return MAPPER.createObjectNode()
                .put("exitCode", r.exitCode())
                .put("output", r.output())
                .put("durationMs", r.duration().toMillis())
                .put("timedOut", r.timedOut())
                .put("truncated", r.truncated())
                .put("droppedBytes", r.droppedBytes());
    }

    private static ObjectNode errorJson(ApiException e) {
        ObjectNode out = MAPPER.createObjectNode();
        out.putObject("error").put("code", e.code()).put("message", e.getMessage());
        return out;
    }

    private CompletableFuture<JsonNode> nodeAction(String method, Params p) {
        String node = node(p.string("node", "a node name"));
        String action = method.substring("node.".length());
        return change(() -> {
            ops.nodeAction(node, action);
            String state = ops.nodes().stream().filter(n -> n.name().equals(node)).findFirst().map(LabOps.NodeInfo::state).orElse("?");
            return MAPPER.createObjectNode().put("node", node).put("state", state);
        });
    }

    // ---- links ----

    private ArrayNode linksList() {
        ArrayNode out = MAPPER.createArrayNode();
        ops.links().forEach(l -> out.add(linkJson(l)));
        return out;
    }

    private CompletableFuture<JsonNode> linkSet(Params p) {
        LabOps.LinkInfo link = link(p.string("link", "a link or LAN name"));
        String direction = p.optString("direction", "a direction such as \"a->b\" (a LAN member's name for a LAN)");
        if (direction != null && !link.impairments().containsKey(direction)) {
            throw p.invalid("link " + link.name() + " has no direction '" + direction + "'; directions: "
                    + String.join(", ", link.impairments().keySet()));
        }
        ObjectNode given = p.optObject("impairment", "{\"delay\": \"10ms\", \"loss\": \"1%\"}");
        boolean clear = p.has("clear") && p.bool("clear");
        Impairment imp;
        if (clear) {
            if (given != null) {
                throw p.invalid("give either 'impairment' or 'clear': true, not both");
            }
            imp = Impairment.NONE;
        } else {
            if (given == null) {
                throw p.invalid("param 'impairment' is missing; give an object such as {\"delay\": \"10ms\"}, or 'clear': true to remove the impairment");
            }
            imp = impairment(p, given);
            List<String> dirs = direction == null ? List.copyOf(link.impairments().keySet()) : List.of(direction);
            for (String d : dirs) {
                Impairment merged = link.impairments().getOrDefault(d, Impairment.NONE).merge(imp);
                merged.needingDelay().ifPresent(f -> {
                    throw p.invalid("impairment on " + link.name() + " " + d + ": " + Impairment.delayNeeded(f));
                });
            }
        }
        String name = link.name();
        return change(() -> {
            ops.setImpairment(name, direction, imp);
            return linkJson(link(name));
        });
    }

    private CompletableFuture<JsonNode> linkState(Params p) {
        LabOps.LinkInfo link = link(p.string("link", "a link or LAN name"));
        String name = link.name();
        boolean up = p.bool("up");
        String direction = p.optString("direction", "a direction such as \"a->b\"");
        if (direction != null && !link.directionsUp().containsKey(direction)) {
            throw p.invalid(link.directionsUp().isEmpty() ? "LAN " + name + " goes down or up as a whole; leave 'direction' out"
                    : "link " + name + " has no direction '" + direction + "'; directions: " + String.join(", ", link.directionsUp().keySet()));
        }
        return change(() -> {
            ops.setLinkState(name, direction, up);
            return linkJson(link(name));
        });
    }

    /** Params: optional "step" (1 is the first); without it, the next step. Result: {"changed": "..."}. */
    private CompletableFuture<JsonNode> labStep(Params p) {
        Integer step = null;
        if (p.has("step")) {
            JsonNode n = p.raw("step");
            if (!n.canConvertToInt() || !n.isIntegralNumber() || n.intValue() < 1) {
                throw p.invalid("param 'step' should be a step number (1 is the first), not " + n);
            }
            step = n.intValue();
        }
        Integer to = step;
        return change(() -> MAPPER.createObjectNode().put("changed", ops.step(to)));
    }

    private JsonNode topology(Params p) {
        String format = p.has("format") ? p.string("format", "\"json\" or \"dot\"") : "json";
        return switch (format) {
            case "json" -> MAPPER.valueToTree(ops.topology());
            case "dot" -> MAPPER.createObjectNode().put("dot", ops.topologyDot());
            default -> throw p.invalid("param 'format' should be \"json\" or \"dot\", not \"" + format + "\"");
        };
    }

    // ---- capture ----

    /**
     * Checks {@code link.capture}'s params, then starts the capture on the blocking executor (tcpdump
     * compiles the filter and opens the taps there); the future completes once it captures.
     */
    CompletableFuture<LabOps.CaptureHandle> capture(ObjectNode params, LinkCapture.Output out) {
        Params p = new Params("link.capture", params, List.of("link", "direction", "filter", "count", "duration", "format"));
        String name = p.string("link", "a link or LAN name");
        if (!ops.linkNames().contains(name)) {
            link(name); // -32001 with the names
        }
        String direction = p.optString("direction", "a direction such as \"a->b\" (a LAN member's name for a LAN)");
        java.util.Collection<String> directions = ops.directions(name); // a coordinator's from its plan: no agent is asked on the event loop
        if (direction != null && !directions.contains(direction)) {
            throw p.invalid("link " + name + " has no direction '" + direction + "'; directions: " + String.join(", ", directions));
        }
        String filter = p.optString("filter", "a BPF filter such as \"icmp\"");
        long count = p.optLong("count", 1, Long.MAX_VALUE, 0);
        Duration duration = p.timeout("duration", null);
        String formatName = p.has("format") ? p.string("format", "\"pcapng\" or \"text\"") : "pcapng";
        LinkCapture.Format format;
        try {
            format = LinkCapture.Format.of(formatName);
        } catch (IllegalArgumentException e) {
            throw p.invalid("param 'format': " + e.getMessage());
        }
        return CompletableFuture.supplyAsync(() -> ops.capture(name, direction, filter, format, count, duration, out), blocking);
    }

    /** A coordinator's node.console (params already checked): connects to the node's agent on the blocking executor. */
    CompletableFuture<LabOps.RelayedConsole> relayConsole(String node, ObjectNode params, LinkCapture.Output out) {
        return CompletableFuture.supplyAsync(() -> ops.relayConsole(node, params, out), blocking);
    }

    // ---- helpers ----

    /** A known node name; -32001 listing the nodes otherwise. */
    String node(String name) {
        List<String> names = ops.nodeNames();
        if (!names.contains(name)) {
            throw new ApiException(ApiException.UNKNOWN_NAME, "unknown node '" + name + "'; nodes: " + String.join(", ", names),
                    MAPPER.createObjectNode().set("valid", MAPPER.valueToTree(names)));
        }
        return name;
    }

    /** A known link or LAN; -32001 listing them otherwise. */
    private LabOps.LinkInfo link(String name) {
        List<LabOps.LinkInfo> links = ops.links();
        for (LabOps.LinkInfo l : links) {
            if (l.name().equals(name)) {
                return l;
            }
        }
        List<String> names = new ArrayList<>(links.stream().map(LabOps.LinkInfo::name).toList());
        throw new ApiException(ApiException.UNKNOWN_NAME, "unknown link or LAN '" + name + "'; links and LANs: " + String.join(", ", names),
                MAPPER.createObjectNode().set("valid", MAPPER.valueToTree(names)));
    }

    /** Runs a change to the lab (node action, link change) after the ones before it ({@link LabChanges}). */
    private CompletableFuture<JsonNode> change(Supplier<JsonNode> change) {
        return changes.submit(change);
    }

    private static CompletableFuture<JsonNode> done(JsonNode result) {
        return CompletableFuture.completedFuture(result);
    }

    private static void putNullable(ObjectNode o, String field, Long value) {
        if (value == null) {
            o.putNull(field);
        } else {
            o.put(field, value);
        }
    }
}

package dev.netloom.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netloom.nodes.console.ConsoleBroker;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static dev.netloom.api.JsonLineCodec.MAPPER;
import static dev.netloom.api.RpcMessages.errorResponse;
import static dev.netloom.api.RpcMessages.response;
import static dev.netloom.api.RpcMessages.toApiException;

/**
 * JSON-RPC 2.0 for one connection: checks each request, answers it with its id when its work
 * completes (so pipelined requests may be answered out of order), and handles what belongs to the
 * connection itself: event subscriptions, lab.down and the switch to raw console streaming. On TCP
 * it only sees requests after {@link AuthGate} let the connection through. Created per channel; its
 * fields are touched on the channel's event loop only.
 */
final class RpcHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(RpcHandler.class);

    /** Requests one connection may have running at once; more are answered -32004. */
    static final int MAX_IN_FLIGHT = 1024;

    static final List<String> CONNECTION_METHODS = List.of("auth", "events.subscribe", "events.unsubscribe", "node.console", "link.capture", "lab.down");

    /** Every method, sorted, for the -32601 message. */
    static final List<String> ALL_METHODS = Stream.concat(Methods.NAMES.stream(), CONNECTION_METHODS.stream()).sorted().toList();

    /** What every connection of one server shares. */
    record Shared(Methods methods, EventHub events, LabOps ops, byte[] token, String tokenFile, Runnable downRequested,
                  ApiLimits limits) {
    }

    private final Shared shared;
    private boolean raw;
    private boolean subscribed;
    private boolean inputClosed;
    private int inFlight;
    private ChannelHandlerContext ctx;

    RpcHandler(Shared shared) {
        this.shared = shared;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof JsonLineCodec.Malformed m) {
                error(NullNode.instance, ApiException.PARSE_ERROR, "parse error: " + m.reason(), false);
            } else if (msg instanceof JsonNode request) {
                request(request);
            } else {
                log.debug("unexpected message {}", msg.getClass().getName());
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /**
     * The client closed its sending side (e.g. {@code printf ... | socat - UNIX-CONNECT:...}): answer
     * what is still running, then close; a subscriber keeps getting events until it closes.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            inputClosed = true;
            closeIfDone();
        }
        ctx.fireUserEventTriggered(evt);
    }

    private void closeIfDone() {
        if (inputClosed && !subscribed && !raw && inFlight == 0 && ctx.channel().isActive()) {
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE); // after the answers written so far
        }
    }

    /**
     * A client that does not read its responses stops being read from, so it cannot grow the server's
     * memory; once it reads again it hears how many events it missed meanwhile.
     */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        boolean writable = ctx.channel().isWritable();
        ctx.channel().config().setAutoRead(writable);
        if (writable) {
            shared.events().writable(ctx.channel());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable c = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (c instanceof TooLongFrameException) {
            error(NullNode.instance, ApiException.INVALID_REQUEST, "line over " + ApiLimits.size(shared.limits().maxLineBytes())
                    + "; the connection is closed", true);
        } else if (c instanceof IOException) {
            log.debug("api connection {}: {}", ctx.channel(), c.toString());
            ctx.close();
        } else {
            log.warn("api connection {}: {}", ctx.channel(), c.toString(), c);
            error(NullNode.instance, ApiException.FAILED, "internal error: " + c, true);
        }
    }

    // ---- requests ----

    private void request(JsonNode request) {
        if (!request.isObject()) {
            error(NullNode.instance, ApiException.INVALID_REQUEST, request.isArray()
                    ? "batches are not supported; send one request object per line"
                    : "a request is a JSON object such as {\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"lab.status\"}", false);
            return;
        }
        JsonNode id = request.get("id");
        boolean notification = id == null;
        if (id != null && !(id.isTextual() || id.isNumber() || id.isNull())) {
            error(NullNode.instance, ApiException.INVALID_REQUEST, "id must be a string, a number or null, not " + id, false);
            return;
        }
        JsonNode replyId = id == null ? NullNode.instance : id;
        JsonNode version = request.get("jsonrpc");
        if (version == null || !version.isTextual() || !version.asText().equals("2.0")) {
            error(replyId, ApiException.INVALID_REQUEST, "jsonrpc must be \"2.0\"", false);
            return;
        }
        JsonNode methodNode = request.get("method");
        if (methodNode == null || !methodNode.isTextual()) {
            error(replyId, ApiException.INVALID_REQUEST, "method is missing or not a string; methods: " + String.join(", ", ALL_METHODS), false);
            return;
        }
        String method = methodNode.asText();
        JsonNode paramsNode = request.get("params");
        if (paramsNode != null && !paramsNode.isNull() && !paramsNode.isObject()) {
            error(replyId, ApiException.INVALID_PARAMS, method + ": params must be an object such as {\"node\": \"n1\"}, not " + paramsNode, false);
            return;
        }
        ObjectNode params = paramsNode == null || paramsNode.isNull() ? MAPPER.createObjectNode() : (ObjectNode) paramsNode;
        if (inFlight >= MAX_IN_FLIGHT) {
            reply(replyId, notification, CompletableFuture.failedFuture(new ApiException(ApiException.BUSY,
                    MAX_IN_FLIGHT + " requests of this connection are running; wait for some answers")));
            return;
        }
        CompletableFuture<JsonNode> result;
        try {
            result = switch (method) {
                case "auth" -> {
                    new Params(method, params, List.of("token"));
                    yield CompletableFuture.completedFuture(MAPPER.createObjectNode().put("authenticated", true));
                }
                case "events.subscribe" -> {
                    subscribe(replyId, notification, params);
                    yield null;
                }
                case "events.unsubscribe" -> {
                    new Params(method, params, List.of());
                    shared.events().unsubscribe(ctx.channel());
                    subscribed = false;
                    yield CompletableFuture.completedFuture(subscribed(List.of()));
                }
                case "lab.down" -> {
                    labDown(replyId, params);
                    yield null;
                }
                case "node.console" -> {
                    console(replyId, params);
                    yield null;
                }
                case "link.capture" -> {
                    capture(replyId, params);
                    yield null;
                }
                default -> {
                    if (!Methods.has(method)) {
                        throw new ApiException(ApiException.METHOD_NOT_FOUND, "unknown method '" + method + "'; methods: "
                                + String.join(", ", ALL_METHODS), MAPPER.createObjectNode().set("valid", MAPPER.valueToTree(ALL_METHODS)));
                    }
                    yield shared.methods().call(method, params);
                }
            };
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        if (result != null) {
            reply(replyId, notification, result);
        }
    }

    private void subscribe(JsonNode id, boolean notification, ObjectNode params) {
        Params p = new Params("events.subscribe", params, List.of("types"));
        List<String> types = p.optStrings("types", "[\"node\", \"link\"]");
        Set<String> kinds = new LinkedHashSet<>(types == null ? EventHub.KINDS : types);
        for (String k : kinds) {
            if (!EventHub.TYPES.contains(k)) {
                throw p.invalid("unknown event type '" + k + "'; types: " + String.join(", ", EventHub.TYPES));
            }
        }
        List<String> ordered = EventHub.TYPES.stream().filter(kinds::contains).toList();
        // subscribed before the answer goes out, so a client that acts on the answer misses nothing; the answer
        // still comes first, since events from other threads are written in a later event-loop task
        shared.events().subscribe(ctx.channel(), kinds);
        subscribed = true;
        if (!notification) {
            write(response(id, subscribed(ordered)));
        }
    }

    private static ObjectNode subscribed(List<String> kinds) {
        ObjectNode o = MAPPER.createObjectNode();
        o.set("subscribed", MAPPER.valueToTree(kinds));
        return o;
    }

    private void labDown(JsonNode id, ObjectNode params) {
        new Params("lab.down", params, List.of());
        ctx.writeAndFlush(response(id, MAPPER.createObjectNode())).addListener(f -> shared.downRequested().run());
    }

    /** Answers, then turns the connection into a raw byte stream to and from the node's console. */
    private void console(JsonNode id, ObjectNode params) {
        Params p = new Params("node.console", params, List.of("node", "name", "readOnly", "rows", "cols", "history"));
        String node = shared.methods().node(p.string("node", "a node name"));
        ConsoleBridge.Join join = ConsoleBridge.Join.of(p);
        if (shared.ops().relaysConsoles()) {
            relayConsole(id, node, params);
            return;
        }
        ConsoleBroker broker = shared.ops().console(node);
        String holder = broker.holder();
        ObjectNode answer = MAPPER.createObjectNode().put("console", node).put("detach", "Ctrl-]");
        answer.put("keyboard", join.readOnly() ? "read-only" : holder == null ? "yours" : holder);
        write(response(id, answer));
        streamFrom(ApiChannelInitializer.CONSOLE, new ConsoleBridge(broker, node, join, shared.limits()));
    }

    /** A coordinator's console: connects to the node's agent (on the blocking executor), then answers with its answer and relays. */
    private void relayConsole(JsonNode id, String node, ObjectNode params) {
        ConsoleRelay relay = new ConsoleRelay(ctx.channel(), shared.limits());
        inFlight++;
        shared.methods().relayConsole(node, params, relay).whenComplete((r, e) -> ctx.executor().execute(() -> {
            inFlight--;
            if (e != null) {
                write(errorResponse(id, toApiException(e)));
            } else if (raw || !ctx.channel().isActive()) {
                r.close().run();
            } else {
                write(response(id, r.answer()));
                streamFrom(ApiChannelInitializer.CONSOLE, relay);
                relay.started(r);
            }
        }));
    }

    /**
     * Turns the connection into a raw byte stream handled by {@code handler}: answers to requests still
     * running on it are dropped from now on, and it gets no events.
     */
    private void streamFrom(String name, io.netty.channel.ChannelHandler handler) {
        raw = true;
        shared.events().unsubscribe(ctx.channel());
        ChannelPipeline pipeline = ctx.pipeline();
        pipeline.addLast(name, handler);
        ctx.channel().config().setAutoRead(true); // from now on the handler decides when to stop reading
        // order matters: bytes the framer still holds are handed on when it goes, and must reach the handler
        pipeline.remove(this);
        pipeline.remove(ApiChannelInitializer.JSON);
        pipeline.remove(ApiChannelInitializer.FRAMING);
    }

    /**
     * Starts a capture (on the blocking executor: tcpdump compiles the filter and opens the taps), then
     * answers with its interfaces and turns the connection into the capture's byte stream
     * ({@link CaptureBridge}). A bad filter or direction is an error answer, and the connection stays.
     */
    private void capture(JsonNode id, ObjectNode params) {
        CaptureBridge bridge = new CaptureBridge(ctx.channel());
        CompletableFuture<LabOps.CaptureHandle> started = shared.methods().capture(params, bridge);
        inFlight++;
        started.whenComplete((h, e) -> ctx.executor().execute(() -> {
            inFlight--;
            if (e != null) {
                write(errorResponse(id, toApiException(e)));
            } else if (raw || !ctx.channel().isActive()) {
                h.stop().accept("the client went away");
            } else {
                switchToCapture(id, h, bridge);
            }
        }));
    }

    private void switchToCapture(JsonNode id, LabOps.CaptureHandle h, CaptureBridge bridge) {
        ObjectNode answer = MAPPER.createObjectNode().put("capture", h.taps().get(0).segment())
                .put("stop", "send a byte or close your sending side; the stream ends after the last frame");
        var interfaces = answer.putArray("interfaces");
        for (int i = 0; i < h.taps().size(); i++) {
            var t = h.taps().get(i);
            interfaces.addObject().put("id", i).put("tap", t.tap()).put("node", t.node()).put("direction", t.direction())
                    .put("description", t.description());
        }
        write(response(id, answer));
        streamFrom(ApiChannelInitializer.CAPTURE, bridge);
        bridge.started(h);
    }

    // ---- responses ----

    private void reply(JsonNode id, boolean notification, CompletableFuture<JsonNode> result) {
        inFlight++;
        result.whenComplete((r, e) -> {
            Runnable finish = () -> {
                inFlight--;
                if (!notification) {
                    write(e == null ? response(id, r) : errorResponse(id, toApiException(e)));
                } else {
                    if (e != null) {
                        log.debug("notification failed: {}", e.toString());
                    }
                    closeIfDone();
                }
            };
            if (ctx.executor().inEventLoop()) {
                finish.run();
            } else {
                ctx.executor().execute(finish);
            }
        });
    }

    /** Writes on the event loop unless the connection is gone or streams a console now; the answer is then dropped. */
    private void write(ObjectNode message) {
        if (!raw && ctx.channel().isActive()) {
            ctx.writeAndFlush(message);
            closeIfDone();
        }
    }

    private void error(JsonNode id, int code, String message, boolean close) {
        ObjectNode e = errorResponse(id, new ApiException(code, message));
        if (close) {
            ctx.writeAndFlush(e).addListener(ChannelFutureListener.CLOSE);
        } else {
            write(e);
        }
    }
}

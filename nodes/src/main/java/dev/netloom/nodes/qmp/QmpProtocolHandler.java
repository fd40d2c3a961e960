package dev.netloom.nodes.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.util.concurrent.EventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * The QMP protocol for one connection: greeting and capabilities negotiation, commands matched to
 * responses by id, and events fanned out to listeners and waiters.
 *
 * <p>All mutable state is touched only on the channel's event loop, so no locks are needed; calls from
 * other threads hop onto the loop. Futures complete on the event loop: callers must not block in
 * their callbacks.
 */
final class QmpProtocolHandler extends SimpleChannelInboundHandler<JsonNode> {

    private static final Logger log = LoggerFactory.getLogger(QmpProtocolHandler.class);

    private final String peer;
    private final CompletableFuture<JsonNode> negotiated = new CompletableFuture<>();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final List<Consumer<QmpEvent>> listeners = new CopyOnWriteArrayList<>();

    // event-loop-confined state
    private final Map<Long, Pending> pending = new HashMap<>();
    private final Map<String, List<CompletableFuture<QmpEvent>>> eventWaiters = new HashMap<>();
    private long nextId = 1;
    private boolean greeted;
    private boolean inactive;
    private Throwable failure;

    private volatile ChannelHandlerContext ctx;

    /** @param peer what the connection talks to (the socket path), named in every error message */
    QmpProtocolHandler(String peer) {
        this.peer = peer;
    }

    /** Completes with the greeting's {@code QMP} member once {@code qmp_capabilities} succeeded. */
    CompletableFuture<JsonNode> negotiated() {
        return negotiated;
    }

    /** Completes (normally) when the connection is gone, after every pending command was settled. */
    CompletableFuture<Void> closed() {
        return closed;
    }

    String peer() {
        return peer;
    }

    CompletableFuture<JsonNode> execute(String command, ObjectNode arguments) {
        CompletableFuture<JsonNode> result = new CompletableFuture<>();
        // copy now: the caller may reuse its node while the send waits for the event loop
        ObjectNode args = arguments == null ? null : arguments.deepCopy();
        onLoop(() -> send(command, args, result), result);
        return result;
    }

    void addEventListener(Consumer<QmpEvent> listener) {
        listeners.add(listener);
    }

    void removeEventListener(Consumer<QmpEvent> listener) {
        listeners.remove(listener);
    }

    CompletableFuture<QmpEvent> awaitEvent(String name) {
        CompletableFuture<QmpEvent> result = new CompletableFuture<>();
        onLoop(() -> {
            if (inactive) {
                result.completeExceptionally(new QmpException(
                        "QMP connection to " + peer + " is closed; event " + name + " will not arrive", failure));
            } else {
                eventWaiters.computeIfAbsent(name, k -> new ArrayList<>()).add(result);
            }
        }, result);
        // a waiter given up by the caller (timeout, cancel) must not linger until the next such event
        result.whenComplete((event, error) -> {
            if (error != null) {
                onLoop(() -> {
                    List<CompletableFuture<QmpEvent>> waiters = eventWaiters.get(name);
                    if (waiters != null && waiters.remove(result) && waiters.isEmpty()) {
                        eventWaiters.remove(name);
                    }
                }, null);
            }
        });
        return result;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, JsonNode msg) {
        log.trace("QMP {} <- {}", peer, msg);
        if (!msg.isObject()) {
            log.warn("QMP {}: ignoring non-object message {}", peer, msg);
        } else if (msg.has("QMP")) {
            onGreeting(msg.get("QMP"));
        } else if (msg.has("event")) {
            onEvent(msg);
        } else if (msg.has("return") || msg.has("error")) {
            onResponse(msg);
        } else {
            log.warn("QMP {}: ignoring unknown message {}", peer, msg);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // a bad or oversized line loses a response we cannot attribute; failing everything beats hanging
        if (cause instanceof java.io.IOException) {
            // QEMU went away (quit, kill): the connection's end, not a protocol problem
            log.debug("QMP {}: connection lost: {}", peer, cause.toString());
        } else {
            log.warn("QMP {}: closing after protocol error: {}", peer, cause.toString());
        }
        if (failure == null) {
            failure = cause;
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        inactive = true;
        List<Pending> unanswered = new ArrayList<>(pending.values());
        pending.clear();
        for (Pending p : unanswered) {
            if (p.command.equals("quit") && p.sent) {
                // QEMU may exit before its return reaches us: the closed socket is the answer
                p.result.complete(QmpJsonCodec.MAPPER.createObjectNode());
            } else {
                p.result.completeExceptionally(new QmpException("QMP connection to " + peer
                        + " closed before '" + p.command + "' was answered" + because(), failure));
            }
        }
        List<CompletableFuture<QmpEvent>> waiters = new ArrayList<>();
        eventWaiters.values().forEach(waiters::addAll);
        eventWaiters.clear();
        for (CompletableFuture<QmpEvent> w : waiters) {
            w.completeExceptionally(new QmpException(
                    "QMP connection to " + peer + " closed while waiting for an event" + because(), failure));
        }
        negotiated.completeExceptionally(new QmpException(
                "QMP connection to " + peer + " closed before capabilities negotiation finished" + because(), failure));
        closed.complete(null);
        super.channelInactive(ctx);
    }

    private void onGreeting(JsonNode greeting) {
        if (greeted) {
            log.warn("QMP {}: ignoring second greeting {}", peer, greeting);
            return;
        }
        greeted = true;
        CompletableFuture<JsonNode> capabilities = new CompletableFuture<>();
        send("qmp_capabilities", null, capabilities);
        capabilities.whenComplete((ok, error) -> {
            if (error == null) {
                negotiated.complete(greeting);
            } else {
                negotiated.completeExceptionally(error);
            }
        });
    }

    private void onResponse(JsonNode msg) {
        JsonNode id = msg.get("id");
        if (id == null || !id.canConvertToLong()) {
            // QEMU answers unparseable input without an id; we never send such input
            log.warn("QMP {}: response without a usable id: {}", peer, msg);
            return;
        }
        Pending p = pending.remove(id.asLong());
        if (p == null) {
            log.warn("QMP {}: response to unknown id {}: {}", peer, id, msg);
            return;
        }
        JsonNode error = msg.get("error");
        if (error != null) {
            String errorClass = error.path("class").asText(null);
            String desc = error.path("desc").asText("");
            p.result.completeExceptionally(new QmpException("QMP command '" + p.command + "' failed on " + peer
                    + ": " + errorClass + ": " + desc, errorClass, desc));
        } else {
            p.result.complete(msg.get("return"));
        }
    }

    private void onEvent(JsonNode msg) {
        String name = msg.get("event").asText();
        JsonNode data = msg.has("data") ? msg.get("data") : QmpJsonCodec.MAPPER.createObjectNode();
        JsonNode ts = msg.path("timestamp");
        long micros = ts.path("seconds").asLong(0) * 1_000_000L + ts.path("microseconds").asLong(0);
        QmpEvent event = new QmpEvent(name, data, micros);
        List<CompletableFuture<QmpEvent>> waiters = eventWaiters.remove(name);
        if (waiters != null) {
            waiters.forEach(w -> w.complete(event));
        }
        for (Consumer<QmpEvent> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                // one faulty listener must not starve the others or break the connection
                log.warn("QMP {}: event listener failed on {}", peer, name, e);
            }
        }
    }

    private void send(String command, ObjectNode arguments, CompletableFuture<JsonNode> result) {
        ChannelHandlerContext c = ctx;
        if (c == null || inactive || !c.channel().isActive()) {
            result.completeExceptionally(new QmpException(
                    "QMP connection to " + peer + " is closed; cannot send '" + command + "'" + because(), failure));
            return;
        }
        long id = nextId++;
        ObjectNode request = QmpJsonCodec.MAPPER.createObjectNode();
        request.put("execute", command);
        if (arguments != null) {
            request.set("arguments", arguments);
        }
        request.put("id", id);
        Pending p = new Pending(command, result);
        pending.put(id, p);
        log.trace("QMP {} -> {}", peer, request);
        c.writeAndFlush(request).addListener(f -> {
            if (f.isSuccess()) {
                p.sent = true;
            } else if (pending.remove(id) != null) {
                result.completeExceptionally(
                        new QmpException("could not send QMP command '" + command + "' to " + peer, f.cause()));
            }
        });
    }

    private void onLoop(Runnable task, CompletableFuture<?> onRejected) {
        ChannelHandlerContext c = ctx;
        if (c == null) {
            if (onRejected != null) {
                onRejected.completeExceptionally(new QmpException("QMP handler for " + peer + " is not in a pipeline", null));
            }
            return;
        }
        EventExecutor loop = c.executor();
        if (loop.inEventLoop()) {
            task.run();
            return;
        }
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            if (onRejected != null) {
                onRejected.completeExceptionally(
                        new QmpException("QMP connection to " + peer + " is closed (event loop shut down)", e));
            }
        }
    }

    private String because() {
        return failure == null ? "" : ": " + failure;
    }

    /** A command sent (or being sent) and not yet answered. */
    private static final class Pending {
        final String command;
        final CompletableFuture<JsonNode> result;
        boolean sent;

        Pending(String command, CompletableFuture<JsonNode> result) {
            this.command = command;
            this.result = result;
        }
    }
}

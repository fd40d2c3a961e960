package dev.netloom.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netloom.lab.Lab;
import dev.netloom.nodes.NodeState;
import io.netty.channel.Channel;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import static dev.netloom.api.JsonLineCodec.MAPPER;

/**
 * Pushes lab events to the connections that subscribed, as JSON-RPC notifications. A connection
 * that stops reading is not allowed to grow the server's memory: while its outbound buffer is over
 * the high-water mark its events are dropped and counted, and once it is writable again it gets one
 * event of kind {@code dropped} saying how many it missed.
 */
final class EventHub {

    /** The kind of the notice that events were dropped; not a kind one subscribes to: every subscriber may get it. */
    static final String DROPPED = "dropped";

    /** The kinds of {@link Lab.Event}. */
    static final List<String> KINDS = List.of("node", "link", "timeline", "check", "lab", "routing", "exec");

    private record Subscription(Set<String> kinds, AtomicLong missed) {
    }

    private final Map<Channel, Subscription> subscribers = new ConcurrentHashMap<>();

    /** Replaces the channel's subscription; it ends when the channel closes. */
    void subscribe(Channel channel, Set<String> kinds) {
        if (subscribers.put(channel, new Subscription(Set.copyOf(kinds), new AtomicLong())) == null) {
            channel.closeFuture().addListener(f -> subscribers.remove(channel));
        }
    }

    void unsubscribe(Channel channel) {
        subscribers.remove(channel);
    }

    int size() {
        return subscribers.size();
    }

    /** Called on whatever thread raised the event; never blocks. */
    void publish(Lab.Event event) {
        if (subscribers.isEmpty()) {
            return;
        }
        ObjectNode params = eventJson(event);
        subscribers.forEach((channel, sub) -> {
            if (!sub.kinds().contains(event.kind()) || !channel.isActive()) {
                return;
            }
            if (!channel.isWritable()) {
                sub.missed().incrementAndGet();
                if (channel.isWritable()) {
                    // it drained between the two checks, and its writability callback may have run already
                    channel.eventLoop().execute(() -> writable(channel));
                }
                return;
            }
            noticeMissed(channel, sub);
            channel.writeAndFlush(notification(params));
        });
    }

    /** The channel is writable again (its handler calls this): it hears how many events it missed, if any. */
    void writable(Channel channel) {
        Subscription sub = subscribers.get(channel);
        if (sub != null && channel.isWritable()) {
            noticeMissed(channel, sub);
        }
    }

    private static void noticeMissed(Channel channel, Subscription sub) {
        long missed = sub.missed().getAndSet(0);
        if (missed > 0) {
            channel.writeAndFlush(notification(MAPPER.createObjectNode()
                    .put("at", Instant.now().toString())
                    .put("kind", DROPPED)
                    .put("subject", "events")
                    .put("detail", missed + " events dropped while this connection did not read")
                    .put("missed", missed)));
        }
    }

    static ObjectNode notification(ObjectNode params) {
        ObjectNode n = MAPPER.createObjectNode().put("jsonrpc", "2.0").put("method", "event");
        n.set("params", params);
        return n;
    }

    /**
     * {@code {at, kind, subject, detail}}, plus {@code state} for node events that are a state change
     * (their detail starts with the state's name, e.g. "READY (ready in 5120 ms)").
     */
    static ObjectNode eventJson(Lab.Event e) {
        ObjectNode o = MAPPER.createObjectNode()
                .put("at", e.at().toString())
                .put("kind", e.kind())
                .put("subject", e.subject())
                .put("detail", e.detail());
        if (e.kind().equals("node")) {
            String first = e.detail().split("[ (]", 2)[0];
            for (NodeState s : NodeState.values()) {
                if (s.name().equals(first)) {
                    o.put("state", first);
                }
            }
        }
        return o;
    }
}

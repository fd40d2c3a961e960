package dev.netloom.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netloom.lab.LabEvent;

import io.netty.channel.Channel;

import java.time.Instant;
import java.util.Arrays;
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
public final class EventHub {

    /** The kind of the notice that events were dropped; not a kind one subscribes to: every subscriber may get it. */
    static final String DROPPED = "dropped";

    /** The kinds of {@link LabEvent} one subscribes to (cleanup happens before any API serves): a subscription without types has them all. */
    static final List<String> KINDS = Arrays.stream(LabEvent.Kind.values()).filter(k -> k != LabEvent.Kind.CLEANUP)
            .map(LabEvent.Kind::key).distinct().toList();

    /** The periodic reading of the lab's counters ({@code lab.stats}' result): only for those who ask for it by name. */
    static final String STATS = "stats";

    /** Every type a subscription may name. */
    static final List<String> TYPES = java.util.stream.Stream.concat(KINDS.stream(), java.util.stream.Stream.of(STATS)).toList();

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
    public void publish(LabEvent event) {
        if (!subscribers.isEmpty()) {
            publish(event.kind().key(), eventJson(event));
        }
    }

    /** Whether a subscriber asked for {@link #STATS}. */
    boolean wantsStats() {
        return subscribers.values().stream().anyMatch(s -> s.kinds().contains(STATS));
    }

    /** A reading of the counters, as an event of kind stats: {at, kind, subject (the lab), stats}. */
    void publishStats(String lab, ObjectNode stats) {
        ObjectNode params = MAPPER.createObjectNode().put("at", stats.path("at").asText()).put("kind", STATS).put("subject", lab)
                .put("detail", "");
        params.set("stats", stats);
        publish(STATS, params);
    }

    private void publish(String kind, ObjectNode params) {
        subscribers.forEach((channel, sub) -> {
            if (!sub.kinds().contains(kind) || !channel.isActive()) {
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

    /** The event as the API sends it: {@link LabEvent#toJson()}. */
    static ObjectNode eventJson(LabEvent e) {
        return e.toJson();
    }
}

package dev.netloom.nodes.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.ScheduledFuture;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A client for one QEMU's QMP monitor on a Unix socket: commands as futures, events as callbacks.
 *
 * <p>Futures and listeners complete on the connection's event loop; never block inside their callbacks.
 */
public final class QmpClient implements AutoCloseable {

    /** How often to retry while QEMU has not created its socket yet: short, as QEMU creates it within ms. */
    static final long RETRY_MILLIS = 25;

    private final Channel channel;
    private final QmpProtocolHandler protocol;
    private final JsonNode greeting;

    /** For a channel whose pipeline holds {@code protocol} and whose negotiation produced {@code greeting}. */
    QmpClient(Channel channel, QmpProtocolHandler protocol, JsonNode greeting) {
        this.channel = channel;
        this.protocol = protocol;
        this.greeting = greeting;
    }

    /**
     * Connects to the QMP socket QEMU serves at {@code socket}, retrying while QEMU has not created it
     * yet, then negotiates capabilities. The whole of it, negotiation included, is bounded by
     * {@code connectBudget}; failures are {@link QmpException}s that name the socket. Cancelling the
     * returned future stops the retries and closes any connection made.
     */
    public static CompletableFuture<QmpClient> connect(Path socket, EventLoopGroup group, Duration connectBudget) {
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(connectBudget, "connectBudget");
        Connector connector = new Connector(socket, group, connectBudget);
        connector.attempt();
        return connector.result;
    }

    /** Runs a command without arguments; completes with its {@code return} value. */
    public CompletableFuture<JsonNode> execute(String command) {
        return execute(command, null);
    }

    /**
     * Runs a command; completes with its {@code return} value, or exceptionally with a
     * {@link QmpException} carrying QMP's error class and description, or when the connection closes.
     */
    public CompletableFuture<JsonNode> execute(String command, ObjectNode arguments) {
        Objects.requireNonNull(command, "command");
        return protocol.execute(command, arguments);
    }

    /** {@code query-status}: whether the guest runs, and QEMU's run state. */
    public CompletableFuture<QmpStatus> queryStatus() {
        return execute("query-status")
                .thenApply(r -> new QmpStatus(r.path("running").asBoolean(false), r.path("status").asText("")));
    }

    /**
     * {@code quit}: QEMU exits at once. Completes on QEMU's return or, since QEMU may exit before the
     * return is written, when the socket closes after the command was sent.
     */
    public CompletableFuture<Void> quit() {
        return execute("quit").thenApply(r -> null);
    }

    /** {@code system_powerdown}: asks the guest to power off (ACPI); the guest decides whether and when. */
    public CompletableFuture<Void> systemPowerdown() {
        return execute("system_powerdown").thenApply(r -> null);
    }

    /** {@code system_reset}: resets the machine; a RESET event follows. */
    public CompletableFuture<Void> systemReset() {
        return execute("system_reset").thenApply(r -> null);
    }

    /** Calls {@code listener} on the event loop for every event, in arrival order. */
    public void addEventListener(Consumer<QmpEvent> listener) {
        protocol.addEventListener(Objects.requireNonNull(listener, "listener"));
    }

    public void removeEventListener(Consumer<QmpEvent> listener) {
        protocol.removeEventListener(listener);
    }

    /**
     * Completes with the next event called {@code name} (e.g. SHUTDOWN, RESET, POWERDOWN, STOP) that
     * arrives after this call; register before triggering it. Fails if the connection closes first.
     */
    public CompletableFuture<QmpEvent> awaitEvent(String name) {
        return protocol.awaitEvent(Objects.requireNonNull(name, "name"));
    }

    /** QEMU's version from the greeting, e.g. {@code 7.2.22}. */
    public String qemuVersion() {
        JsonNode v = greeting.path("version").path("qemu");
        return v.path("major").asInt() + "." + v.path("minor").asInt() + "." + v.path("micro").asInt();
    }

    /** The greeting's {@code QMP} member: version and capabilities as QEMU announced them. */
    public JsonNode greeting() {
        return greeting;
    }

    public boolean isOpen() {
        return channel.isActive();
    }

    /** Starts closing the connection; pending commands fail (except a sent {@code quit}). Does not block. */
    @Override
    public void close() {
        channel.close();
    }

    /** Completes when the connection is closed, by either side, after pending commands were settled. */
    public CompletableFuture<Void> closeFuture() {
        return protocol.closed();
    }

    @Override
    public String toString() {
        return "QmpClient[" + protocol.peer() + "]";
    }

    /** One connect: retries scheduled on the event loop until the socket accepts or the budget runs out. */
    private static final class Connector {
        final Path socket;
        final EventLoopGroup group;
        final Duration budget;
        final long deadlineNanos;
        final CompletableFuture<QmpClient> result = new CompletableFuture<>();
        int attempts;

        Connector(Path socket, EventLoopGroup group, Duration budget) {
            this.socket = socket;
            this.group = group;
            this.budget = budget;
            this.deadlineNanos = System.nanoTime() + budget.toNanos();
        }

        void attempt() {
            if (result.isDone()) {
                return;
            }
            attempts++;
            QmpProtocolHandler protocol = new QmpProtocolHandler(socket.toString());
            ChannelFuture connecting;
            try {
                connecting = new Bootstrap()
                        .group(group)
                        .channel(EpollDomainSocketChannel.class)
                        .handler(new QmpChannelInitializer(protocol))
                        .connect(new DomainSocketAddress(socket.toFile()));
            } catch (RuntimeException e) {
                // e.g. the group is shut down or is not an epoll group
                result.completeExceptionally(new QmpException("cannot connect to QMP socket " + socket + ": " + e, e));
                return;
            }
            connecting.addListener(f -> {
                if (f.isSuccess()) {
                    negotiate(connecting.channel(), protocol);
                } else {
                    retryOrFail(f.cause());
                }
            });
        }

        private void retryOrFail(Throwable cause) {
            long remaining = deadlineNanos - System.nanoTime();
            if (result.isDone()) {
                return;
            }
            if (remaining <= 0) {
                result.completeExceptionally(new QmpException("QMP socket " + socket + " did not accept a connection within "
                        + budget.toMillis() + " ms (" + attempts + " attempts; last: " + cause.getMessage() + ")", cause));
                return;
            }
            try {
                group.next().schedule(this::attempt, Math.min(TimeUnit.MILLISECONDS.toNanos(RETRY_MILLIS), remaining),
                        TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                result.completeExceptionally(new QmpException("cannot connect to QMP socket " + socket
                        + ": event loop shut down", e));
            }
        }

        private void negotiate(Channel channel, QmpProtocolHandler protocol) {
            long remaining = Math.max(0, deadlineNanos - System.nanoTime());
            ScheduledFuture<?> timeout = channel.eventLoop().schedule(() -> {
                // QEMU serves one monitor client at a time: a second client connects but is never greeted
                result.completeExceptionally(new QmpException("QEMU did not complete QMP negotiation on " + socket
                        + " within " + budget.toMillis() + " ms (is another client connected to it?)", null));
                channel.close();
            }, remaining, TimeUnit.NANOSECONDS);
            protocol.negotiated().whenComplete((greeting, error) -> {
                timeout.cancel(false);
                if (error == null && result.complete(new QmpClient(channel, protocol, greeting))) {
                    return;
                }
                channel.close();
                if (error != null) {
                    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                    result.completeExceptionally(cause instanceof QmpException ? cause
                            : new QmpException("QMP negotiation on " + socket + " failed: " + cause, cause));
                }
            });
        }
    }
}

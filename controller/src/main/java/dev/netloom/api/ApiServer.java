package dev.netloom.api;

import dev.netloom.lab.Lab;
import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.NetloomException;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A running lab's socket API: newline-delimited JSON-RPC 2.0 on a Unix socket (mode 0600), and
 * optionally on a loopback TCP port that requires a token. See docs/api.md for the protocol.
 * {@link #close()} stops listening, closes every connection and removes the socket and token files;
 * the event loop group belongs to the caller.
 */
public final class ApiServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

    /** How often subscribers of the stats event get a reading (only while one is subscribed: nothing is read otherwise). */
    static final Duration STATS_INTERVAL = Duration.ofSeconds(2);

    private final Path socket;
    private final Path tokenFile;
    private final ExecutorService blocking;
    private final java.util.concurrent.ScheduledExecutorService ticker = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "api-stats");
        t.setDaemon(true);
        return t;
    });
    private final ChannelGroup channels = new DefaultChannelGroup("api", GlobalEventExecutor.INSTANCE);
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile int tcpPort = -1;
    private WebView web = WebView.NONE;

    private ApiServer(Path socket, Path tokenFile, ExecutorService blocking) {
        this.socket = socket;
        this.tokenFile = tokenFile;
        this.blocking = blocking;
    }

    /**
     * Serves {@code lab} on {@code unixSocket} and, when {@code tcpOrNull} is given, on that loopback
     * address too. A fresh token is written to {@code tokenFileOrNull} (mode 0600) when it is given: TCP
     * needs it, and so does the web view ({@link #web()}), which starts on request. {@code onDown}
     * runs once, on a thread of its own, after a {@code lab.down} request was answered.
     *
     * @param group an epoll event loop group (e.g. {@code ConsoleSession.newEventLoopGroup(1)}); not closed by the server
     */
    public static ApiServer start(Lab lab, Path unixSocket, EventLoopGroup group, InetSocketAddress tcpOrNull,
                                  Path tokenFileOrNull, Runnable onDown) {
        return start(lab, unixSocket, group, tcpOrNull, tokenFileOrNull, null, null, onDown);
    }

    /**
     * An agent's API (docs/scale-out.md): as above, but on TCP at any address, behind mutual TLS
     * ({@code tls}: only the coordinator's certificate is accepted), with {@code sharedToken} (the one
     * the coordinator and every agent of the lab hold) rather than a fresh one; it is written to
     * {@code tokenFile} too, for local clients.
     */
    public static ApiServer startAgent(Lab lab, Path unixSocket, EventLoopGroup group, InetSocketAddress tcp, Path tokenFile,
                                       String sharedToken, SslContext tls, Runnable onDown) {
        if (sharedToken == null || sharedToken.length() < 32) {
            throw new BadInputException("an agent's token must have at least 32 characters (e.g. `openssl rand -hex 32`)");
        }
        if (tls == null || !tls.isServer()) {
            throw new BadInputException("an agent's API needs its TLS certificates (--tls-dir, docs/scale-out.md)");
        }
        return start(lab, unixSocket, group, tcp, tokenFile, sharedToken, tls, onDown);
    }

    private static ApiServer start(Lab lab, Path unixSocket, EventLoopGroup group, InetSocketAddress tcpOrNull,
                                   Path tokenFileOrNull, String sharedToken, SslContext tls, Runnable onDown) {
        LabBackend backend = new LabBackend(lab);
        EventHub events = new EventHub();
        ApiServer server = start(backend, events, unixSocket, group, tcpOrNull, tokenFileOrNull, sharedToken, tls, () -> {
            backend.stopping();
            if (onDown != null) {
                onDown.run();
            }
        });
        lab.addListener(e -> {
            if (!server.closed.get()) {
                events.publish(e);
            }
        });
        return server;
    }

    /** The server on any {@link LabOps}: the seam the tests use. Events are whatever is published to {@code events}. */
    static ApiServer start(LabOps ops, EventHub events, Path unixSocket, EventLoopGroup group, InetSocketAddress tcpOrNull,
                           Path tokenFileOrNull, Runnable onDown) {
        return start(ops, events, unixSocket, group, tcpOrNull, tokenFileOrNull, onDown, ApiLimits.DEFAULTS);
    }

    /**
     * With {@code sharedToken} (null: a fresh token, loopback only) and {@code tlsOrNull} (TCP behind
     * TLS), as a coordinator's or an agent's API is served.
     */
    public static ApiServer start(LabOps ops, EventHub events, Path unixSocket, EventLoopGroup group, InetSocketAddress tcpOrNull,
                                  Path tokenFileOrNull, String sharedToken, SslContext tlsOrNull, Runnable onDown) {
        return start(ops, events, unixSocket, group, tcpOrNull, tokenFileOrNull, onDown, ApiLimits.DEFAULTS, sharedToken, tlsOrNull);
    }

    /** With other limits than the documented ones, for tests that reach them quickly. */
    static ApiServer start(LabOps ops, EventHub events, Path unixSocket, EventLoopGroup group, InetSocketAddress tcpOrNull,
                           Path tokenFileOrNull, Runnable onDown, ApiLimits limits) {
        return start(ops, events, unixSocket, group, tcpOrNull, tokenFileOrNull, onDown, limits, null, null);
    }

    private static ApiServer start(LabOps ops, EventHub events, Path unixSocket, EventLoopGroup group, InetSocketAddress tcpOrNull,
                                   Path tokenFileOrNull, Runnable onDown, ApiLimits limits, String sharedToken, SslContext tls) {
        if (tcpOrNull != null) {
            if (sharedToken == null && (tcpOrNull.getAddress() == null || !tcpOrNull.getAddress().isLoopbackAddress())) {
                throw new BadInputException("the API's TCP address must be a loopback address (127.0.0.1 or ::1), not " + tcpOrNull
                        + ": the API runs commands as root on the lab's nodes");
            }
            if (tokenFileOrNull == null) {
                throw new BadInputException("the API on TCP needs a token file");
            }
        }
        if (unixSocket.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8).length > OwnerOnlyFiles.MAX_SOCKET_PATH_BYTES) {
            throw new BadInputException("API socket path " + unixSocket + " is longer than " + OwnerOnlyFiles.MAX_SOCKET_PATH_BYTES
                    + " bytes; use a shorter run directory (NETLOOM_RUN)");
        }
        AtomicInteger threads = new AtomicInteger();
        ExecutorService blocking = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "api-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        ApiServer server = new ApiServer(unixSocket, tokenFileOrNull, blocking);
        AtomicBoolean downOnce = new AtomicBoolean();
        Runnable downRequested = () -> {
            if (downOnce.compareAndSet(false, true)) {
                Thread t = new Thread(onDown, "api-lab-down");
                t.setDaemon(false);
                t.start();
            }
        };
        try {
            byte[] token = tokenFileOrNull == null ? null : server.writeToken(sharedToken);
            WebServer web = new WebServer(group, token, server::tracked, server::listening);
            server.web = web;
            RpcHandler.Shared shared = new RpcHandler.Shared(new Methods(ops, blocking, unixSocket.toString(), web), events, ops, token,
                    String.valueOf(tokenFileOrNull), downRequested, limits);
            web.serve(shared);
            server.ticker.scheduleWithFixedDelay(() -> {
                if (events.wantsStats()) {
                    try {
                        events.publishStats(ops.info().lab(), ops.stats().toJson());
                    } catch (RuntimeException e) {
                        log.debug("stats reading failed: {}", e.getMessage());
                    }
                }
            }, STATS_INTERVAL.toMillis(), STATS_INTERVAL.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            server.bindUnix(group, shared);
            if (tcpOrNull != null) {
                server.bindTcp(group, shared, tcpOrNull, tls);
            }
            log.debug("API of {} on {}{}", ops.info().lab(), unixSocket, tcpOrNull == null ? "" : " and " + tcpOrNull.getAddress() + ":" + server.tcpPort);
            return server;
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** Binds with the socket's final mode from the start (see {@link OwnerOnlyFiles#bindSocket}). */
    private void bindUnix(EventLoopGroup group, RpcHandler.Shared shared) {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(EpollServerDomainSocketChannel.class)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true) // answer `printf ... | socat` before closing
                .childHandler(tracked(new ApiChannelInitializer(shared, null, null)));
        Channel ch = OwnerOnlyFiles.bindSocket(socket, at -> {
            try {
                return bootstrap.bind(new DomainSocketAddress(at.toString())).syncUninterruptibly().channel();
            } catch (RuntimeException e) {
                throw new NetloomException("cannot serve the API on " + socket + ": " + e.getMessage(), e);
            }
        });
        channels.add(ch);
    }

    private void bindTcp(EventLoopGroup group, RpcHandler.Shared shared, InetSocketAddress address, SslContext tls) {
        try {
            Channel ch = new ServerBootstrap()
                    .group(group)
                    .channel(EpollServerSocketChannel.class)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .childHandler(tracked(new ApiChannelInitializer(shared, new AtomicInteger(), tls)))
                    .bind(address).syncUninterruptibly().channel();
            channels.add(ch);
            tcpPort = ((InetSocketAddress) ch.localAddress()).getPort();
        } catch (RuntimeException e) {
            throw new NetloomException("cannot serve the API on " + address + ": " + e.getMessage(), e);
        }
    }

    /** 32 random bytes as hex (or the shared token given), in a file that is never readable by others, not even briefly. */
    private byte[] writeToken(String shared) {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String token = shared != null ? shared : HexFormat.of().formatHex(random);
        OwnerOnlyFiles.writeSecret(tokenFile, token + "\n");
        return token.getBytes(StandardCharsets.US_ASCII);
    }

    /** A listener started after the server: closed with the others, or at once when the server is already closed. */
    private void listening(Channel listener) {
        synchronized (closed) {
            if (closed.get()) {
                listener.close();
                throw new NetloomException("the lab's API server is closed");
            }
            channels.add(listener);
        }
    }

    /** Adds every accepted connection to {@link #channels}, so close() can end them. */
    private ChannelHandler tracked(ChannelHandler init) {
        return new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                // under the same lock as close(): a connection accepted while closing is closed, never missed
                synchronized (closed) {
                    if (closed.get()) {
                        ch.close();
                        return;
                    }
                    channels.add(ch);
                }
                ch.pipeline().addLast(init);
            }
        };
    }

    /** The Unix socket's path. */
    public Path socket() {
        return socket;
    }

    /** The bound TCP port (useful with port 0), or -1 without TCP. */
    public int tcpPort() {
        return tcpPort;
    }

    /** Where the lab's token is (TCP and the web view use it), or null without one. */
    public Path tokenFile() {
        return tokenFile;
    }

    /**
     * Serves the web view (docs/web.md) on {@code address} ("127.0.0.1:PORT"; null: a free loopback
     * port) unless it already serves; returns its URL with the token. Needs a token file.
     */
    public String startWeb(String address) {
        return web.start(address);
    }

    /** The web view's URL with the token, or null while it does not serve. */
    public String webUrl() {
        return web.url();
    }

    /** Stops listening, closes every connection, removes the socket and token files. Idempotent. */
    @Override
    public void close() {
        synchronized (closed) {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
        }
        ticker.shutdownNow();
        channels.close().awaitUninterruptibly();
        blocking.shutdownNow();
        try {
            Files.deleteIfExists(socket);
            if (tokenFile != null) {
                Files.deleteIfExists(tokenFile);
            }
        } catch (IOException e) {
            log.debug("cannot remove {}: {}", socket, e.getMessage());
        }
    }
}

package dev.netloom.api;

import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.Config;
import dev.netloom.nodes.NetloomException;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The web view's listener (docs/web.md): HTTP on a loopback TCP port, one {@link WebGate} per
 * connection. Loopback only, like the API on TCP: the page can do what the API does (root on the
 * nodes), and the token travels in plain HTTP; from another machine use an SSH tunnel.
 */
final class WebServer implements WebView {

    /** A request's line and headers; the page sends nothing bigger (only GETs, no bodies). */
    static final int MAX_REQUEST_BYTES = 16 * 1024;

    /** An HTTP connection that sends nothing for this long is closed (until it becomes a WebSocket). */
    static final int HTTP_IDLE_SECONDS = 60;

    static final String HTTP_TIMEOUT = "http-timeout";

    private final EventLoopGroup group;
    private final byte[] token;
    private final UnaryOperator<ChannelHandler> tracked;
    private final Consumer<Channel> listening;
    private RpcHandler.Shared shared; // set once, before any request can arrive
    /** Where the view listens, or null; written under this (start, stop), read without it: status runs on an event loop, which start waits for. */
    private volatile InetSocketAddress bound;

    /**
     * @param tracked   wraps a connection's initializer so that the API server's close() ends the connection
     * @param listening takes the listening channel, for the API server to close with the rest
     */
    WebServer(EventLoopGroup group, byte[] token, UnaryOperator<ChannelHandler> tracked, Consumer<Channel> listening) {
        this.group = group;
        this.token = token;
        this.tracked = tracked;
        this.listening = listening;
    }

    void serve(RpcHandler.Shared shared) {
        this.shared = shared;
    }

    @Override
    public synchronized String start(String address) {
        if (token == null) {
            throw new NetloomException("the web view needs the lab's token, and this server has none");
        }
        InetSocketAddress wanted = address == null ? null : Config.loopback(address, "web address " + address);
        if (bound != null) {
            if (wanted != null && !(wanted.getAddress().equals(bound.getAddress()) && (wanted.getPort() == 0 || wanted.getPort() == bound.getPort()))) {
                throw new BadInputException("the web view already serves at " + base(bound) + "; it serves on one address at a time");
            }
            return url();
        }
        InetSocketAddress at = wanted != null ? wanted : Config.loopback("127.0.0.1:0", "web address");
        ChannelHandler perConnection = new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                // the cookie is named after the port: browsers keep cookies per host, and two labs may share 127.0.0.1
                int port = ((InetSocketAddress) ch.localAddress()).getPort();
                ch.pipeline().addLast(HTTP_TIMEOUT, new ReadTimeoutHandler(HTTP_IDLE_SECONDS))
                        .addLast("http", new HttpServerCodec(4096, MAX_REQUEST_BYTES, 8192))
                        .addLast("http-aggregator", new HttpObjectAggregator(MAX_REQUEST_BYTES))
                        .addLast("web", new WebGate(shared, token, "netloom-" + port));
            }
        };
        try {
            Channel ch = new ServerBootstrap()
                    .group(group)
                    .channel(EpollServerSocketChannel.class)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(tracked.apply(perConnection))
                    .bind(at).syncUninterruptibly().channel();
            bound = (InetSocketAddress) ch.localAddress();
            ch.closeFuture().addListener(f -> stopped());
            listening.accept(ch);
        } catch (RuntimeException e) {
            throw new NetloomException("cannot serve the web view on " + address + ": " + e.getMessage()
                    + " (is the port in use? pick another, e.g. --web 127.0.0.1:8080)", e);
        }
        return url();
    }

    private void stopped() { // on an event loop: never waits for start(), which may wait for that loop
        bound = null;
    }

    @Override
    public String url() {
        InetSocketAddress at = bound;
        return at == null ? null : base(at) + "?token=" + new String(token, StandardCharsets.US_ASCII);
    }

    static String base(InetSocketAddress at) {
        String host = at.getAddress() instanceof Inet6Address ? "[" + at.getAddress().getHostAddress() + "]" : at.getAddress().getHostAddress();
        return "http://" + host + ":" + at.getPort() + "/";
    }
}

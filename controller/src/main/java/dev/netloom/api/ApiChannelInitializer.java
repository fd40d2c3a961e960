package dev.netloom.api;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.ssl.SslContext;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Builds an API connection's pipeline, in order: on an agent's TCP listener TLS, then the outbound
 * cap, line framing, JSON, on TCP the auth gate, then the JSON-RPC handler. {@code node.console} later replaces framing, JSON and
 * JSON-RPC with a {@link ConsoleBridge}.
 */
final class ApiChannelInitializer extends ChannelInitializer<Channel> {

    static final String TLS = "tls";
    static final String OUTBOUND_CAP = "outbound-cap";
    static final String FRAMING = "framing";
    static final String JSON = "json";
    static final String AUTH = "auth";
    static final String RPC = "rpc";
    static final String CONSOLE = "console";
    static final String CAPTURE = "capture";

    private final RpcHandler.Shared shared;
    private final AtomicInteger unauthenticated;
    private final SslContext tls;

    /**
     * @param unauthenticatedOrNull on TCP, the listener's count of connections not yet authenticated; null on the Unix socket
     * @param tlsOrNull             an agent's mutual TLS (docs/scale-out.md); null elsewhere
     */
    ApiChannelInitializer(RpcHandler.Shared shared, AtomicInteger unauthenticatedOrNull, SslContext tlsOrNull) {
        this.shared = shared;
        this.unauthenticated = unauthenticatedOrNull;
        this.tls = tlsOrNull;
    }

    @Override
    protected void initChannel(Channel ch) {
        ApiLimits limits = shared.limits();
        ch.config().setWriteBufferWaterMark(limits.rpcWaterMark());
        boolean tcp = unauthenticated != null;
        if (tls != null) {
            // the handshake's deadline is the auth gate's: the gate starts counting when the connection does
            ch.pipeline().addLast(TLS, tls.newHandler(ch.alloc()));
        }
        ch.pipeline()
                .addLast(OUTBOUND_CAP, new OutboundCap(limits.outboundCapBytes()))
                .addLast(FRAMING, new LineBasedFrameDecoder(tcp ? limits.preAuthLineBytes() : limits.maxLineBytes(), true, true))
                .addLast(JSON, new JsonLineCodec());
        if (tcp) {
            ch.pipeline().addLast(AUTH, new AuthGate(shared, unauthenticated));
        }
        ch.pipeline().addLast(RPC, new RpcHandler(shared));
    }
}

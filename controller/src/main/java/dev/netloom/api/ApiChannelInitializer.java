package dev.netloom.api;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.LineBasedFrameDecoder;

/**
 * Builds an API connection's pipeline, in order: line framing, JSON, then the JSON-RPC handler.
 * {@code node.console} later replaces all three with a {@link ConsoleBridge}.
 */
final class ApiChannelInitializer extends ChannelInitializer<Channel> {

    static final String FRAMING = "framing";
    static final String JSON = "json";
    static final String RPC = "rpc";
    static final String CONSOLE = "console";

    /** One request must fit on a line of at most 1 MiB; longer lines close the connection. */
    static final int MAX_LINE_BYTES = 1 << 20;

    private final RpcHandler.Shared shared;
    private final boolean requireToken;

    ApiChannelInitializer(RpcHandler.Shared shared, boolean requireToken) {
        this.shared = shared;
        this.requireToken = requireToken;
    }

    @Override
    protected void initChannel(Channel ch) {
        ch.pipeline()
                .addLast(FRAMING, new LineBasedFrameDecoder(MAX_LINE_BYTES, true, true))
                .addLast(JSON, new JsonLineCodec())
                .addLast(RPC, new RpcHandler(shared, requireToken));
    }
}

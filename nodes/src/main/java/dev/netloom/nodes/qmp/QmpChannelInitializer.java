package dev.netloom.nodes.qmp;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.LineBasedFrameDecoder;

/**
 * Builds the QMP pipeline, in order: line framing, JSON, then the protocol handler.
 */
final class QmpChannelInitializer extends ChannelInitializer<Channel> {

    /** Large enough for {@code query-qmp-schema} (a few hundred KiB on one line), small enough to bound memory. */
    static final int MAX_LINE_BYTES = 8 * 1024 * 1024;

    private final QmpProtocolHandler protocol;

    /** The handler keeps per-connection state, so each channel gets its own. */
    QmpChannelInitializer(QmpProtocolHandler protocol) {
        this.protocol = protocol;
    }

    @Override
    protected void initChannel(Channel ch) {
        ch.pipeline()
                .addLast("framing", new LineBasedFrameDecoder(MAX_LINE_BYTES))
                .addLast("json", new QmpJsonCodec())
                .addLast("qmp", protocol);
    }
}

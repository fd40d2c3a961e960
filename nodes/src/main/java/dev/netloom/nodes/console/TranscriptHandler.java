package dev.netloom.nodes.console;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.nio.file.Path;

/**
 * Appends every inbound console byte (byte[] messages) to the node's {@link Transcript}, then passes
 * the bytes on; the transcript is flushed once per read batch and closed with the channel.
 */
final class TranscriptHandler extends ChannelInboundHandlerAdapter {

    private final Transcript transcript;

    TranscriptHandler(Path file, long cap) {
        this.transcript = new Transcript(file, cap);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof byte[] bytes) {
            transcript.write(bytes);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        transcript.flush();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        transcript.close();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        transcript.close();
    }
}

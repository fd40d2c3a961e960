package dev.netloom.api;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * The last word on a connection's memory: events and console output are dropped for a client that
 * does not read, but answers are not, so a client that keeps asking and never reads would otherwise
 * grow its outbound buffer without end. A write that would take the unsent bytes past the cap closes
 * the connection instead. Sits at the head of the pipeline, where messages are bytes.
 */
final class OutboundCap extends ChannelOutboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(OutboundCap.class);

    private final long capBytes;

    OutboundCap(long capBytes) {
        this.capBytes = capBytes;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        ChannelOutboundBuffer buffer = ctx.channel().unsafe().outboundBuffer();
        long pending = buffer == null ? 0 : buffer.totalPendingWriteBytes();
        if (pending + size(msg) > capBytes) {
            ReferenceCountUtil.release(msg);
            promise.tryFailure(new IOException("over the outbound cap of " + ApiLimits.size(capBytes)));
            if (ctx.channel().isActive()) {
                log.info("closing API connection {}: it has not read {} bytes of answers and output, the cap is {}",
                        ctx.channel(), pending, ApiLimits.size(capBytes));
                ctx.close();
            }
            return;
        }
        ctx.write(msg, promise);
    }

    private static long size(Object msg) {
        if (msg instanceof ByteBuf b) {
            return b.readableBytes();
        }
        return msg instanceof ByteBufHolder h ? h.content().readableBytes() : 0;
    }
}

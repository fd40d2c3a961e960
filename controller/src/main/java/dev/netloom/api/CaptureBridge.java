package dev.netloom.api;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;

/**
 * A connection after {@code link.capture}: the capture's bytes (pcapng or summary lines) go to the
 * client as they come ({@link StreamBridge}: a slow client slows the capture, so frames wait in
 * tcpdump's pipe and then in the kernel, which drops them for this capture alone), and anything from
 * the client (a byte, or closing its sending side) stops the capture; the connection closes after the
 * last block.
 */
final class CaptureBridge extends StreamBridge {

    private static final Logger log = LoggerFactory.getLogger(CaptureBridge.class);

    private volatile LabOps.CaptureHandle handle;

    CaptureBridge(Channel channel) {
        super(channel);
    }

    /** On the event loop, once the answer is written and this handler is in the pipeline. */
    void started(LabOps.CaptureHandle h) {
        handle = h;
        switched();
        h.ended().whenComplete((why, e) -> channel.eventLoop().execute(() -> {
            log.debug("capture on {} ended: {}", channel, why);
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }));
    }

    private void stop(String why) {
        wake();
        LabOps.CaptureHandle h = handle;
        if (h != null) {
            CompletableFuture.runAsync(() -> h.stop().accept(why)); // never on the event loop: the capture may be mid-write
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
        stop("stopped by the client");
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            stop("stopped by the client");
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stop("the client closed the connection");
        ctx.fireChannelInactive();
    }
}

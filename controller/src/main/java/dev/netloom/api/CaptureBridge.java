package dev.netloom.api;

import dev.netloom.capture.LinkCapture;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * A connection after {@code link.capture}: the capture's bytes (pcapng or summary lines) go to the
 * client as they come, and anything from the client (a byte, or closing its sending side) stops the
 * capture; the connection closes after the last block. A client that reads slowly slows the capture
 * down instead of growing the server's memory: a write waits while the connection is over its high
 * water mark, so frames wait in tcpdump's pipe and then in the kernel, which drops them for this
 * capture alone. Bytes the capture writes before the answer has gone out wait here, up to
 * {@link #EARLY_CAP}.
 */
final class CaptureBridge extends ChannelInboundHandlerAdapter implements LinkCapture.Output {

    private static final Logger log = LoggerFactory.getLogger(CaptureBridge.class);
    /** The capture's first bytes (its header, a first frame) may come before the switch; more than this are dropped. */
    static final int EARLY_CAP = 1 << 20;

    private final Channel channel;
    private final ByteArrayOutputStream early = new ByteArrayOutputStream();
    private boolean switched; // guarded by this
    private long droppedEarly; // guarded by this
    private volatile LabOps.CaptureHandle handle;

    CaptureBridge(Channel channel) {
        this.channel = channel;
    }

    /** From the capture's threads: waits while the client is behind, fails once it is gone. */
    @Override
    public synchronized void write(byte[] bytes) throws IOException {
        if (!switched) {
            if (early.size() + bytes.length <= EARLY_CAP) {
                early.writeBytes(bytes);
            } else {
                droppedEarly++;
            }
            return;
        }
        while (channel.isActive() && !channel.isWritable()) {
            try {
                wait(); // woken by channelWritabilityChanged or channelInactive
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }
        if (!channel.isActive()) {
            throw new IOException("the client closed the connection");
        }
        channel.writeAndFlush(Unpooled.wrappedBuffer(bytes));
    }

    /** On the event loop, once the answer is written and this handler is in the pipeline: the early bytes go out, then the rest as it comes. */
    void started(LabOps.CaptureHandle h) {
        handle = h;
        synchronized (this) {
            if (early.size() > 0) {
                channel.writeAndFlush(Unpooled.wrappedBuffer(early.toByteArray()));
            }
            if (droppedEarly > 0) {
                log.debug("capture: {} frames dropped before the stream started", droppedEarly);
            }
            switched = true;
        }
        h.ended().whenComplete((why, e) -> channel.eventLoop().execute(() -> {
            log.debug("capture on {} ended: {}", channel, why);
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }));
    }

    private void stop(String why) {
        synchronized (this) {
            notifyAll();
        }
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
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        synchronized (this) {
            notifyAll();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stop("the client closed the connection");
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("capture connection {}: {}", ctx.channel(), cause.toString());
        ctx.close();
    }
}

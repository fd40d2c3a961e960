package dev.netloom.api;

import dev.netloom.capture.LinkCapture;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * A connection that carries a byte stream made on other threads (a capture, a console relayed from an
 * agent) to its client. A client that reads slowly slows the stream's writer down instead of growing
 * the server's memory: a write waits while the connection is over its high water mark. Bytes written
 * before the answer has gone out wait here, up to {@link #EARLY_CAP}, and go first once {@link #switched()}.
 */
abstract class StreamBridge extends ChannelInboundHandlerAdapter implements LinkCapture.Output {

    private static final Logger log = LoggerFactory.getLogger(StreamBridge.class);
    /** The stream's first bytes (a header, a first frame) may come before the switch; more than this are dropped. */
    static final int EARLY_CAP = 1 << 20;

    protected final Channel channel;
    private final ByteArrayOutputStream early = new ByteArrayOutputStream();
    private boolean switched; // guarded by this
    private long droppedEarly; // guarded by this

    StreamBridge(Channel channel) {
        this.channel = channel;
    }

    /** From the stream's threads: waits while the client is behind, fails once it is gone. */
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
                wait(); // woken by channelWritabilityChanged or wake()
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
    protected void switched() {
        synchronized (this) {
            if (early.size() > 0) {
                channel.writeAndFlush(Unpooled.wrappedBuffer(early.toByteArray()));
            }
            if (droppedEarly > 0) {
                log.debug("{} writes dropped on {} before the stream started", droppedEarly, channel);
            }
            switched = true;
        }
    }

    /** Wakes a writer that waits for the client (which may have gone). */
    protected void wake() {
        synchronized (this) {
            notifyAll();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        wake();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("stream connection {}: {}", ctx.channel(), cause.toString());
        ctx.close();
    }
}

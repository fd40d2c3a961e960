package dev.netloom.api;

import dev.netloom.nodes.console.Attachment;
import dev.netloom.nodes.console.ConsoleListener;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;

/**
 * A connection after {@code node.console}: console bytes go to the client as they arrive, the
 * client's bytes are typed on the console, and Ctrl-] (0x1d) from the client ends the connection.
 * The console is shared with automation: the node's execs keep running, and what a human types
 * while one runs lands in the same shell.
 */
final class ConsoleBridge extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ConsoleBridge.class);

    /** Ctrl-]: the telnet escape, as in {@code virsh console}. */
    static final byte DETACH = 0x1d;

    /** A client that stops reading loses console output beyond this, rather than the server's memory. */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(4 << 20, 16 << 20);

    private final LabOps.ConsolePort port;
    private final String node;
    private Attachment attachment;
    private volatile long dropped; // written on the console's event loop only

    ConsoleBridge(LabOps.ConsolePort port, String node) {
        this.port = port;
        this.node = node;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        Channel channel = ctx.channel();
        channel.config().setWriteBufferWaterMark(WATER_MARK);
        attachment = port.attach(new ConsoleListener() {
            @Override
            public void onData(byte[] chunk) {
                if (channel.isWritable()) {
                    channel.writeAndFlush(Unpooled.wrappedBuffer(chunk));
                } else {
                    dropped += chunk.length; // the console's event loop is the only writer of this field
                }
            }

            @Override
            public void onClose() {
                channel.close();
            }
        });
        log.debug("console {} attached to {}", node, channel);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (!(msg instanceof ByteBuf buf) || !buf.isReadable()) {
                return;
            }
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            int detach = indexOf(bytes, DETACH);
            byte[] typed = detach < 0 ? bytes : Arrays.copyOf(bytes, detach);
            if (typed.length > 0) {
                port.send(typed).exceptionally(e -> {
                    log.debug("typing on console {} failed: {}", node, e.toString());
                    return null;
                });
            }
            if (detach >= 0) {
                ctx.close();
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /** The client's input ended: like a detach (the server allows half-closure for JSON clients only). */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            ctx.close();
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        detach();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        detach();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("console {} connection {}: {}", node, ctx.channel(), cause.toString());
        ctx.close();
    }

    private void detach() {
        if (attachment != null) {
            attachment.close();
            attachment = null;
            if (dropped > 0) {
                log.debug("console {}: {} bytes dropped while the client did not read", node, dropped);
            }
        }
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}

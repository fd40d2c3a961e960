package dev.netloom.nodes.console;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The business end of a console pipeline: hands inbound byte[] chunks and the end of the stream to
 * one sink (the session's fan-out). Per channel, not shared. When the input ends (the channel
 * half-closes) or fails, it closes the channel through {@code close}, the session's own way.
 */
final class ConsoleHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ConsoleHandler.class);

    private final ConsoleListener sink;
    private final Runnable close;
    private boolean closed;

    /** A handler that closes the channel itself when its input ends. */
    ConsoleHandler(ConsoleListener sink) {
        this(sink, null);
    }

    /** A handler that closes the channel by running {@code close} (null: the channel's own close). */
    ConsoleHandler(ConsoleListener sink, Runnable close) {
        this.sink = sink;
        this.close = close;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof byte[] bytes) {
            if (bytes.length > 0) {
                sink.onData(bytes);
            }
        } else {
            ReferenceCountUtil.release(msg);
            throw new IllegalStateException("console pipeline delivered " + msg.getClass().getName() + ", not byte[]");
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof ChannelInputShutdownEvent) {
            close(ctx); // the node's end of the console is gone: nothing more will come
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        end();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        end();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof java.io.IOException) {
            log.debug("console {} lost: {}", ctx.channel(), cause.toString());
        } else {
            log.warn("console {} failed, closing it: {}", ctx.channel(), cause.toString());
        }
        close(ctx);
    }

    private void close(ChannelHandlerContext ctx) {
        if (close != null) {
            close.run();
        } else {
            ctx.close();
        }
    }

    private void end() {
        if (!closed) {
            closed = true;
            sink.onClose();
        }
    }
}

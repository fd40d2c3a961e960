package dev.netloom.api;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A connection after {@code node.console} on a coordinator (docs/scale-out.md): a pipe to the node's
 * console on its agent. The agent's bytes come to the client as they are ({@link StreamBridge}: a slow
 * client slows the relay, and the agent then drops output for this viewer alone); the client's bytes
 * (typing, resize sequences, Ctrl-]) go to the agent as they are, in order, on a thread of their own,
 * and the client is not read from while more than the console's high mark is on its way.
 * Either side's end ends the other.
 */
final class ConsoleRelay extends StreamBridge {

    private static final Logger log = LoggerFactory.getLogger(ConsoleRelay.class);

    private final ApiLimits limits;
    private final ExecutorService typing = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "console-relay");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong onTheWay = new AtomicLong();
    private volatile LabOps.RelayedConsole remote;

    ConsoleRelay(Channel channel, ApiLimits limits) {
        super(channel);
        this.limits = limits;
    }

    /** On the event loop, once the answer is written and this handler is in the pipeline. */
    void started(LabOps.RelayedConsole r) {
        remote = r;
        switched();
        r.ended().whenComplete((v, e) -> channel.eventLoop().execute(() ->
                channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE)));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            LabOps.RelayedConsole r = remote;
            if (!(msg instanceof ByteBuf buf) || !buf.isReadable() || r == null) {
                return;
            }
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            if (onTheWay.addAndGet(bytes.length) > limits.consoleInputHighBytes()) {
                channel.config().setAutoRead(false);
            }
            typing.execute(() -> {
                try {
                    r.typist().type(bytes);
                } catch (IOException e) {
                    log.debug("console relay to the agent: {}", e.toString());
                    channel.close();
                }
                if (onTheWay.addAndGet(-bytes.length) <= limits.consoleInputLowBytes()) {
                    channel.eventLoop().execute(() -> channel.config().setAutoRead(true));
                }
            });
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            ctx.close();
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        wake();
        LabOps.RelayedConsole r = remote;
        if (r != null) {
            typing.execute(r.close()); // after what was typed before
        }
        typing.shutdown();
        ctx.fireChannelInactive();
    }
}

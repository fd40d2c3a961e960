package dev.netloom.api;

import dev.netloom.nodes.console.ConsoleBroker;
import dev.netloom.nodes.console.ConsoleListener;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A connection after {@code node.console}: one viewer of the node's {@link ConsoleBroker}. Console
 * bytes (and netloom's notes to this viewer) go to the client as they arrive; the client's bytes are
 * typed while it holds the keyboard, its resize sequences size the guest's terminal, and Ctrl-]
 * (0x1d) ends the connection ({@link ConsoleInput}).
 *
 * <p>Neither side may make the server buffer without bound, and a slow viewer must never slow the
 * console down for the automation or other viewers. Output towards a viewer that does not read is
 * dropped for that viewer (it is told how much, in the stream, once it reads again); a client that
 * types faster than the console takes it is not read from until the console has caught up.
 */
final class ConsoleBridge extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ConsoleBridge.class);

    /** How a client attaches: who it is, whether it types, its terminal's size (or null), how many lines of history it sees. */
    record Join(String who, boolean readOnly, ConsoleBroker.Size size, int history) {

        /** node.console's params: name (default "a client"), readOnly, rows and cols (both or neither), history lines. */
        static Join of(Params p) {
            String who = p.has("name") ? p.string("name", "\"alice\"") : "a client";
            if (who.length() > 64 || !who.chars().allMatch(ch -> ch >= 0x20 && ch < 0x7f)) {
                throw p.invalid("name must be 1 to 64 printable ASCII characters, e.g. \"alice\"");
            }
            boolean readOnly = p.has("readOnly") && p.bool("readOnly");
            if (p.has("rows") != p.has("cols")) {
                throw p.invalid("rows and cols go together (the terminal's size, e.g. \"rows\": 24, \"cols\": 80)");
            }
            ConsoleBroker.Size size = p.has("rows") ? new ConsoleBroker.Size((int) p.optLong("rows", 1, ConsoleBroker.Size.MAX, 24),
                    (int) p.optLong("cols", 1, ConsoleBroker.Size.MAX, 80)) : null;
            int history = (int) p.optLong("history", 0, 10_000, size == null ? 24 : size.rows());
            return new Join(who, readOnly, size, history);
        }
    }

    private final ConsoleBroker broker;
    private final String node;
    private final Join join;
    private final ApiLimits limits;
    private final ConsoleInput input = new ConsoleInput();
    private final AtomicLong dropped = new AtomicLong();
    /** Typed bytes handed to the console whose write has not completed; changed on both event loops. */
    private final AtomicLong typing = new AtomicLong();
    private ConsoleBroker.Viewer viewer;

    ConsoleBridge(ConsoleBroker broker, String node, Join join, ApiLimits limits) {
        this.broker = broker;
        this.node = node;
        this.join = join;
        this.limits = limits;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        Channel channel = ctx.channel();
        if (!channel.isActive()) {
            return; // gone before the switch: attaching now would leave a reader nobody detaches
        }
        channel.config().setWriteBufferWaterMark(limits.consoleWaterMark());
        viewer = broker.join(join.who(), join.readOnly(), join.size(), join.history(), new ConsoleListener() {
            @Override
            public void onData(byte[] chunk) {
                // on the console's event loop: never blocks, never waits for this viewer
                if (channel.isWritable()) {
                    long missed = dropped.getAndSet(0);
                    if (missed > 0) {
                        channel.write(Unpooled.wrappedBuffer(droppedNotice(missed)));
                    }
                    channel.writeAndFlush(Unpooled.wrappedBuffer(chunk));
                } else {
                    dropped.addAndGet(chunk.length);
                }
            }

            @Override
            public void onClose() {
                channel.close();
            }
        });
        log.debug("console {} attached to {}", node, channel);
    }

    /** What a viewer sees in place of output it did not read in time. */
    static byte[] droppedNotice(long bytes) {
        return ("\r\n[netloom: " + bytes + " bytes of console output dropped while this viewer did not read]\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (!(msg instanceof ByteBuf buf) || !buf.isReadable()) {
                return;
            }
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            for (ConsoleInput.Event event : input.feed(bytes)) {
                if (event instanceof ConsoleInput.Typed t) {
                    type(ctx, t.bytes());
                } else if (event instanceof ConsoleInput.Resize r && viewer != null) {
                    viewer.resize(r.size());
                } else if (event instanceof ConsoleInput.Detach) {
                    ctx.close();
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /** Types on the console; past the high mark of bytes still on their way, stops reading the client until under the low mark. */
    private void type(ChannelHandlerContext ctx, byte[] typed) {
        Channel channel = ctx.channel();
        if (viewer == null) {
            return;
        }
        if (typing.addAndGet(typed.length) > limits.consoleInputHighBytes()) {
            channel.config().setAutoRead(false);
        }
        viewer.type(typed).whenComplete((v, e) -> {
            if (e != null) {
                log.debug("typing on console {} failed: {}", node, e.toString());
            }
            if (typing.addAndGet(-typed.length) <= limits.consoleInputLowBytes()) {
                channel.eventLoop().execute(() -> resumeReading(channel));
            }
        });
    }

    private void resumeReading(Channel channel) {
        if (!channel.config().isAutoRead() && typing.get() <= limits.consoleInputLowBytes()) {
            channel.config().setAutoRead(true);
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
        if (viewer != null) {
            viewer.close();
            viewer = null;
            long missed = dropped.get();
            if (missed > 0) {
                log.debug("console {}: {} bytes dropped while the client did not read", node, missed);
            }
        }
    }
}

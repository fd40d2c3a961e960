package dev.netloom.nodes.console;

import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.NodeLimits;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.UnixChannel;
import io.netty.handler.codec.bytes.ByteArrayDecoder;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * Owns one node's serial console: every inbound byte goes to the transcript file, to a rolling buffer
 * for expectations and error messages, and to any attached readers; one writer types at a time.
 * Works over any Netty channel: a QEMU console socket in production, an EmbeddedChannel in tests.
 *
 * <p>Over a socket, bytes are typed by the thread that sends them, straight into the socket (which is
 * non-blocking), rather than handed to the event loop: a command then costs one thread wake-up, the
 * answer's, instead of three (issue 13; nodes.md, "Exec framing"). Only what the socket does not take
 * at once, or what is sent while Netty still writes earlier bytes, goes through the channel. The
 * descriptor is written only under {@link #writeLock} and only while {@code closing} is false, and
 * every close of the channel sets {@code closing} first (the channel half-closes on end of input, so
 * that the session, not Netty, closes it): a closed descriptor, whose number the process may already
 * have given to another file, is never written.
 */
public final class ConsoleSession implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConsoleSession.class);
    private static final AttributeKey<ConsoleSession> SESSION = AttributeKey.valueOf("netloom.console");
    /** QEMU creates its socket a moment after it starts; retry this often until the budget is spent. */
    private static final long RETRY_MILLIS = 25;

    private final Channel channel;
    private final LongSupplier clock;
    private final ConsoleBuffer buffer = new ConsoleBuffer();
    private final List<ConsoleListener> readers = new CopyOnWriteArrayList<>();
    private final AtomicReference<WriterLease> writer = new AtomicReference<>();
    private final Object writeLock = new Object();
    /** The socket, written directly by senders; null over channels without one (tests). */
    private final DirectWriter direct;
    private int channelWrites;  // writes handed to the channel and not yet done; guarded by writeLock
    private boolean closing;    // set before the channel closes, for good; guarded by writeLock
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
    private volatile long lastOutputNanos;

    /** A session over {@code channel} with the system clock; {@code transcript} may be null. */
    public ConsoleSession(Channel channel, Path transcript) {
        this(channel, transcript, System::nanoTime);
    }

    /** A session whose output times come from {@code clock} (nanoseconds, like System.nanoTime). */
    public ConsoleSession(Channel channel, Path transcript, LongSupplier clock) {
        this(channel, transcript, NodeLimits.DEFAULT_TRANSCRIPT_CAP, clock);
    }

    /** A session whose transcript is rotated at {@code transcriptCap} bytes (see {@link TranscriptHandler}). */
    public ConsoleSession(Channel channel, Path transcript, long transcriptCap, LongSupplier clock) {
        this.channel = channel;
        this.clock = clock;
        this.lastOutputNanos = clock.getAsLong();
        this.direct = channel instanceof UnixChannel unix ? new DirectWriter(unix) : null;
        initPipeline(channel.pipeline(), transcript, transcriptCap, new Fanout(), this::closeChannel);
    }

    /** The whole console pipeline, in order: bytes out of buffers, transcript, then the session. */
    static void initPipeline(ChannelPipeline pipeline, Path transcript, long transcriptCap, ConsoleListener session,
                             Runnable close) {
        pipeline.addLast("decoder", new ByteArrayDecoder());
        if (transcript != null) {
            pipeline.addLast("transcript", new TranscriptHandler(transcript, transcriptCap));
        }
        pipeline.addLast("console", new ConsoleHandler(session, close));
    }

    /** An epoll event loop group with daemon threads, fit for {@link #connect}. */
    public static EventLoopGroup newEventLoopGroup(int threads) {
        requireEpoll();
        return new EpollEventLoopGroup(threads, new DefaultThreadFactory("netloom-console", true));
    }

    /**
     * Connects to a console socket created by QEMU ({@code -chardev socket,path=...,server=on,wait=off}),
     * retrying every 25 ms on the event loop while the socket is missing or not yet listening. Fails
     * with a NetloomException naming the socket once {@code connectBudget} is spent.
     */
    public static CompletableFuture<ConsoleSession> connect(Path socket, Path transcript, EventLoopGroup group,
                                                            Duration connectBudget) {
        return connect(socket, transcript, NodeLimits.DEFAULT_TRANSCRIPT_CAP, group, connectBudget);
    }

    /** Like {@link #connect(Path, Path, EventLoopGroup, Duration)}, rotating the transcript at {@code transcriptCap} bytes. */
    public static CompletableFuture<ConsoleSession> connect(Path socket, Path transcript, long transcriptCap, EventLoopGroup group,
                                                            Duration connectBudget) {
        requireEpoll();
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(EpollDomainSocketChannel.class)
                // end of input half-closes: the session closes the socket itself (see the class comment)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.attr(SESSION).set(new ConsoleSession(ch, transcript, transcriptCap, System::nanoTime));
                    }
                });
        CompletableFuture<ConsoleSession> result = new CompletableFuture<>();
        long deadline = System.nanoTime() + connectBudget.toNanos();
        attempt(bootstrap, socket, deadline, connectBudget, result);
        return result;
    }

    private static void attempt(Bootstrap bootstrap, Path socket, long deadline, Duration budget,
                                CompletableFuture<ConsoleSession> result) {
        bootstrap.connect(new DomainSocketAddress(socket.toString())).addListener((ChannelFuture f) -> {
            if (f.isSuccess()) {
                if (!result.complete(f.channel().attr(SESSION).get())) {
                    f.channel().close(); // the caller gave up meanwhile
                }
            } else if (result.isDone()) {
                return;
            } else if (System.nanoTime() - deadline >= 0) {
                result.completeExceptionally(new NetloomException("console socket " + socket
                        + " did not accept a connection within " + budget.toMillis() + " ms (last error: "
                        + f.cause().getMessage() + "); did QEMU start?", f.cause()));
            } else {
                f.channel().eventLoop().schedule(() -> attempt(bootstrap, socket, deadline, budget, result),
                        RETRY_MILLIS, TimeUnit.MILLISECONDS);
            }
        });
    }

    private static void requireEpoll() {
        if (!Epoll.isAvailable()) {
            throw new NetloomException("native epoll transport is unavailable (netloom needs Linux x86-64): "
                    + Epoll.unavailabilityCause());
        }
    }

    /** Attaches a reader that sees every byte from now on, until the attachment is closed. */
    public Attachment attach(ConsoleListener listener) {
        readers.add(listener);
        return () -> readers.remove(listener);
    }

    /** Types bytes on the console as automation; fails while a human holds the writer. */
    public CompletableFuture<Void> send(byte[] bytes) {
        WriterLease holder = writer.get();
        if (holder != null) {
            return CompletableFuture.failedFuture(new NetloomException("console " + name()
                    + " is taken by " + holder.owner() + "; automation cannot type until it is released"));
        }
        return write(bytes);
    }

    /** Types text (UTF-8) on the console as automation. */
    public CompletableFuture<Void> send(String text) {
        return send(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Takes the writer for {@code owner}; automation's sends fail until the lease is closed. Fails
     * at once if someone else holds it: two humans typing into one shell help nobody.
     */
    public WriterLease acquireWriter(String owner) {
        WriterLease lease = new WriterLease(this, owner);
        WriterLease holder = writer.compareAndExchange(null, lease);
        if (holder != null) {
            throw new NetloomException("console " + name() + " is already taken by " + holder.owner());
        }
        return lease;
    }

    void release(WriterLease lease) {
        writer.compareAndSet(lease, null);
    }

    /**
     * Types {@code bytes}: straight into the socket from this thread when nothing is queued on the
     * channel, the rest (what the socket did not take at once) through the channel, in order.
     */
    CompletableFuture<Void> write(byte[] bytes) {
        ChannelFuture queued;
        synchronized (writeLock) {
            if (closing) {
                return CompletableFuture.failedFuture(new NetloomException("typing on console " + name()
                        + " failed: the console is closed"));
            }
            int done = 0;
            if (direct != null && channelWrites == 0) {
                try {
                    done = direct.write(bytes);
                } catch (IOException e) {
                    closing = true;
                    channel.close();
                    return CompletableFuture.failedFuture(new NetloomException("typing on console " + name()
                            + " failed: " + e, e));
                }
            }
            if (done == bytes.length) {
                return CompletableFuture.completedFuture(null);
            }
            channelWrites++;
            queued = channel.writeAndFlush(Unpooled.wrappedBuffer(bytes, done, bytes.length - done));
        }
        CompletableFuture<Void> written = new CompletableFuture<>();
        queued.addListener(f -> {
            synchronized (writeLock) {
                channelWrites--;
                if (!f.isSuccess()) {
                    closing = true; // Netty may have closed the socket already
                }
            }
            if (f.isSuccess()) {
                written.complete(null);
            } else {
                written.completeExceptionally(new NetloomException("typing on console " + name() + " failed: "
                        + f.cause(), f.cause()));
            }
        });
        return written;
    }

    /** Closes the channel, after making sure no sender writes its socket any more. */
    private void closeChannel() {
        synchronized (writeLock) {
            closing = true;
        }
        channel.close();
    }

    /** Matches {@code pattern} against console bytes that arrive after this call; see {@link ConsoleBuffer}. */
    public CompletableFuture<ConsoleMatch> expect(Pattern pattern) {
        return buffer.expect(pattern);
    }

    /** Matches {@code pattern} against the stream from absolute offset {@code fromOffset} on. */
    public CompletableFuture<ConsoleMatch> expect(Pattern pattern, long fromOffset) {
        return buffer.expect(pattern, fromOffset);
    }

    /** {@link ConsoleBuffer#expectText}: against the console's text, terminal control sequences removed. */
    public CompletableFuture<ConsoleMatch> expectText(Pattern pattern, long fromOffset) {
        return buffer.expectText(pattern, fromOffset);
    }

    /** The absolute stream offset just past the last byte received. */
    public long offset() {
        return buffer.offset();
    }

    /** The last lines of console text, made printable, for error messages. */
    public String lastLines(int n) {
        return buffer.lastLines(n);
    }

    /** When the last byte arrived, on {@link #clock()}; the session's creation time before any output. */
    public long lastOutputNanos() {
        return lastOutputNanos;
    }

    /** The clock output times are measured on. */
    public LongSupplier clock() {
        return clock;
    }

    /** The event loop the console's bytes arrive on; timers about this console belong here. */
    public EventLoop eventLoop() {
        return channel.eventLoop();
    }

    /** Completes when the console has closed and its transcript is flushed. */
    public CompletableFuture<Void> closeFuture() {
        return closeFuture;
    }

    public boolean isOpen() {
        return !closeFuture.isDone();
    }

    @Override
    public void close() {
        closeChannel();
    }

    /** The socket path, for messages. */
    public String name() {
        Object address = channel.remoteAddress();
        return address == null ? channel.toString() : address.toString();
    }

    /** Where the handler's bytes go: rolling buffer, then readers. Runs on the event loop. */
    private final class Fanout implements ConsoleListener {

        @Override
        public void onData(byte[] chunk) {
            lastOutputNanos = clock.getAsLong();
            buffer.append(chunk);
            for (ConsoleListener reader : readers) {
                try {
                    reader.onData(chunk);
                } catch (RuntimeException e) {
                    log.warn("console reader {} failed on {} bytes: {}", reader, chunk.length, e.toString());
                }
            }
        }

        @Override
        public void onClose() {
            synchronized (writeLock) {
                closing = true; // also after a close the session did not start (the event loop shut down)
            }
            buffer.close("closed");
            for (ConsoleListener reader : readers) {
                try {
                    reader.onClose();
                } catch (RuntimeException e) {
                    log.warn("console reader {} failed on close: {}", reader, e.toString());
                }
            }
            closeFuture.complete(null);
        }
    }
}

package dev.netloom.nodes.console;

import dev.netloom.nodes.NetloomException;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoop;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.nio.NioTask;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A console socket on a JDK {@link SocketChannel} (issue 13): a thread waiting for its command's answer
 * reads the socket itself ({@link #readWhile}), so that the answer wakes that thread and no other; the
 * rest of the time a Netty NIO event loop reads it (boot log, a person's session, the prompt after a
 * command), the loop whose thread also keeps the console's timers. Whoever reads hands the bytes to the
 * sink holding {@link #readLock}, so the sink sees one chunk at a time, in order, whichever thread
 * read it. Writes go straight into the (non-blocking) socket from the sender's thread; what it does
 * not take at once waits, in order, for the loop to finish it.
 */
final class SocketConsole {

    private static final Logger log = LoggerFactory.getLogger(SocketConsole.class);
    private static final long RETRY_MILLIS = 25;
    private static final int READ_BYTES = 16 * 1024;
    private static final int READS_PER_BATCH = 16;

    /** Where a console's bytes go; called holding the read lock, one chunk at a time. */
    interface Sink {
        void onData(byte[] chunk);

        /** The reader took what the socket had: a good moment to flush. */
        void onBatchEnd();

        /** The console ended (closed by either side); called once. */
        void onClose();
    }

    /** The loops that read idle consoles and keep their timers: two daemon threads, made on first use. */
    private static final class Loops {
        static final EventLoopGroup GROUP = new NioEventLoopGroup(2, new DefaultThreadFactory("netloom-console-nio", true));
    }

    private final SocketChannel channel;
    private final NioEventLoop loop;
    private final Path path;
    private final ReentrantLock readLock = new ReentrantLock();
    private final ByteBuffer in = ByteBuffer.allocateDirect(READ_BYTES);     // guarded by readLock
    private final AtomicReference<Thread> reader = new AtomicReference<>(); // a caller reading, or null
    private final AtomicBoolean refreshQueued = new AtomicBoolean();
    private final Object writeLock = new Object();
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();          // guarded by writeLock
    private boolean closed;                                                  // guarded by writeLock
    private boolean ended;                                                   // guarded by readLock
    private Selector callerSelector;  // used by the thread holding `reader` only
    private SelectionKey key;         // the loop's; loop only
    private Sink sink;

    private SocketConsole(SocketChannel channel, NioEventLoop loop, Path path) {
        this.channel = channel;
        this.loop = loop;
        this.path = path;
    }

    /**
     * Connects to {@code socket} (QEMU's {@code server=on,wait=off} console), retrying every 25 ms on the
     * loop while it is missing or not yet listening; fails naming the socket once {@code budget} is spent.
     */
    static CompletableFuture<SocketConsole> connect(Path socket, Duration budget) {
        NioEventLoop loop = (NioEventLoop) Loops.GROUP.next();
        CompletableFuture<SocketConsole> result = new CompletableFuture<>();
        long deadline = System.nanoTime() + budget.toNanos();
        loop.execute(() -> attempt(socket, loop, deadline, budget, result));
        return result;
    }

    private static void attempt(Path socket, NioEventLoop loop, long deadline, Duration budget, CompletableFuture<SocketConsole> result) {
        if (result.isDone()) {
            return;
        }
        SocketChannel ch = null;
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket)); // a Unix socket connects at once or not at all
            ch.configureBlocking(false);
            if (!result.complete(new SocketConsole(ch, loop, socket))) {
                ch.close(); // the caller gave up meanwhile
            }
        } catch (IOException e) {
            closeQuietly(ch);
            if (System.nanoTime() - deadline >= 0) {
                result.completeExceptionally(new NetloomException("console socket " + socket + " did not accept a connection within "
                        + budget.toMillis() + " ms (last error: " + e + "); did QEMU start?", e));
            } else {
                loop.schedule(() -> attempt(socket, loop, deadline, budget, result), RETRY_MILLIS, TimeUnit.MILLISECONDS);
            }
        }
    }

    /** Starts reading into {@code sink}: nothing is read before this. */
    void start(Sink sink) {
        this.sink = sink;
        // writable at once: the first readiness tells the loop its key, which it needs to change interests
        loop.register(channel, SelectionKey.OP_READ | SelectionKey.OP_WRITE, new NioTask<SocketChannel>() {
            @Override
            public void channelReady(SocketChannel ch, SelectionKey k) {
                key = k;
                if (k.isValid() && k.isWritable()) {
                    flushPending();
                }
                if (k.isValid() && k.isReadable()) {
                    readAvailable();
                }
            }

            @Override
            public void channelUnregistered(SocketChannel ch, Throwable cause) {
                close();
            }
        });
    }

    /** The loop that reads this console while no caller does, and keeps its timers. */
    NioEventLoop loop() {
        return loop;
    }

    String name() {
        return path.toString();
    }

    /** Runs {@code action} while no reader hands bytes to the sink: for timers that touch what the sink feeds. */
    void exclusive(Runnable action) {
        readLock.lock();
        try {
            action.run();
        } finally {
            readLock.unlock();
        }
    }

    /**
     * Reads the console on this thread until {@code done} completes, the console closes or
     * {@code deadlineNanos} (System.nanoTime) passes, while the loop leaves it alone. Returns at once on
     * the loop's own thread, or when another caller is reading already (the reader serves both).
     */
    void readWhile(CompletableFuture<?> done, long deadlineNanos) {
        Thread me = Thread.currentThread();
        if (done.isDone() || loop.inEventLoop() || !reader.compareAndSet(null, me)) {
            return;
        }
        try {
            Selector selector = callerSelector();
            refreshInterest();
            done.whenComplete((r, e) -> {
                if (Thread.currentThread() != me) {
                    selector.wakeup(); // completed elsewhere (a timer, the loop, a close): stop waiting
                }
            });
            while (!done.isDone() && isOpen()) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                selector.selectedKeys().clear();
                readAvailable();
            }
        } catch (IOException e) {
            log.debug("console {}: reading on the caller's thread failed, the loop reads on: {}", path, e.toString());
        } finally {
            if (!isOpen()) {
                closeQuietly(callerSelector);
            }
            reader.set(null);
            refreshInterest();
        }
    }

    private Selector callerSelector() throws IOException {
        if (callerSelector == null) {
            Selector s = Selector.open();
            channel.register(s, SelectionKey.OP_READ);
            callerSelector = s;
        }
        return callerSelector;
    }

    /** Has the loop read the socket only while no caller does (one task queued at a time; it reads the state when it runs). */
    private void refreshInterest() {
        if (refreshQueued.compareAndSet(false, true)) {
            loop.execute(() -> {
                refreshQueued.set(false);
                updateInterest();
            });
        }
    }

    private void updateInterest() { // on the loop
        SelectionKey k = key; // known from the first readiness on, which comes at once (see start)
        if (k == null || !k.isValid()) {
            return;
        }
        int ops = reader.get() == null ? SelectionKey.OP_READ : 0;
        synchronized (writeLock) {
            if (!pending.isEmpty()) {
                ops |= SelectionKey.OP_WRITE;
            }
        }
        if (k.interestOps() != ops) {
            k.interestOps(ops);
        }
    }

    /** Reads what the socket has (up to a batch) and hands it to the sink; on end of input, closes. */
    private void readAvailable() {
        readLock.lock();
        try {
            if (ended) {
                return;
            }
            for (int reads = 0; reads < READS_PER_BATCH; reads++) {
                in.clear();
                int n;
                try {
                    n = channel.read(in);
                } catch (IOException e) {
                    n = -1;
                    log.debug("console {} lost: {}", path, e.toString());
                }
                if (n < 0) {
                    sink.onBatchEnd();
                    close();
                    end();
                    return;
                }
                if (n == 0) {
                    break;
                }
                in.flip();
                byte[] chunk = new byte[n];
                in.get(chunk);
                sink.onData(chunk);
                if (n < READ_BYTES) {
                    break;
                }
            }
            sink.onBatchEnd();
        } finally {
            readLock.unlock();
        }
    }

    private void end() { // holding readLock
        if (!ended) {
            ended = true;
            sink.onClose();
        }
    }

    /** Types {@code bytes}: into the socket from this thread; what it does not take at once, in order, from the loop. */
    CompletableFuture<Void> write(byte[] bytes) {
        synchronized (writeLock) {
            if (closed) {
                return CompletableFuture.failedFuture(new NetloomException("typing on console " + path + " failed: the console is closed"));
            }
            ByteBuffer out = ByteBuffer.wrap(bytes);
            if (pending.isEmpty()) {
                try {
                    channel.write(out);
                } catch (IOException e) {
                    loop.execute(this::close);
                    return CompletableFuture.failedFuture(new NetloomException("typing on console " + path + " failed: " + e, e));
                }
                if (!out.hasRemaining()) {
                    return CompletableFuture.completedFuture(null);
                }
            }
            Pending p = new Pending(out, new CompletableFuture<>());
            pending.add(p);
            refreshInterest();
            return p.written();
        }
    }

    private void flushPending() { // on the loop
        while (true) {
            Pending p;
            synchronized (writeLock) {
                p = pending.peek();
                if (p == null) {
                    break;
                }
                try {
                    channel.write(p.bytes());
                } catch (IOException e) {
                    close();
                    return;
                }
                if (p.bytes().hasRemaining()) {
                    return; // still full: the loop calls again when it is writable
                }
                pending.poll();
            }
            p.written().complete(null);
        }
        updateInterest();
    }

    boolean isOpen() {
        return channel.isOpen();
    }

    /** Closes the socket (no write reaches it after this) and, on the loop, ends the sink. */
    void close() {
        Pending[] failed;
        synchronized (writeLock) {
            if (closed) {
                return;
            }
            closed = true;
            failed = pending.toArray(new Pending[0]);
            pending.clear();
        }
        closeQuietly(channel);
        Arrays.stream(failed).forEach(p -> p.written().completeExceptionally(new NetloomException("console " + path + " closed")));
        Selector s = callerSelector;
        if (s != null) {
            s.wakeup();
        }
        loop.execute(() -> {
            readLock.lock();
            try {
                end();
            } finally {
                readLock.unlock();
            }
            Selector c = callerSelector;
            if (c != null && reader.get() == null) {
                closeQuietly(c);
            }
        });
    }

    private static void closeQuietly(java.io.Closeable c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException e) {
                log.debug("closing {}: {}", c, e.toString());
            }
        }
    }

    /** Bytes the socket did not take yet, and the future of their typing. */
    private record Pending(ByteBuffer bytes, CompletableFuture<Void> written) {
    }
}

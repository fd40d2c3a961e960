package dev.netloom.capture;

import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.host.Netns;
import dev.netloom.nodes.host.Proc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A running capture of a link or LAN: one tcpdump per tap ({@link Tcpdump#live}), whose pcap streams
 * are merged, frame by frame, into one output as pcapng (an interface per tap) or as summary lines.
 * The output may block (a slow reader): the frames then wait in tcpdump's pipe and, when that is full,
 * the kernel drops them for this capture only, as tcpdump reports; nothing here grows. It ends after
 * {@code count} frames, after {@code duration}, when {@link #stop} is called, or when tcpdump ends;
 * {@link #ended()} completes once the last byte is written, and only the processes it started are
 * stopped.
 */
public final class LinkCapture implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LinkCapture.class);
    /** How long tcpdump gets to open its tap and say "listening on". */
    static final Duration LISTEN_TIMEOUT = Duration.ofSeconds(20);
    static final Duration STOP_GRACE = Duration.ofSeconds(3);

    /** How frames are written. */
    public enum Format {
        /** pcapng: a section header, an interface per tap, then a block per frame. */
        PCAPNG,
        /** one line per frame ({@link Summary}). */
        TEXT;

        public static Format of(String name) {
            return switch (name) {
                case "pcapng" -> PCAPNG;
                case "text" -> TEXT;
                default -> throw new IllegalArgumentException("format is \"pcapng\" or \"text\", not \"" + name + "\"");
            };
        }
    }

    /** Where the bytes go; a write may block while the reader is slow, and throws once it is gone. */
    @FunctionalInterface
    public interface Output {
        void write(byte[] bytes) throws IOException;
    }

    private final List<CaptureTap> taps;
    private final Format format;
    private final long count;
    private final Output out;
    private final List<Process> processes = new ArrayList<>();
    private final List<StringBuilder> errors = new ArrayList<>();
    private final Object lock = new Object();
    private final CompletableFuture<String> ended = new CompletableFuture<>();
    private final CompletableFuture<Void> stopping = new CompletableFuture<>();
    private volatile CountDownLatch readers;
    private long written; // guarded by lock
    private volatile String reason;

    private LinkCapture(List<CaptureTap> taps, Format format, long count, Output out) {
        this.taps = List.copyOf(taps);
        this.format = format;
        this.count = count;
        this.out = out;
    }

    /**
     * Starts capturing on {@code taps} in {@code namespace} and returns once every tcpdump listens
     * (frames sent after that are captured). {@code filter} must have been checked
     * ({@link Tcpdump#checkFilter}); {@code count} 0 and {@code duration} null mean no limit.
     */
    public static LinkCapture start(Netns namespace, List<CaptureTap> taps, String filter, Format format, long count,
                                    Duration duration, Output out) {
        LinkCapture c = new LinkCapture(taps, format, count, out);
        c.stopping.thenRunAsync(c::finish, r -> daemon("capture-end", r));
        try {
            c.begin(namespace, filter, duration);
        } catch (RuntimeException e) {
            c.stop("failed");
            c.ended.join();
            throw e;
        }
        return c;
    }

    private void begin(Netns namespace, String filter, Duration duration) {
        List<CountDownLatch> listening = new ArrayList<>();
        for (CaptureTap t : taps) {
            Process p;
            try {
                p = Proc.startPiped(Tcpdump.live(namespace, t.tap(), filter));
            } catch (IOException e) {
                throw new NetloomException("cannot run tcpdump: " + e.getMessage() + " (install it with apt-get install tcpdump;"
                        + " `netloom setup` does)", e);
            }
            processes.add(p);
            StringBuilder err = new StringBuilder();
            errors.add(err);
            CountDownLatch ready = new CountDownLatch(1);
            listening.add(ready);
            daemon("capture-stderr-" + t.tap(), () -> drainErrors(p.getErrorStream(), err, ready));
        }
        write(header());
        readers = new CountDownLatch(taps.size());
        for (int i = 0; i < taps.size(); i++) {
            int index = i;
            daemon("capture-" + taps.get(i).tap(), () -> read(index));
        }
        long deadline = System.nanoTime() + LISTEN_TIMEOUT.toNanos();
        for (int i = 0; i < taps.size(); i++) {
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                if (!listening.get(i).await(left, TimeUnit.NANOSECONDS) || !processes.get(i).isAlive() && !isListening(i)) {
                    throw new NetloomException("tcpdump on tap " + taps.get(i).tap() + " did not start capturing: " + errorText(i));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new NetloomException("interrupted while starting a capture", e);
            }
        }
        if (duration != null) {
            CompletableFuture.delayedExecutor(duration.toNanos(), TimeUnit.NANOSECONDS).execute(() -> stop("duration"));
        }
    }

    private boolean isListening(int i) {
        synchronized (errors.get(i)) {
            return errors.get(i).indexOf("listening on") >= 0;
        }
    }

    private String errorText(int i) {
        synchronized (errors.get(i)) {
            String s = errors.get(i).toString().strip();
            return s.isEmpty() ? "no message" : s.replace('\n', ' ');
        }
    }

    private static void drainErrors(InputStream in, StringBuilder err, CountDownLatch ready) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (err) {
                    if (err.length() < 8192) {
                        err.append(line).append('\n');
                    }
                }
                if (line.contains("listening on")) {
                    ready.countDown();
                }
            }
        } catch (IOException e) {
            // the process is gone
        } finally {
            ready.countDown();
        }
    }

    /** The bytes before the first frame: pcapng's section header and one interface per tap; nothing for text. */
    private byte[] header() {
        if (format == Format.TEXT) {
            return new byte[0];
        }
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        b.writeBytes(Pcapng.sectionHeader());
        taps.forEach(t -> b.writeBytes(Pcapng.interfaceDescription(t.tap(), t.description())));
        return b.toByteArray();
    }

    /** Encodes one frame of tap {@code index}. */
    byte[] encode(int index, PcapReader.Packet p) {
        return switch (format) {
            case PCAPNG -> Pcapng.enhancedPacket(index, p.micros(), p.data(), p.originalLength(), Pcapng.Direction.INBOUND);
            case TEXT -> (Summary.line(p.micros(), taps.get(index).label(), p.data(), p.originalLength()) + "\n")
                    .getBytes(StandardCharsets.UTF_8);
        };
    }

    private void read(int index) {
        try (InputStream in = processes.get(index).getInputStream()) {
            PcapReader reader = PcapReader.open(in);
            PcapReader.Packet p;
            while (reader != null && (p = reader.next()) != null) {
                synchronized (lock) {
                    if (reason != null) {
                        break;
                    }
                    write(encode(index, p));
                    written++;
                    if (count > 0 && written >= count) {
                        stop("count");
                    }
                }
            }
        } catch (IOException e) {
            log.debug("capture on {}: {}", taps.get(index).tap(), e.toString());
        } finally {
            readers.countDown();
            if (readers.getCount() == 0) {
                stop("tcpdump ended: " + errorText(index));
            }
        }
    }

    private void write(byte[] bytes) {
        if (bytes.length == 0) {
            return;
        }
        try {
            out.write(bytes);
        } catch (IOException e) {
            stop("the reader went away");
        }
    }

    /** Frames written so far. */
    public long frames() {
        synchronized (lock) {
            return written;
        }
    }

    /** The taps and what each sees. */
    public List<CaptureTap> taps() {
        return taps;
    }

    /** Completes with why the capture ended ("count", "duration", "stopped", ...) once every frame is written and every tcpdump is gone. */
    public CompletableFuture<String> ended() {
        return ended;
    }

    /** Ends the capture (idempotent): no frame is written after this returns; the tcpdumps are stopped (SIGTERM, then SIGKILL). */
    public void stop(String why) {
        synchronized (lock) {
            if (reason == null) {
                reason = why;
            }
        }
        for (Process p : processes) {
            p.destroy();
        }
        stopping.complete(null);
    }

    /** After {@link #stop}: waits (bounded) for the tcpdumps to exit and the readers to write their last frames, then completes {@link #ended}. */
    private void finish() {
        long deadline = System.nanoTime() + STOP_GRACE.toNanos();
        try {
            for (Process p : processes) {
                if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    p.destroyForcibly();
                    p.waitFor();
                }
            }
            if (readers != null) {
                readers.await(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            processes.forEach(Process::destroyForcibly);
        }
        ended.complete(reason);
    }

    @Override
    public void close() {
        stop("stopped");
        ended.join();
    }

    private static void daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }
}

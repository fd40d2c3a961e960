package dev.netloom.bench;

import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.console.ExecFraming;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The least a program needs to drive a guest shell on a QEMU console socket: blocking java.nio, write
 * a line, read until a marker line. It is the exec baseline, so it does nothing netloom does not have to.
 * A read that outlives its budget is ended by closing the channel from a watchdog thread.
 */
final class RawShell implements AutoCloseable {

    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "raw-shell-watchdog");
        t.setDaemon(true);
        return t;
    });

    private final SocketChannel channel;
    private final ByteBuffer in = ByteBuffer.allocate(1 << 16).flip();
    private final LineScanner scanner = new LineScanner(Pattern.compile("$^"));

    private RawShell(SocketChannel channel) {
        this.channel = channel;
    }

    /** Connects to a console socket that QEMU already listens on. */
    static RawShell connect(Path socket) {
        try {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket));
            return new RawShell(ch);
        } catch (IOException e) {
            throw new NetloomException("cannot connect to console socket " + socket + ": " + e.getMessage(), e);
        }
    }

    private static final Pattern SYNCED = Pattern.compile("^@@SYNC$");

    /**
     * Waits for the boot marker, then quiets the shell as netloom's preparation does (no echo, and no
     * prompt at all) and installs netloom's framing function, for {@link #framedTrue}.
     */
    void awaitQuietShell(Pattern bootMarker, Duration bootBudget, Duration step) {
        readUntil(bootMarker, bootBudget, null);
        send("stty -echo; PS1=''; " + ExecFraming.INSTALL + "; echo '@@S''YNC'\n");
        readUntil(SYNCED, step, null);
    }

    /**
     * Types exactly the line QemuNode.exec types for `true`, with an id as long as netloom's (a
     * three-character nonce, {@code rbm} or {@code rbw} for warm-up repetitions, given as negative
     * numbers, a dot and the repetition in base 36) and reads to its end marker; returns the round trip
     * in milliseconds.
     */
    double framedTrue(int rep, Duration step) {
        String id = (rep < 0 ? "rbw." : "rbm.") + Integer.toString(Math.abs(rep), 36);
        return timed(new ExecFraming(id).line("true"), Pattern.compile("^@E" + Pattern.quote(id) + " (\\d+)$"), step);
    }

    /**
     * Types the line QemuNode.exec types for a command that needs a subshell ({@code $_n}, the function
     * that isolates it), with `true` as that command: what a command that may change the shell costs.
     */
    double subshellFramedTrue(int rep, Duration step) {
        String id = (rep < 0 ? "rsw." : "rsm.") + Integer.toString(Math.abs(rep), 36);
        return timed("$_n " + id + " 'true'\n", Pattern.compile("^@E" + Pattern.quote(id) + " (\\d+)$"), step);
    }

    /**
     * Types the framed line netloom typed for `true` before its framing became a shell function (issue
     * 13): markers printed by two printf commands around {@code (eval 'true') </dev/null}, with an id
     * of six hex digits, a dot and the repetition. The before-and-after of the same run.
     */
    double formerFramedTrue(int rep, Duration step) {
        String id = (rep < 0 ? "b0a0b0.w" : "b0a0b0.") + Math.abs(rep);
        String line = "printf '%s\\n' '@@NL''S" + id + "'; (eval 'true') </dev/null; printf '\\n%s %d\\n' '@@NL''E" + id + "' $?\n";
        return timed(line, Pattern.compile("^@@NLE" + Pattern.quote(id) + " (\\d+)$"), step);
    }

    /** Types {@code line} and reads to the line {@code done} matches, whose group 1 must be a 0 exit status; milliseconds. */
    double timed(String line, Pattern done, Duration step) {
        long t0 = System.nanoTime();
        send(line);
        Matcher m = readUntil(done, step, null);
        double ms = (System.nanoTime() - t0) / 1e6;
        if (!m.group(1).equals("0")) {
            throw new NetloomException("raw `" + line.strip() + "` exited " + m.group(1));
        }
        return ms;
    }

    void send(String text) {
        ByteBuffer out = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        try {
            while (out.hasRemaining()) {
                channel.write(out);
            }
        } catch (IOException e) {
            throw new NetloomException("console write failed: " + e.getMessage(), e);
        }
    }

    /**
     * Reads until a line matches {@code marker}; returns the match. {@code counted[0]} (when given)
     * grows by the bytes read up to the end of that line. Bytes after it stay for the next read.
     */
    Matcher readUntil(Pattern marker, Duration budget, long[] counted) {
        scanner.expect(marker);
        ScheduledFuture<?> watchdog = WATCHDOG.schedule(this::close, budget.toNanos(), TimeUnit.NANOSECONDS);
        try {
            while (true) {
                if (!in.hasRemaining()) {
                    in.clear();
                    int n = channel.read(in);
                    in.flip();
                    if (n < 0) {
                        throw new NetloomException("the console closed; last output:\n" + scanner.lastLines());
                    }
                }
                int start = in.position();
                int end = scanner.feed(in.array(), start, in.remaining());
                int consumed = (end < 0 ? in.limit() : end) - start;
                in.position(start + consumed);
                if (counted != null) {
                    counted[0] += consumed;
                }
                if (end >= 0) {
                    return scanner.match();
                }
            }
        } catch (IOException e) {
            throw new NetloomException("no console line matching '" + marker + "' within " + budget.toMillis()
                    + " ms (" + e.getClass().getSimpleName() + "); last output:\n" + scanner.lastLines(), e);
        } finally {
            watchdog.cancel(false);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing is all that is left to do
        }
    }
}

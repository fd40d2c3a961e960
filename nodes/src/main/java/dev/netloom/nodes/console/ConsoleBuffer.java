package dev.netloom.nodes.console;

import dev.netloom.nodes.NetloomException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The recent past of one console stream, with regex expectations over it. Pure Java, no Netty: the
 * console handler appends, anyone may expect. Thread-safe; futures complete outside the lock, on the
 * thread that appended the matching bytes (the event loop) or on the caller when the text is already there.
 *
 * <p>Matching maps bytes 1:1 to chars (ISO-8859-1), so invalid UTF-8 never breaks a match. To keep
 * appends linear, each new chunk is scanned together with only the last {@link #OVERLAP} bytes
 * before it: a match is guaranteed only if it is at most {@link #OVERLAP} bytes long. Offsets are
 * absolute positions in the stream since the console opened.
 */
public final class ConsoleBuffer {

    /** Bytes kept for expectations and {@link #lastLines}. */
    public static final int DEFAULT_CAPACITY = 256 * 1024;
    /** How far behind new data an expectation rescans; longer matches may be missed. */
    public static final int OVERLAP = 4096;
    /** How much of the tail {@link #lastLines} looks at, so a megabyte line cannot flood an error message. */
    private static final int LAST_LINES_WINDOW = 32 * 1024;

    private final int capacity;
    private byte[] data = new byte[8192];
    private int length;   // valid bytes in data, which hold stream offsets [end - length, end)
    private long end;     // stream offset just past the last byte ever appended
    private final List<Expectation> pending = new ArrayList<>();
    private String closedReason;

    public ConsoleBuffer() {
        this(DEFAULT_CAPACITY);
    }

    public ConsoleBuffer(int capacity) {
        if (capacity < OVERLAP) {
            throw new IllegalArgumentException("capacity " + capacity + " is below the overlap " + OVERLAP);
        }
        this.capacity = capacity;
    }

    /** The absolute offset just past the last byte received; an expectation from here sees only new bytes. */
    public synchronized long offset() {
        return end;
    }

    /** The oldest offset still held. */
    public synchronized long startOffset() {
        return end - length;
    }

    public void append(byte[] bytes) {
        append(bytes, 0, bytes.length);
    }

    /** Adds bytes to the stream and completes the expectations they satisfy. */
    public void append(byte[] bytes, int off, int len) {
        List<Runnable> completions;
        synchronized (this) {
            if (len == 0 || closedReason != null) {
                return;
            }
            store(bytes, off, len);
            completions = scanPending();
        }
        completions.forEach(Runnable::run);
    }

    /** Matches {@code pattern} against bytes that arrive after this call. */
    public CompletableFuture<ConsoleMatch> expect(Pattern pattern) {
        return expect(pattern, offset());
    }

    /**
     * Matches {@code pattern} against the stream from absolute offset {@code fromOffset} on (clamped
     * to what is still held), including bytes already received. No match may start before it.
     */
    public CompletableFuture<ConsoleMatch> expect(Pattern pattern, long fromOffset) {
        return expect(new Expectation(pattern, fromOffset, false));
    }

    /**
     * Like {@link #expect(Pattern, long)}, against the text a person would read: terminal control
     * sequences removed ({@link TerminalText}), so that a prompt followed by a cursor query or written
     * in colour still ends where it seems to. The match's text is that text; its offsets are the raw
     * stream's (its end is just past its last character).
     */
    public CompletableFuture<ConsoleMatch> expectText(Pattern pattern, long fromOffset) {
        return expect(new Expectation(pattern, fromOffset, true));
    }

    private CompletableFuture<ConsoleMatch> expect(Expectation e) {
        Pattern pattern = e.pattern;
        Runnable completion;
        synchronized (this) {
            if (closedReason != null) {
                return CompletableFuture.failedFuture(closedFailure(pattern));
            }
            completion = scan(e);
            if (completion == null) {
                pending.add(e);
            }
        }
        if (completion != null) {
            completion.run();
        }
        return e.future;
    }

    /** Fails every pending and future expectation; later appends are ignored. */
    public void close(String reason) {
        List<Expectation> failed;
        synchronized (this) {
            if (closedReason != null) {
                return;
            }
            closedReason = reason;
            failed = new ArrayList<>(pending);
            pending.clear();
        }
        for (Expectation e : failed) {
            e.future.completeExceptionally(closedFailure(e.pattern));
        }
    }

    /**
     * The last {@code n} lines of console text for error messages: decoded as UTF-8 with replacement,
     * CR LF as line ends, other control characters in caret notation (ESC as ^[).
     */
    public String lastLines(int n) {
        byte[] tail;
        synchronized (this) {
            int take = Math.min(length, LAST_LINES_WINDOW);
            tail = Arrays.copyOfRange(data, length - take, length);
        }
        return Printable.lastLines(new String(tail, StandardCharsets.UTF_8), n);
    }

    private NetloomException closedFailure(Pattern pattern) {
        return new NetloomException("console " + closedReason + " before /" + pattern.pattern()
                + "/ matched; last console lines:\n" + lastLines(30));
    }

    private void store(byte[] bytes, int off, int len) {
        end += len; // counts every byte, also those of a huge chunk that are not kept
        if (len >= capacity) {
            // only the tail of a huge chunk is kept; expectations still see the whole chunk's tail
            off += len - capacity;
            len = capacity;
            length = 0;
        }
        if (length + len > data.length) {
            if (data.length < capacity + capacity / 4) {
                data = Arrays.copyOf(data, Math.min(capacity + capacity / 4, Math.max(data.length * 2, length + len)));
            }
            if (length + len > data.length) {
                // slide: keep the newest bytes so that at least `capacity` remain after this append
                int keep = Math.min(length, capacity - len);
                System.arraycopy(data, length - keep, data, 0, keep);
                length = keep;
            }
        }
        System.arraycopy(bytes, off, data, length, len);
        length += len;
    }

    private List<Runnable> scanPending() {
        List<Runnable> completions = new ArrayList<>(0);
        for (Iterator<Expectation> it = pending.iterator(); it.hasNext(); ) {
            Expectation e = it.next();
            if (e.future.isDone()) { // cancelled or timed out by its owner
                it.remove();
                continue;
            }
            Runnable completion = scan(e);
            if (completion != null) {
                it.remove();
                completions.add(completion);
            }
        }
        return completions;
    }

    /** Scans for {@code e} in what is new to it, plus the overlap; returns its completion on a match. */
    private Runnable scan(Expectation e) {
        long start = end - length;
        long from = Math.max(Math.max(e.fromOffset, e.scannedTo - OVERLAP), start);
        if (from > end) {
            return null;
        }
        e.scannedTo = end;
        if (e.text) {
            return scanText(e, start, from);
        }
        // the view spans everything held so that lookbehind and ^ see real context, not the region edge
        Matcher m = e.pattern.matcher(new Latin1View(data, length));
        m.useTransparentBounds(true);
        m.useAnchoringBounds(false);
        m.region((int) (from - start), length);
        if (!m.find()) {
            return null;
        }
        return complete(e, m, start + m.start(), start + m.end());
    }

    private static Runnable complete(Expectation e, Matcher m, long matchStart, long matchEnd) {
        List<String> groups = new ArrayList<>(m.groupCount() + 1);
        for (int i = 0; i <= m.groupCount(); i++) {
            groups.add(m.group(i));
        }
        ConsoleMatch match = new ConsoleMatch(groups.get(0), groups, matchStart, matchEnd);
        return () -> e.future.complete(match);
    }

    /**
     * {@link #scan} over the text of what is held: the expectation's own {@link TerminalText}, fed with
     * each byte once (so a control sequence split across chunks is still removed whole), matched from
     * the first char at or after {@code from}.
     */
    private Runnable scanText(Expectation e, long start, long from) {
        TerminalText text = e.textSoFar;
        long fed = Math.max(e.textFedTo, start);
        if (fed < end) {
            text.feed(data, (int) (fed - start), (int) (end - fed), fed);
            e.textFedTo = end;
        }
        Matcher m = e.pattern.matcher(text);
        m.useTransparentBounds(true);
        m.useAnchoringBounds(false);
        m.region(text.indexAtOrAfter(from), text.length());
        if (!m.find()) {
            return null;
        }
        long matchStart = m.start() < text.length() ? text.offset(m.start()) : end;
        long matchEnd = m.end() > m.start() ? text.endOffset(m.end()) : matchStart;
        return complete(e, m, matchStart, matchEnd);
    }

    private static final class Expectation {
        final Pattern pattern;
        final long fromOffset;
        final boolean text;
        final TerminalText textSoFar;
        long textFedTo;
        long scannedTo;
        final CompletableFuture<ConsoleMatch> future = new CompletableFuture<>();

        Expectation(Pattern pattern, long fromOffset, boolean text) {
            this.pattern = pattern;
            this.fromOffset = fromOffset;
            this.text = text;
            this.textSoFar = text ? new TerminalText(OVERLAP * 4) : null;
            this.textFedTo = fromOffset;
            this.scannedTo = fromOffset;
        }
    }

    /** Bytes seen as chars without copying or decoding: byte b is char (b & 0xff). */
    private record Latin1View(byte[] bytes, int length) implements CharSequence {

        @Override
        public char charAt(int index) {
            return (char) (bytes[index] & 0xff);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return toString(start, end);
        }

        @Override
        public String toString() {
            return toString(0, length());
        }

        private String toString(int start, int end) {
            return new String(bytes, start, end - start, StandardCharsets.ISO_8859_1);
        }
    }
}

package dev.netloom.nodes.console;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The recent output of a console for people, as lines they would have seen: what a new viewer is
 * shown before the live stream. Keeps the raw tail (at most {@code capacity} bytes) and renders it on
 * request: terminal control sequences removed ({@link TerminalText}), a carriage return starts
 * overwriting its line (a shell redrawing its prompt), a backspace steps back.
 */
public final class ConsoleHistory {

    public static final int DEFAULT_CAPACITY = 64 * 1024;

    private final int capacity;
    private byte[] data = new byte[4096];
    private int length;
    private long total;

    public ConsoleHistory() {
        this(DEFAULT_CAPACITY);
    }

    public ConsoleHistory(int capacity) {
        this.capacity = capacity;
    }

    public synchronized void append(byte[] chunk) {
        total += chunk.length;
        if (chunk.length >= capacity) {
            data = Arrays.copyOfRange(chunk, chunk.length - capacity, chunk.length);
            length = capacity;
            return;
        }
        if (length + chunk.length > capacity) {
            int keep = capacity - chunk.length;
            System.arraycopy(data, length - keep, data, 0, keep);
            length = keep;
        }
        if (length + chunk.length > data.length) {
            data = Arrays.copyOf(data, Math.min(capacity, Math.max(data.length * 2, length + chunk.length)));
        }
        System.arraycopy(chunk, 0, data, length, chunk.length);
        length += chunk.length;
    }

    /** Whether the console has printed anything since this history began. */
    public synchronized boolean isEmpty() {
        return total == 0;
    }

    /**
     * The last {@code n} lines as a person saw them; the last one is the line the cursor is on
     * (a prompt, say), without a line end after it.
     */
    public List<String> lastLines(int n) {
        byte[] tail;
        synchronized (this) {
            tail = Arrays.copyOf(data, length);
        }
        List<String> lines = render(tail);
        return n <= 0 ? List.of() : lines.subList(Math.max(0, lines.size() - n), lines.size());
    }

    /** The lines of {@code bytes}: each ends at a line feed; the last is the unfinished one (maybe empty). */
    static List<String> render(byte[] bytes) {
        // backspaces survive as a private character, since TerminalText drops control characters
        byte[] marked = bytes.clone();
        for (int i = 0; i < marked.length; i++) {
            if (marked[i] == '\b') {
                marked[i] = (byte) 0x80;
            }
        }
        TerminalText visible = TerminalText.of(marked, 0, marked.length);
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        int cursor = 0;
        for (int i = 0; i < visible.length(); i++) {
            char c = visible.charAt(i);
            if (c == '\n') {
                lines.add(line.toString());
                line.setLength(0);
                cursor = 0;
            } else if (c == '\r') {
                cursor = 0;
            } else if (c == 0x80 && bytes[(int) visible.offset(i)] == '\b') {
                cursor = Math.max(0, cursor - 1);
            } else {
                if (cursor < line.length()) {
                    line.setCharAt(cursor, c);
                } else {
                    line.append(c);
                }
                cursor++;
            }
        }
        lines.add(line.toString());
        return lines.stream().map(l -> new String(l.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8)).toList();
    }
}

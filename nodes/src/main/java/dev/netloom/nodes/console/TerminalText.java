package dev.netloom.nodes.console;

import java.util.Arrays;

/**
 * Console bytes as the text a person would read, kept up to date as bytes arrive: terminal control
 * sequences removed. A shell's prompt is often followed by a cursor query (BusyBox ash writes
 * ESC [6n after it), colours wrap words in ESC [...m, and a title is set with ESC ]...BEL: none of
 * that is on the screen, so none of it is in the text a boot or prompt pattern is matched against.
 *
 * <p>Removed: CSI sequences (ESC [ parameters, intermediates, final byte), OSC, DCS, SOS, PM and APC
 * strings (up to BEL or ESC \), other ESC sequences (ESC, intermediates, final byte), and C0 controls
 * other than tab, line feed and carriage return, and DEL. A sequence split across chunks is removed
 * whole: the state carries over. Bytes map 1:1 to chars (ISO-8859-1), as in {@link ConsoleBuffer};
 * each char remembers the stream offset of its byte. At most {@code capacity} chars are kept.
 */
final class TerminalText implements CharSequence {

    private static final byte ESC = 0x1b;
    private static final byte BEL = 0x07;

    private enum State { TEXT, ESC, CSI, STRING, STRING_ESC, ESC_INTERMEDIATE }

    private final int capacity;
    private char[] chars = new char[1024];
    private long[] offsets = new long[1024];
    private int length;
    private State state = State.TEXT;

    TerminalText(int capacity) {
        this.capacity = capacity;
    }

    /** The text of {@code bytes[from, to)}, whose first byte is at stream offset {@code from}. */
    static TerminalText of(byte[] bytes, int from, int to) {
        TerminalText t = new TerminalText(Math.max(16, to - from));
        t.feed(bytes, from, to - from, from);
        return t;
    }

    /** Adds {@code len} bytes from {@code bytes[off]}, the first at stream offset {@code streamOffset}. */
    void feed(byte[] bytes, int off, int len, long streamOffset) {
        if (length + len > chars.length) {
            grow(length + len);
        }
        for (int i = 0; i < len; i++) {
            byte b = bytes[off + i];
            switch (state) {
                case TEXT -> {
                    if (b == ESC) {
                        state = State.ESC;
                    } else if ((b >= 0 && b < 0x20 && b != '\t' && b != '\n' && b != '\r') || b == 0x7f) {
                        // a control character: not text
                    } else {
                        chars[length] = (char) (b & 0xff);
                        offsets[length] = streamOffset + i;
                        length++;
                    }
                }
                case ESC -> state = switch (b) {
                    case '[' -> State.CSI;
                    case ']', 'P', 'X', '^', '_' -> State.STRING;
                    default -> b >= 0x20 && b <= 0x2f ? State.ESC_INTERMEDIATE : State.TEXT;
                };
                case CSI -> { // parameters and intermediates 0x20..0x3f, then a final byte
                    if (!(b >= 0x20 && b <= 0x3f)) {
                        state = State.TEXT;
                    }
                }
                case STRING -> { // up to BEL or ST (ESC \)
                    if (b == BEL) {
                        state = State.TEXT;
                    } else if (b == ESC) {
                        state = State.STRING_ESC;
                    }
                }
                case STRING_ESC -> state = b == '\\' ? State.TEXT : b == ESC ? State.STRING_ESC : State.STRING;
                case ESC_INTERMEDIATE -> {
                    if (!(b >= 0x20 && b <= 0x2f)) {
                        state = State.TEXT;
                    }
                }
            }
        }
        if (length > capacity) {
            int drop = length - capacity;
            System.arraycopy(chars, drop, chars, 0, capacity);
            System.arraycopy(offsets, drop, offsets, 0, capacity);
            length = capacity;
        }
    }

    private void grow(int needed) {
        int size = Math.max(needed, Math.min(chars.length * 2, capacity + needed));
        chars = Arrays.copyOf(chars, size);
        offsets = Arrays.copyOf(offsets, size);
    }

    /** The stream offset of char {@code index}'s byte. */
    long offset(int index) {
        return offsets[index];
    }

    /** The stream offset just past char {@code end - 1}: where a match ending there ends. */
    long endOffset(int end) {
        return offsets[end - 1] + 1;
    }

    /** The index of the first char whose byte is at or after stream offset {@code offset}. */
    int indexAtOrAfter(long offset) {
        int lo = 0;
        int hi = length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (offsets[mid] < offset) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public char charAt(int index) {
        if (index >= length) {
            throw new IndexOutOfBoundsException(index);
        }
        return chars[index];
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return new String(chars, start, end - start);
    }

    @Override
    public String toString() {
        return new String(chars, 0, length);
    }
}

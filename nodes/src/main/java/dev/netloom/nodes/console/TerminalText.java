package dev.netloom.nodes.console;

/**
 * Console bytes as the text a person would read: terminal control sequences removed. A shell's
 * prompt is often followed by a cursor query (BusyBox ash writes ESC [6n after it), colours wrap
 * words in ESC [...m, and a title is set with ESC ]...BEL: none of that is on the screen, so none of
 * it is in the text a boot or prompt pattern is matched against.
 *
 * <p>Removed: CSI sequences (ESC [ parameters, intermediates, final byte), OSC, DCS, SOS, PM and APC
 * strings (up to BEL or ESC \), other two-byte ESC sequences, and C0 controls other than tab, line
 * feed and carriage return. A sequence cut off at the end of the bytes is removed as far as it goes.
 * Bytes map 1:1 to chars (ISO-8859-1), as in {@link ConsoleBuffer}.
 */
final class TerminalText implements CharSequence {

    private static final byte ESC = 0x1b;
    private static final byte BEL = 0x07;

    private final char[] chars;
    /** raw[i]: the offset, in the bytes given, of char i. */
    private final int[] raw;
    private final int length;

    private TerminalText(char[] chars, int[] raw, int length) {
        this.chars = chars;
        this.raw = raw;
        this.length = length;
    }

    /** The text of {@code bytes[from, to)}. */
    static TerminalText of(byte[] bytes, int from, int to) {
        char[] chars = new char[to - from];
        int[] raw = new int[to - from];
        int n = 0;
        int i = from;
        while (i < to) {
            byte b = bytes[i];
            if (b == ESC) {
                i = skipEscape(bytes, i, to);
            } else if ((b >= 0 && b < 0x20 && b != '\t' && b != '\n' && b != '\r') || b == 0x7f) {
                i++;
            } else {
                chars[n] = (char) (b & 0xff);
                raw[n] = i;
                n++;
                i++;
            }
        }
        return new TerminalText(chars, raw, n);
    }

    /** The index just past the escape sequence that starts at {@code i}. */
    private static int skipEscape(byte[] bytes, int i, int to) {
        if (i + 1 >= to) {
            return to;
        }
        byte kind = bytes[i + 1];
        if (kind == '[') { // CSI: parameters and intermediates (0x20..0x3f), then a final byte (0x40..0x7e)
            int j = i + 2;
            while (j < to && bytes[j] >= 0x20 && bytes[j] <= 0x3f) {
                j++;
            }
            return j < to ? j + 1 : to;
        }
        if (kind == ']' || kind == 'P' || kind == 'X' || kind == '^' || kind == '_') { // strings: up to BEL or ST (ESC \)
            for (int j = i + 2; j < to; j++) {
                if (bytes[j] == BEL) {
                    return j + 1;
                }
                if (bytes[j] == ESC && j + 1 < to && bytes[j + 1] == '\\') {
                    return j + 2;
                }
            }
            return to;
        }
        int j = i + 1; // ESC, intermediates (0x20..0x2f), a final byte: ESC ( B, ESC 7, ESC =
        while (j < to && bytes[j] >= 0x20 && bytes[j] <= 0x2f) {
            j++;
        }
        return j < to ? j + 1 : to;
    }

    /** The offset in the bytes given of char {@code index}. */
    int rawOffset(int index) {
        return raw[index];
    }

    /** The offset in the bytes given just past char {@code end - 1}: where a match ending there ends. */
    int rawEnd(int end) {
        return raw[end - 1] + 1;
    }

    /** The index of the first char at or after byte offset {@code offset}. */
    int indexAtOrAfter(int offset) {
        int lo = 0;
        int hi = length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (raw[mid] < offset) {
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

package dev.netloom.nodes.console;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One command's output as it streams off the console: the terminal's CR LF turned back into LF, and
 * at most {@code cap} bytes kept; bytes beyond the cap are counted and dropped, so a command that
 * prints gigabytes costs netloom no more than the cap.
 */
final class CappedOutput {

    private final long cap;
    private byte[] kept;
    private int length;
    private long dropped;
    private boolean pendingCr; // a CR whose next byte decides: CR LF is LF, a lone CR stays

    CappedOutput(long cap) {
        if (cap < 1 || cap > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("output cap out of range: " + cap);
        }
        this.cap = cap;
        this.kept = new byte[(int) Math.min(cap, 256)];
    }

    private CappedOutput(CappedOutput other) {
        this.cap = other.cap;
        this.kept = Arrays.copyOf(other.kept, Math.max(other.length, 1));
        this.length = other.length;
        this.dropped = other.dropped;
        this.pendingCr = other.pendingCr;
    }

    /** A copy to finish early (the output so far of a command that timed out) without disturbing this one. */
    CappedOutput copy() {
        return new CappedOutput(this);
    }

    void write(byte[] bytes, int off, int len) {
        for (int i = off; i < off + len; i++) {
            put(bytes[i]);
        }
    }

    /** The stream ended: a CR left waiting for its LF is output after all. */
    void finish() {
        if (pendingCr) {
            pendingCr = false;
            emit((byte) '\r');
        }
    }

    /** The kept output, decoded as UTF-8; a character the cap cut in half is left out (and counted as dropped). */
    String text() {
        return new String(kept, 0, usable(), StandardCharsets.UTF_8);
    }

    /** True when the output was longer than the cap. */
    boolean truncated() {
        return dropped > 0;
    }

    /** Bytes of output not in {@link #text()}. */
    long dropped() {
        return dropped + (length - usable());
    }

    private void put(byte b) {
        if (pendingCr) {
            pendingCr = false;
            if (b == '\n') {
                emit(b);
                return;
            }
            emit((byte) '\r');
        }
        if (b == '\r') {
            pendingCr = true;
        } else {
            emit(b);
        }
    }

    private void emit(byte b) {
        if (length >= cap) {
            dropped++;
            return;
        }
        if (length == kept.length) {
            kept = Arrays.copyOf(kept, (int) Math.min(cap, kept.length * 2L));
        }
        kept[length++] = b;
    }

    /** The kept length, minus an incomplete UTF-8 sequence at the end when the cap cut the output there. */
    private int usable() {
        if (dropped == 0) {
            return length;
        }
        for (int j = length - 1; j >= Math.max(0, length - 4); j--) {
            int b = kept[j] & 0xff;
            if ((b & 0xc0) != 0x80) { // not a continuation byte: the last character starts here
                int size = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
                return j + size > length ? j : length;
            }
        }
        return length;
    }
}

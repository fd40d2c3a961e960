package dev.netloom.bench;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the first console line that matches a pattern in bytes fed in chunks of any size. Only a line's
 * first {@value #MAX_LINE} bytes are kept and only complete lines are matched, so a megabyte of output
 * costs one byte comparison per byte and no allocation: the baselines must stay cheap readers.
 */
final class LineScanner {

    static final int MAX_LINE = 512;

    private final byte[] line = new byte[MAX_LINE];
    private int length;
    private Pattern pattern;
    private Matcher match;
    private String lastLine = "";

    LineScanner(Pattern pattern) {
        this.pattern = pattern;
    }

    /** Looks for {@code next} from now on; bytes already fed are not looked at again. */
    void expect(Pattern next) {
        pattern = next;
        match = null;
    }

    /**
     * Feeds {@code len} bytes; returns the offset just after the first matching line's LF, or -1 when
     * no line in this chunk matched. The match is then in {@link #match()}.
     */
    int feed(byte[] bytes, int off, int len) {
        for (int i = off; i < off + len; i++) {
            byte b = bytes[i];
            if (b == '\n') {
                String text = new String(line, 0, length, StandardCharsets.ISO_8859_1);
                length = 0;
                lastLine = text;
                Matcher m = pattern.matcher(text);
                if (m.find()) {
                    match = m;
                    return i + 1;
                }
            } else if (b != '\r' && length < MAX_LINE) {
                line[length++] = b;
            }
        }
        return -1;
    }

    Pattern pattern() {
        return pattern;
    }

    Matcher match() {
        return match;
    }

    /** The last complete line seen, and the start of the current one, for error messages. */
    String lastLines() {
        return lastLine + "\n" + new String(line, 0, length, StandardCharsets.ISO_8859_1);
    }
}

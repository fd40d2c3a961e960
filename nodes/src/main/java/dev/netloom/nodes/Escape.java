package dev.netloom.nodes;

/**
 * Makes user-supplied text safe to print inside a one-line message: a name or command with a newline
 * would split an error over lines, an escape sequence would drive the terminal, and a bidi override
 * would make the text read differently from what it is.
 */
public final class Escape {

    private Escape() {
    }

    /**
     * {@code text} on one line: C0 and C1 controls, DEL, line and paragraph separators and invisible
     * format characters (bidi overrides, zero-width joiners, BOM) become {@code \n}, {@code \t},
     * {@code \r}, {@code \x1b} or {@code \u202e}; everything else is kept as it is.
     */
    public static String oneLine(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!needsEscape(c)) {
                if (out != null) {
                    out.append(c);
                }
                continue;
            }
            if (out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            out.append(escaped(c));
        }
        return out == null ? text : out.toString();
    }

    /** True for the characters {@link #oneLine} rewrites. */
    public static boolean needsEscape(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029'
                || Character.getType(c) == Character.FORMAT;
    }

    /** One character as an escape: \n, \t, \r, \xHH below 0x100, \\uHHHH above. */
    public static String escaped(char c) {
        return switch (c) {
            case '\n' -> "\\n";
            case '\t' -> "\\t";
            case '\r' -> "\\r";
            default -> c < 0x100 ? String.format("\\x%02x", (int) c) : String.format("\\u%04x", (int) c);
        };
    }
}

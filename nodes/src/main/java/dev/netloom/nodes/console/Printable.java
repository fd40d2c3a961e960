package dev.netloom.nodes.console;

import java.util.ArrayDeque;
import java.util.Deque;

/** Turns raw console text into something safe to put in an error message or a log line. */
final class Printable {

    private Printable() {
    }

    /** The last {@code n} lines of {@code text}, control characters in caret notation, joined by LF. */
    static String lastLines(String text, int n) {
        Deque<String> lines = new ArrayDeque<>();
        int lineEnd = text.length();
        if (text.endsWith("\n")) {
            lineEnd--;
        }
        while (lines.size() < n && lineEnd >= 0) {
            int lineStart = text.lastIndexOf('\n', lineEnd - 1) + 1;
            lines.addFirst(printable(text, lineStart, lineEnd));
            lineEnd = lineStart - 1;
        }
        return String.join("\n", lines);
    }

    /** One line with CR dropped at its end and other control characters shown as ^X. */
    static String printable(String text, int from, int to) {
        if (to > from && text.charAt(to - 1) == '\r') {
            to--;
        }
        StringBuilder out = new StringBuilder(to - from);
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c == '\t' || (c >= 0x20 && c != 0x7f)) {
                out.append(c);
            } else {
                out.append('^').append(c == 0x7f ? '?' : (char) (c + '@'));
            }
        }
        return out.toString();
    }
}

package dev.netloom.nodes;

import dev.netloom.nodes.console.ConsoleSession;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What a node's failure message carries so that a user can act on it: the tails of QEMU's log and of the console. */
final class NodeDiagnostics {

    static final int QEMU_LOG_LINES = 10;
    static final int CONSOLE_LINES = 30;

    private NodeDiagnostics() {
    }

    /** The text appended to a failure: the QEMU log's last lines and, when {@code console} is not null, the console's. */
    static String of(NodePaths paths, ConsoleSession console) {
        StringBuilder sb = new StringBuilder();
        sb.append("\n--- QEMU log (").append(paths.qemuLog()).append("), last lines:\n").append(tail(paths.qemuLog(), QEMU_LOG_LINES));
        if (console != null) {
            sb.append("\n--- console (").append(paths.transcript()).append("), last lines:\n").append(console.lastLines(CONSOLE_LINES));
        }
        return sb.toString();
    }

    /** The last {@code lines} lines of {@code file}, or a note that it cannot be read. */
    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** The first line of a (multi-line) failure message, for a log line; "null" for null. */
    static String firstLine(String s) {
        int i = s == null ? -1 : s.indexOf('\n');
        return i < 0 ? String.valueOf(s) : s.substring(0, i);
    }
}

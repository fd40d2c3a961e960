package dev.netloom.cli;

import dev.netloom.lab.Lab;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Shows a lab's bring-up: on a terminal one live line with every node's state, rewritten in place;
 * otherwise plain log lines for the lab's milestones and each node as it is configured.
 */
final class Progress implements Consumer<Lab.Event> {

    private final boolean terminal;
    private final boolean quiet;
    private final Map<String, String> nodes = new LinkedHashMap<>();
    private int width;

    Progress(boolean quiet) {
        this.terminal = System.console() != null && !quiet;
        this.quiet = quiet;
    }

    @Override
    public synchronized void accept(Lab.Event e) {
        if (quiet) {
            return;
        }
        if (terminal && e.kind().equals("node")) {
            String detail = e.detail();
            nodes.put(e.subject(), detail.startsWith("configured") ? "READY" : detail.split(" ")[0]);
            StringBuilder line = new StringBuilder("\r");
            nodes.forEach((n, s) -> line.append(n).append(':').append(s).append("  "));
            String text = line.toString();
            System.err.print(text + " ".repeat(Math.max(0, width - text.length())));
            System.err.flush();
            width = text.length();
            return;
        }
        if (e.kind().equals("lab") || e.kind().equals("timeline") || e.kind().equals("link") || e.detail().startsWith("configured")) {
            if (terminal && width > 0) {
                System.err.println();
                width = 0;
            }
            Say.line(e.subject() + ": " + e.detail());
        }
    }
}

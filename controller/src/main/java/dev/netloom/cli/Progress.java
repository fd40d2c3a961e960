package dev.netloom.cli;

import dev.netloom.lab.LabEvent;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Shows a lab's bring-up: on a terminal one live line with every node's state, rewritten in place;
 * otherwise plain log lines for the lab's milestones and each node as it is configured.
 */
final class Progress implements Consumer<LabEvent> {

    /** What plain output shows: the lab's milestones, the timeline, link changes and each node once configured. */
    private static final Set<LabEvent.Kind> SHOWN = EnumSet.of(LabEvent.Kind.LAB, LabEvent.Kind.TIMELINE, LabEvent.Kind.LINK,
            LabEvent.Kind.NODE_CONFIGURED);

    private final boolean terminal;
    private final boolean quiet;
    private final Map<String, String> nodes = new LinkedHashMap<>();
    private int width;

    Progress(boolean quiet) {
        this.terminal = System.console() != null && !quiet;
        this.quiet = quiet;
    }

    @Override
    public synchronized void accept(LabEvent e) {
        if (quiet) {
            return;
        }
        if (terminal && (e.kind() == LabEvent.Kind.NODE || e.kind() == LabEvent.Kind.NODE_CONFIGURED)) {
            nodes.put(e.subject(), e.kind() == LabEvent.Kind.NODE_CONFIGURED ? "READY" : String.valueOf(e.state()));
            StringBuilder line = new StringBuilder("\r");
            nodes.forEach((n, s) -> line.append(n).append(':').append(s).append("  "));
            String text = line.toString();
            System.err.print(text + " ".repeat(Math.max(0, width - text.length())));
            System.err.flush();
            width = text.length();
            return;
        }
        if (SHOWN.contains(e.kind())) {
            if (terminal && width > 0) {
                System.err.println();
                width = 0;
            }
            Say.line(e.subject() + ": " + e.detail());
        }
    }
}

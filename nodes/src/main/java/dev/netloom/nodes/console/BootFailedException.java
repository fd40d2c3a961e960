package dev.netloom.nodes.console;

import dev.netloom.nodes.NetloomException;

/** A node did not finish booting: says which phase it was in, why it gave up, and what the console showed. */
public class BootFailedException extends NetloomException {

    private final BootPhase phase;
    private final String lastLines;

    public BootFailedException(BootPhase phase, String reason, String lastLines) {
        super(reason + " while waiting for " + phase.waitingFor() + "; last console lines:\n" + lastLines);
        this.phase = phase;
        this.lastLines = lastLines;
    }

    public BootPhase phase() {
        return phase;
    }

    public String lastLines() {
        return lastLines;
    }
}

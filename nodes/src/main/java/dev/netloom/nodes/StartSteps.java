package dev.netloom.nodes;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * When each step of a node's start finished, counted from its QEMU's launch: what a fork spends on
 * its console, its restore, the shell's resync and its identity (docs/fork.md), for its READY event.
 */
final class StartSteps {

    private final long startNanos;
    private final Map<String, Long> steps = new LinkedHashMap<>();

    StartSteps(long startNanos) {
        this.startNanos = startNanos;
    }

    /** Notes that {@code step} finished now. */
    synchronized void done(String step) {
        steps.put(step, (System.nanoTime() - startNanos) / 1_000_000);
    }

    /** "console 120, restored 310, shell 900, identity 1250 ms after launch", or "" when no step was noted. */
    synchronized String describe() {
        if (steps.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        steps.forEach((step, ms) -> out.append(out.isEmpty() ? "" : ", ").append(step).append(' ').append(ms));
        return out.append(" ms after launch").toString();
    }
}

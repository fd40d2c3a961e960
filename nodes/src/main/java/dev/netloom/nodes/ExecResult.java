package dev.netloom.nodes;

import java.time.Duration;

/**
 * What one command run on a node left behind: its exit code, its output (stdout and stderr as the
 * console showed them, CR LF turned into LF) and how long it took.
 *
 * @param exitCode the command's exit status, or -1 when it timed out
 * @param timedOut true when the command was interrupted (Ctrl-C) after its timeout; output is partial
 */
public record ExecResult(int exitCode, String output, Duration duration, boolean timedOut) {

    public ExecResult {
        if (timedOut && exitCode != -1) {
            throw new IllegalArgumentException("a timed-out result has exit code -1, not " + exitCode);
        }
    }

    /** A result for a command that was interrupted after its timeout, with what it printed until then. */
    public static ExecResult timeout(String partialOutput, Duration duration) {
        return new ExecResult(-1, partialOutput, duration, true);
    }

    /** True when the command finished in time with exit code 0. */
    public boolean ok() {
        return !timedOut && exitCode == 0;
    }
}

package dev.netloom.nodes;

import java.time.Duration;

/**
 * What one command run on a node left behind: its exit code, its output (stdout and stderr as the
 * console showed them, CR LF turned into LF) and how long it took.
 *
 * @param exitCode     the command's exit status, or -1 when it timed out
 * @param timedOut     true when the command was interrupted (Ctrl-C) after its timeout; output is partial
 * @param truncated    true when the command printed more than the exec's output cap: {@code output} is
 *                     the first cap's worth of bytes, the rest was read and dropped
 * @param droppedBytes how many bytes of output were dropped (0 unless truncated)
 */
public record ExecResult(int exitCode, String output, Duration duration, boolean timedOut, boolean truncated, long droppedBytes) {

    public ExecResult {
        if (timedOut && exitCode != -1) {
            throw new IllegalArgumentException("a timed-out result has exit code -1, not " + exitCode);
        }
        if (truncated != (droppedBytes > 0)) {
            throw new IllegalArgumentException("truncated is " + truncated + " but " + droppedBytes + " bytes were dropped");
        }
    }

    /** A result whose output was not cut. */
    public ExecResult(int exitCode, String output, Duration duration, boolean timedOut) {
        this(exitCode, output, duration, timedOut, false, 0);
    }

    /** A result for a command that was interrupted after its timeout, with what it printed until then. */
    public static ExecResult timeout(String partialOutput, Duration duration) {
        return timeout(partialOutput, duration, 0);
    }

    /** A timed-out result whose partial output was cut by the output cap after {@code droppedBytes} more bytes. */
    public static ExecResult timeout(String partialOutput, Duration duration, long droppedBytes) {
        return new ExecResult(-1, partialOutput, duration, true, droppedBytes > 0, droppedBytes);
    }

    /** True when the command finished in time with exit code 0 (whether or not its output was cut). */
    public boolean ok() {
        return !timedOut && exitCode == 0;
    }
}

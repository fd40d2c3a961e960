package dev.netloom.nodes;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * How a node's QEMU is made to exit, each step bounded: an ACPI power-down (only when graceful), QMP
 * {@code quit}, SIGTERM, then SIGKILL. A step is skipped when the process is already gone, and the
 * QMP steps when there is no QMP connection.
 *
 * @param powerdownWait how long the guest may take to power down
 * @param quitWait      how long QEMU may take to exit after {@code quit}
 * @param termWait      how long QEMU may take to exit after SIGTERM
 */
record StopSequence(Duration powerdownWait, Duration quitWait, Duration termWait) {

    /** The bounds nodes use: 10 s to power down, 3 s after quit, 3 s after SIGTERM. */
    static final StopSequence DEFAULT = new StopSequence(Duration.ofSeconds(10), Duration.ofSeconds(3), Duration.ofSeconds(3));
    /** How long to wait for a process to be gone after SIGKILL. */
    static final Duration KILL_WAIT = Duration.ofSeconds(5);

    /**
     * Escalates until {@code p} has exited. {@code powerdown} and {@code quit} ask over QMP and are
     * null without a QMP connection; {@code graceful} adds the power-down first.
     */
    void run(Process p, Runnable powerdown, Runnable quit, boolean graceful) {
        if (!p.isAlive()) {
            return;
        }
        if (graceful && powerdown != null) {
            powerdown.run();
            waitFor(p, powerdownWait);
        }
        if (p.isAlive() && quit != null) {
            quit.run();
            waitFor(p, quitWait);
        }
        if (p.isAlive()) {
            p.destroy();
            waitFor(p, termWait);
        }
        if (p.isAlive()) {
            kill(p);
        }
    }

    /** SIGKILL, then a bounded wait for the exit. */
    static void kill(Process p) {
        p.destroyForcibly();
        waitFor(p, KILL_WAIT);
    }

    /** Waits up to {@code d} for {@code p} to exit; an interrupt ends the wait and stays set. */
    static void waitFor(Process p, Duration d) {
        try {
            p.waitFor(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

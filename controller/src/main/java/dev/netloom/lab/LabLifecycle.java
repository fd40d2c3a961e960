package dev.netloom.lab;

import dev.netloom.fabric.Fabric;
import dev.netloom.nodes.NetloomException;

import java.util.concurrent.CompletableFuture;

/**
 * What a lab has created on the host so far (its journal, its fabric, its fork choice) and the lock
 * that keeps a step that creates something and {@link Lab#down()} apart: once down has begun, no
 * step creates anything.
 */
final class LabLifecycle {

    private final String lab;
    private final Object lifecycle = new Object(); // guards down and every step that creates something
    private final CompletableFuture<Void> downDone = new CompletableFuture<>();
    private boolean down;
    volatile LabJournal journal; // set once the name is ours: down() removes what is under it
    volatile Fabric fabric;
    volatile LabForks forks; // chosen before the lab claims its memory

    LabLifecycle(String lab) {
        this.lab = lab;
    }

    /** Runs a step that creates something, unless the lab is going down; a step and {@link Lab#down()} never interleave. */
    void creating(Runnable step) {
        synchronized (lifecycle) {
            if (down) {
                throw new NetloomException("lab " + lab + " was taken down during its bring-up");
            }
            step.run();
        }
    }

    /**
     * Marks the lab as going down and runs {@code first} under the lock; true for the first call. A
     * later call waits until the first one has {@link #downFinished() finished} and returns false.
     */
    boolean beginDown(Runnable first) {
        synchronized (lifecycle) {
            if (down) {
                downDone.join();
                return false;
            }
            down = true; // from here no step creates anything
            first.run();
            return true;
        }
    }

    /** The first {@link #beginDown} call's work is over: later ones return. */
    void downFinished() {
        downDone.complete(null);
    }
}

package dev.netloom.lab;

import java.util.concurrent.Semaphore;

/**
 * How many of a lab's nodes start at once, from their QEMU's launch to READY: booting nodes
 * {@link #BOOTS_PER_CORE} per core, forks {@link #FORKS_PER_CORE} per core, each kind with its own
 * budget. Booting is long (seconds of kernel boot per node) and mostly CPU, and its waits (the boot
 * detector's stalls) leave room for others. A fork's start is a fraction of a second of CPU, nearly all
 * of it TCG translating the code the fork runs for the first time; forks restoring at once do not wait
 * for each other so much as evict each other's code from the CPU's caches: 100 forks of a tiny node on
 * this 2-core host cost 0.77 s of CPU each with 8 starting at once, 0.64 s with 4 and 0.60 s with 2,
 * and the lab was READY sooner with fewer (docs/benchmarks.md, fork). The configuration that follows
 * READY runs outside these budgets, so the cores stay busy.
 */
final class StartSlots {

    static final int BOOTS_PER_CORE = 4;
    static final int FORKS_PER_CORE = 1;

    private final Semaphore boots;
    private final Semaphore forks;

    StartSlots(int cores) {
        this.boots = new Semaphore(Math.max(2, BOOTS_PER_CORE * cores));
        this.forks = new Semaphore(Math.max(2, FORKS_PER_CORE * cores));
    }

    /** The budgets of this host. */
    static StartSlots ofHost() {
        return new StartSlots(Runtime.getRuntime().availableProcessors());
    }

    /** Waits for a slot of the node's kind; the returned slot is released once, by {@link Slot#release()}. */
    Slot acquire(boolean fork) {
        Semaphore s = fork ? forks : boots;
        s.acquireUninterruptibly();
        return new Slot(s);
    }

    /** Slots of each kind free now: {boots, forks}; for tests. */
    int[] free() {
        return new int[]{boots.availablePermits(), forks.availablePermits()};
    }

    /** One node's slot: released when the node is READY or has failed. */
    static final class Slot {
        private final Semaphore from;
        private final java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();

        private Slot(Semaphore from) {
            this.from = from;
        }

        void release() {
            if (released.compareAndSet(false, true)) {
                from.release();
            }
        }
    }
}

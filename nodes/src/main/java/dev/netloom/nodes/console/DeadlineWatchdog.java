package dev.netloom.nodes.console;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * One timer on an event loop that keeps the deadline of the latest item it watches, for work that runs
 * one item at a time (a shell's execs). The timer stays where it is when it is due no later than the
 * new item: back-to-back items with like deadlines schedule nothing, and scheduling from another thread
 * would wake the loop. When it fires early (it was set for an earlier item) it follows the current
 * item's deadline; once that is due and the item still runs, {@code onDue} gets it, on the loop. It
 * stops when no item runs.
 */
final class DeadlineWatchdog<T> {

    private record Watched<T>(T item, long due) {
    }

    private final EventLoop loop;
    private final LongSupplier clock;
    private final Predicate<T> running;
    private final Consumer<T> onDue;
    private volatile Watched<T> current;
    private ScheduledFuture<?> timer; // guarded by this
    private long timerDue;            // on the clock; guarded by this

    /** A watchdog on {@code loop} reading {@code clock} (nanoseconds) that hands {@code onDue} each item still {@code running} at its deadline. */
    DeadlineWatchdog(EventLoop loop, LongSupplier clock, Predicate<T> running, Consumer<T> onDue) {
        this.loop = loop;
        this.clock = clock;
        this.running = running;
        this.onDue = onDue;
    }

    /** Watches {@code item} until {@code due} (on the clock), in place of the item watched before. */
    void watch(T item, long due) {
        current = new Watched<>(item, due);
        synchronized (this) {
            if (timer != null && timerDue - due <= 0) {
                return; // it fires first, and then follows the item's own deadline
            }
            if (timer != null) {
                timer.cancel(false);
            }
            arm(due);
        }
    }

    private void arm(long due) { // holding this
        timerDue = due;
        timer = loop.schedule(this::fired, Math.max(0, due - clock.getAsLong()), TimeUnit.NANOSECONDS);
    }

    /** On the loop: hands the item over when it is due, follows it when it is not, and stops when none runs. */
    private void fired() {
        Watched<T> w = current;
        boolean stillRunning = w != null && running.test(w.item());
        long now = clock.getAsLong();
        synchronized (this) {
            if (stillRunning && now - w.due() < 0) {
                arm(w.due());
                return;
            }
            timer = null;
        }
        if (stillRunning) {
            onDue.accept(w.item());
        }
    }
}

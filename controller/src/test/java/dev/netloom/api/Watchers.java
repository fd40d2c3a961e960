package dev.netloom.api;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/**
 * Waits on state that other threads change, without polling: the owner of the state calls
 * {@link #changed()} after every change, and that completes the future of each condition now true.
 */
final class Watchers {

    private record Waiting(BooleanSupplier condition, CompletableFuture<Void> done) {
    }

    private final List<Waiting> waiting = new CopyOnWriteArrayList<>();

    /** A future completed as soon as {@code condition} holds: at once, or by the change that makes it true. */
    CompletableFuture<Void> when(BooleanSupplier condition) {
        Waiting w = new Waiting(condition, new CompletableFuture<>());
        waiting.add(w); // registered before the first check: a change racing with it is seen by one or the other
        changed();
        return w.done();
    }

    /** Re-checks every waiting condition; the owner calls it after each change of the state they read. */
    void changed() {
        for (Waiting w : waiting) {
            if (!w.done().isDone() && w.condition().getAsBoolean()) {
                w.done().complete(null);
            }
        }
        waiting.removeIf(w -> w.done().isDone());
    }
}

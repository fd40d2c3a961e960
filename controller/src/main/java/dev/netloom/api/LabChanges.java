package dev.netloom.api;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The API's changes to a lab (node actions, link changes), run on the blocking executor one at a
 * time, in the order they arrived, from every connection: the lab's reroute after a link change must
 * not interleave with another. Execs are not changes and run meanwhile.
 */
final class LabChanges {

    /** Changes that may wait behind the running one; more are answered -32004. */
    static final int MAX_QUEUED_CHANGES = 64;

    private final Executor blocking;
    private final Object changes = new Object();
    private CompletableFuture<?> lastChange = CompletableFuture.completedFuture(null); // guarded by changes
    private final AtomicInteger queuedChanges = new AtomicInteger();

    LabChanges(Executor blocking) {
        this.blocking = blocking;
    }

    /** Runs {@code change} after the changes before it; -32004 when {@link #MAX_QUEUED_CHANGES} already wait. */
    CompletableFuture<JsonNode> submit(Supplier<JsonNode> change) {
        if (queuedChanges.incrementAndGet() > MAX_QUEUED_CHANGES) {
            queuedChanges.decrementAndGet();
            throw new ApiException(ApiException.BUSY, MAX_QUEUED_CHANGES + " changes to the lab are already waiting; try again when some are done");
        }
        CompletableFuture<JsonNode> next;
        synchronized (changes) {
            next = lastChange.handle((r, e) -> null).thenApplyAsync(v -> change.get(), blocking);
            lastChange = next;
        }
        return next.whenComplete((r, e) -> queuedChanges.decrementAndGet());
    }
}

package dev.netloom.lab;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * An answer worked out once per key and shared: the first caller of a key computes it while later
 * callers wait for it; when it fails, the first caller gets the failure and every other caller
 * computes its own answer (a failure of one node must not fail the nodes that only waited for it).
 * A lab's forks of one template run the same guest, so one fork's tool probe answers for all of them.
 */
final class OncePerKey<K, V> {

    private final Map<K, CompletableFuture<V>> answers = new ConcurrentHashMap<>();

    /** The answer for {@code key}: computed by {@code compute} here, or the one another caller computed or is computing. */
    V get(K key, Supplier<V> compute) {
        CompletableFuture<V> mine = new CompletableFuture<>();
        CompletableFuture<V> known = answers.putIfAbsent(key, mine);
        if (known == null) {
            try {
                V v = compute.get();
                mine.complete(v);
                return v;
            } catch (RuntimeException | Error e) {
                answers.remove(key, mine); // the next caller tries again
                mine.completeExceptionally(e);
                throw e;
            }
        }
        try {
            return known.join();
        } catch (CompletionException e) {
            return compute.get();
        }
    }
}

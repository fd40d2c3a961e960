package dev.netloom.nodes.console;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * The right to type on a console, held by one owner (a human attached through the API) until
 * closed. While it is held, automation's {@link ConsoleSession#send} fails instead of interleaving
 * keystrokes with the human's.
 */
public final class WriterLease implements AutoCloseable {

    private final ConsoleSession console;
    private final String owner;
    private volatile boolean released;

    WriterLease(ConsoleSession console, String owner) {
        this.console = console;
        this.owner = owner;
    }

    public String owner() {
        return owner;
    }

    /** Types bytes on the console; fails once the lease is closed. */
    public CompletableFuture<Void> send(byte[] bytes) {
        if (released) {
            return CompletableFuture.failedFuture(new IllegalStateException("writer lease of " + owner + " is closed"));
        }
        return console.write(bytes);
    }

    public CompletableFuture<Void> send(String text) {
        return send(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Gives the writer back to automation. */
    @Override
    public void close() {
        if (!released) {
            released = true;
            console.release(this);
        }
    }
}

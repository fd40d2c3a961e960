package dev.netloom.api;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/** An output stream that keeps what is written to it and completes futures when the text so far matches. */
public final class WatchedOutput extends OutputStream {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final Watchers watchers = new Watchers();

    @Override
    public void write(int b) {
        synchronized (bytes) {
            bytes.write(b);
        }
        watchers.changed();
    }

    @Override
    public void write(byte[] b, int off, int len) {
        synchronized (bytes) {
            bytes.write(b, off, len);
        }
        watchers.changed();
    }

    /** Everything written so far, as UTF-8. */
    public String text() {
        synchronized (bytes) {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    /** Completes once the text written so far contains {@code expected}. */
    public CompletableFuture<Void> whenContains(String expected) {
        return watchers.when(() -> text().contains(expected));
    }

    /** Completes once the text written so far is exactly {@code expected}. */
    CompletableFuture<Void> whenEquals(String expected) {
        return watchers.when(() -> text().equals(expected));
    }

    @Override
    public String toString() {
        return text();
    }
}

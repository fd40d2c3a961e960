package dev.netloom.nodes.console;

import io.netty.channel.unix.UnixChannel;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Writes bytes straight into a Netty socket's descriptor from the sender's thread, without waking the
 * channel's event loop. The descriptor is non-blocking: a write takes what the socket takes at once.
 * Not thread-safe, and blind to closes: {@link ConsoleSession} serialises it and stops it before the
 * channel closes.
 */
final class DirectWriter {

    /** The longest line netloom types is {@link ExecFraming#MAX_LINE_BYTES}; more goes through the channel. */
    static final int MAX_BYTES = 4096;

    private final UnixChannel channel;
    private ByteBuffer buffer; // direct: the native write takes its address

    DirectWriter(UnixChannel channel) {
        this.channel = channel;
    }

    /** Writes the start of {@code bytes}, at most {@link #MAX_BYTES}; returns how many the socket took (0 when it is full). */
    int write(byte[] bytes) throws IOException {
        if (buffer == null) {
            buffer = ByteBuffer.allocateDirect(MAX_BYTES);
        }
        int n = Math.min(bytes.length, MAX_BYTES);
        buffer.clear();
        buffer.put(bytes, 0, n);
        return channel.fd().write(buffer, 0, n);
    }
}

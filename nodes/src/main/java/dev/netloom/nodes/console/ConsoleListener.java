package dev.netloom.nodes.console;

/**
 * A reader attached to a console: sees every inbound byte from the moment it attaches. Called on the
 * console's event loop, so it must not block.
 */
public interface ConsoleListener {

    /** Bytes as they arrived; the array is shared with other readers and must not be modified. */
    void onData(byte[] chunk);

    /** The console closed; no more data will come. */
    default void onClose() {
    }
}

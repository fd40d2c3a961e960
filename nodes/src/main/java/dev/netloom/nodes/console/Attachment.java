package dev.netloom.nodes.console;

/** A reader's hold on a console; closing it detaches the reader. Closing twice is harmless. */
public interface Attachment extends AutoCloseable {

    @Override
    void close();
}

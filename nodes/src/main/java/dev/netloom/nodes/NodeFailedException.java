package dev.netloom.nodes;

/** A node could not boot or died: the message names the node and carries the QEMU log and console tails. */
public class NodeFailedException extends NetloomException {

    public NodeFailedException(String message) {
        super(message);
    }

    public NodeFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}

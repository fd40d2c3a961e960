package dev.netloom.nodes;

/**
 * The root of netloom's unchecked exceptions. Every message says what went wrong and, where there is
 * one, what the user can do about it. {@link #exitCode()} is what the CLI exits with.
 */
public class NetloomException extends RuntimeException {

    public NetloomException(String message) {
        super(message);
    }

    public NetloomException(String message, Throwable cause) {
        super(message, cause);
    }

    /** 1: the work failed (a node, a build, a check). Subclasses for bad input return 2. */
    public int exitCode() {
        return 1;
    }
}

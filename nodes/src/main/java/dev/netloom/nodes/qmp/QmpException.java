package dev.netloom.nodes.qmp;

import dev.netloom.nodes.NetloomException;

/**
 * A QMP command or connection failed. For an error QEMU answered, {@link #errorClass()} and
 * {@link #desc()} are QMP's own; for a transport failure (closed socket, timeout) both are null.
 */
public class QmpException extends NetloomException {

    private final String errorClass;
    private final String desc;

    /** QEMU answered a command with {@code {"error": {"class": ..., "desc": ...}}}. */
    public QmpException(String message, String errorClass, String desc) {
        super(message);
        this.errorClass = errorClass;
        this.desc = desc;
    }

    /** The connection failed or closed; no QMP error class applies. */
    public QmpException(String message, Throwable cause) {
        super(message, cause);
        this.errorClass = null;
        this.desc = null;
    }

    /** QMP's error class, e.g. {@code GenericError} or {@code CommandNotFound}; null for transport failures. */
    public String errorClass() {
        return errorClass;
    }

    /** QMP's human-readable error description; null for transport failures. */
    public String desc() {
        return desc;
    }
}

package dev.netloom.nodes.qmp;

/**
 * The answer to {@code query-status}.
 *
 * @param running whether the guest's CPUs are running
 * @param status  QEMU's run state, e.g. {@code running}, {@code paused}, {@code shutdown}, {@code prelaunch}
 */
public record QmpStatus(boolean running, String status) {
}

package dev.netloom.nodes;

/**
 * Where a node is in its life. DEFINED -> STARTING (process launched, console connecting) -> BOOTING
 * (waiting for boot, login and prompt) -> READY (exec works) -> STOPPING -> STOPPED. FAILED is final
 * for that run: the process exited unasked, or the boot failed.
 */
public enum NodeState {
    DEFINED, STARTING, BOOTING, READY, STOPPING, STOPPED, FAILED;

    /** STOPPED or FAILED: no process is left. */
    public boolean isFinal() {
        return this == STOPPED || this == FAILED;
    }

    /**
     * Whether a node in this state may move to {@code to}: out of a final state only to STARTING (a
     * restart), and out of STOPPING only to STOPPED or FAILED.
     */
    public boolean allows(NodeState to) {
        if (isFinal()) {
            return to == STARTING;
        }
        return this != STOPPING || to == STOPPED || to == FAILED;
    }
}

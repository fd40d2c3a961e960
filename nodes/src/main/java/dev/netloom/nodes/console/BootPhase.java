package dev.netloom.nodes.console;

/** The steps of boot detection, in order; a failure names the one it was waiting in. */
public enum BootPhase {
    BOOT("the boot marker"),
    LOGIN("the login prompt"),
    PASSWORD("the password prompt"),
    PROMPT("the shell prompt");

    private final String waitingFor;

    BootPhase(String waitingFor) {
        this.waitingFor = waitingFor;
    }

    /** What this phase waits for, for messages: "the boot marker". */
    public String waitingFor() {
        return waitingFor;
    }
}

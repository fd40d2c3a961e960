package dev.netloom.impairment;

import java.util.List;

/** The lab's namespace, as the host engines and their probes use it (the fabric implements it). */
public interface HostShell {

    /** Runs {@code ip -batch} lines in the namespace; throws when one fails. */
    void ip(String lines);

    /** Runs {@code tc -batch} lines in the namespace; throws when one fails. */
    void tc(String lines);

    /** Runs one {@code tc} command in the namespace; whether it succeeded. */
    boolean tcSucceeds(List<String> args);
}

package dev.netloom.scenario;

import java.util.regex.Pattern;

/**
 * The name rules. Lab, node and link names reach file names, hostnames and (through fixed prefixes)
 * `ip` and `tc` arguments, so they are checked against these patterns before anything is created.
 */
public final class Names {

    /** Lab names: also the namespace name nl-LAB, so at most 12 characters. */
    public static final Pattern LAB = Pattern.compile("[a-z][a-z0-9-]{0,11}");
    /** Node names: hostnames; same rule as NodeSpec.NAME. */
    public static final Pattern NODE = Pattern.compile("[a-z][a-z0-9-]{0,14}");
    /** Link and LAN names. */
    public static final Pattern LINK = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,31}");

    private Names() {
    }
}

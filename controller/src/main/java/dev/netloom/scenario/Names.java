package dev.netloom.scenario;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The name rules. Lab, node and link names reach file names, hostnames and (through fixed prefixes)
 * `ip` and `tc` arguments, so they are checked against these patterns before anything is created.
 * Also the names netloom keeps for itself: namespaces it makes outside labs, and host names that
 * every node's /etc/hosts already has.
 */
public final class Names {

    /** Lab names: also the namespace name nl-LAB, so at most 12 characters. */
    public static final Pattern LAB = Pattern.compile("[a-z][a-z0-9-]{0,11}");
    /** Node names: hostnames; same rule as NodeSpec.NAME. */
    public static final Pattern NODE = Pattern.compile("[a-z][a-z0-9-]{0,14}");
    /** Link and LAN names. */
    public static final Pattern LINK = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,31}");

    /** Every network namespace netloom makes starts with this: a lab's is nl-LAB. */
    public static final String NAMESPACE_PREFIX = "nl-";
    /** `netloom doctor`'s scratch namespace is nl-doctor-PID. */
    public static final String DOCTOR = "doctor";
    /** The benchmarks' scratch namespaces (nl-bench-PID, nl-bench-n-PID, ...) and wiring lab start with it. */
    public static final String BENCH = "bench";
    /**
     * Lab names may not start with these: nl-LAB would then be a namespace that doctor or the
     * benchmarks create and delete for themselves.
     */
    public static final List<String> RESERVED_LAB_PREFIXES = List.of(DOCTOR, BENCH);

    /**
     * Names that /etc/hosts already gives to loopback and multicast addresses (Debian's file, glibc's
     * localhost4/6, macOS's broadcasthost): a node of such a name would resolve to the wrong place.
     */
    public static final List<String> RESERVED_NODE_NAMES = List.of("localhost", "localhost4", "localhost6", "ip6-localhost",
            "ip6-loopback", "ip6-localnet", "ip6-mcastprefix", "ip6-allnodes", "ip6-allrouters", "ip6-allhosts", "broadcasthost");

    private Names() {
    }

    /** A scratch namespace outside every lab's: nl-OWNER-SUFFIX, where owner is {@link #DOCTOR} or {@link #BENCH}. */
    public static String scratchNamespace(String owner, String suffix) {
        if (!RESERVED_LAB_PREFIXES.contains(owner)) {
            throw new IllegalArgumentException("not a reserved prefix: " + owner);
        }
        return NAMESPACE_PREFIX + owner + "-" + suffix;
    }

    /** The reserved prefix {@code lab} starts with, if any. */
    public static Optional<String> reservedPrefixOf(String lab) {
        return RESERVED_LAB_PREFIXES.stream().filter(lab::startsWith).findFirst();
    }

    public static boolean isReservedNodeName(String node) {
        return RESERVED_NODE_NAMES.contains(node);
    }
}

package dev.netloom.nodes.image;

import dev.netloom.nodes.NodeSpec;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * What a fork must change in the guest it resumes so that it is not its template: the hostname, each
 * NIC's MAC (the guest driver keeps the template's: {@code ip link set address} gives it the plan's),
 * a fresh random seed (written to /dev/urandom: mixed into the kernel's input pool, from which the
 * CRNG reseeds), and the clock (the guest's stood still while the template was saved). The line is
 * one shell command for the console; every value in it is netloom's own (a validated node name, MACs,
 * hex digits, a number).
 */
public final class ForkIdentity {

    /** Bytes of fresh randomness each fork writes to /dev/urandom. */
    static final int SEED_BYTES = 64;
    private static final SecureRandom RANDOM = new SecureRandom();

    private ForkIdentity() {
    }

    /** {@link #SEED_BYTES} random bytes from the host, as hex. */
    public static String freshSeed() {
        byte[] seed = new byte[SEED_BYTES];
        RANDOM.nextBytes(seed);
        return HexFormat.of().formatHex(seed);
    }

    /**
     * The identity line for a Linux guest with iproute2 and a date that takes {@code -s @SECONDS}
     * (busybox and coreutils both do): hostname (and /etc/hostname, /etc/hosts as the tiny init
     * writes them), MACs, seed, clock. A fork runs every program translated afresh (TCG starts with an
     * empty cache), so the line runs as few as it can: the hostname through /proc and the shell's echo
     * rather than the hostname program, every MAC through one {@code ip} (a batch when there are
     * several), and date.
     */
    public static String linuxCommand(NodeSpec spec, String seedHex, long epochMillis) {
        if (!seedHex.matches("[0-9a-f]+")) {
            throw new IllegalArgumentException("seed must be hex digits");
        }
        String name = spec.name(); // NodeSpec.NAME: [a-z][a-z0-9-]*
        StringBuilder line = new StringBuilder();
        line.append("echo ").append(name).append(" > /proc/sys/kernel/hostname && echo ").append(name).append(" > /etc/hostname")
                .append(" && echo '127.0.0.1 localhost ").append(name).append("' > /etc/hosts");
        List<String> macs = new java.util.ArrayList<>();
        List<NodeSpec.Nic> nics = spec.nics();
        for (int i = 0; i < nics.size(); i++) {
            String mac = nics.get(i).mac();
            if (!mac.matches("[0-9a-f]{2}(:[0-9a-f]{2}){5}")) {
                throw new IllegalArgumentException("node " + name + ": MAC " + mac + " is not lower-case aa:bb:cc:dd:ee:ff");
            }
            macs.add("link set dev eth" + i + " address " + mac);
        }
        if (macs.size() == 1) {
            line.append(" && ip ").append(macs.get(0));
        } else if (macs.size() > 1) {
            line.append(" && printf '%s\\n'");
            macs.forEach(m -> line.append(" '").append(m).append('\''));
            line.append(" | ip -batch -");
        }
        line.append(" && echo ").append(seedHex).append(" > /dev/urandom");
        long seconds = Math.floorDiv(epochMillis, 1000);
        line.append(" && date -u -s @").append(seconds).append(" > /dev/null");
        return line.toString();
    }
}

package dev.netloom.nodes.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Whether ordinary users can run labs on this host (docs/host.md "Running without root"): the kernel
 * must let them create user namespaces, and /dev/net/tun must be open to them, since the taps QEMU
 * attaches to are opened through it with the user's own rights. {@code doctor} reports it; a lab
 * started by an ordinary user fails with the same reasons.
 */
public final class Rootless {

    /** The device every tap is opened through. */
    public static final Path TUN = Path.of("/dev/net/tun");

    /** The kernel settings that can forbid unprivileged user namespaces, and the value that forbids each. */
    static final Map<String, String> SYSCTLS = Map.of(
            "user/max_user_namespaces", "0",
            "kernel/unprivileged_userns_clone", "0",
            "kernel/apparmor_restrict_unprivileged_userns", "1");

    private Rootless() {
    }

    /**
     * Why user namespaces are not open to ordinary users, from the settings read ({@code sysctl path}
     * to value; a missing one allows), each with its remedy; empty when none forbids them.
     */
    static List<String> kernelObstacles(Map<String, String> read) {
        List<String> out = new ArrayList<>();
        for (String key : List.of("user/max_user_namespaces", "kernel/unprivileged_userns_clone", "kernel/apparmor_restrict_unprivileged_userns")) {
            String v = read.get(key);
            if (v != null && v.strip().equals(SYSCTLS.get(key))) {
                String name = key.replace('/', '.');
                String allow = key.startsWith("user/") ? "15000" : key.contains("apparmor") ? "0" : "1";
                out.add(name + " is " + v.strip() + ", which forbids user namespaces to ordinary users (as root: sysctl -w " + name + "=" + allow + ")");
            }
        }
        return out;
    }

    /** The settings of {@link #SYSCTLS} as this host has them (missing ones left out). */
    static Map<String, String> readSysctls() {
        Map<String, String> out = new java.util.TreeMap<>();
        for (String key : SYSCTLS.keySet()) {
            try {
                out.put(key, Files.readString(Path.of("/proc/sys", key)));
            } catch (IOException e) {
                // this kernel has no such setting: it does not forbid anything
            }
        }
        return out;
    }

    /**
     * Why /dev/net/tun is not open to ordinary users, or empty. As root, its mode says (read and write
     * for others, as Debian's udev rule sets it; an ACL for some users does not show there); as an
     * ordinary user, whether this user may open it (access(2), which honours ACLs).
     */
    public static Optional<String> tunObstacle(boolean root) {
        if (!Files.exists(TUN)) {
            return Optional.of(TUN + " is missing (as root: modprobe tun)");
        }
        String fix = " (as root: chmod 0666 " + TUN + ", Debian's default that udev sets, or setfacl -m u:USER:rw " + TUN + " for one user)";
        if (root) {
            try {
                Set<PosixFilePermission> mode = Files.getPosixFilePermissions(TUN);
                if (!mode.contains(PosixFilePermission.OTHERS_READ) || !mode.contains(PosixFilePermission.OTHERS_WRITE)) {
                    return Optional.of(TUN + " is mode " + java.nio.file.attribute.PosixFilePermissions.toString(mode)
                            + ": ordinary users cannot open it, so they cannot attach QEMU to a tap" + fix);
                }
            } catch (IOException e) {
                return Optional.of("cannot read the mode of " + TUN + ": " + e.getMessage());
            }
            return Optional.empty();
        }
        if (!Files.isReadable(TUN) || !Files.isWritable(TUN)) {
            return Optional.of(TUN + " is not open to " + System.getProperty("user.name") + ", so QEMU cannot attach to a tap" + fix);
        }
        return Optional.empty();
    }

    /**
     * Why ordinary users cannot run labs here; empty when they can. As an ordinary user the user
     * namespace is really made ({@link UserNetns}), since a kernel setting this does not know of may
     * forbid it; as root, the settings are read.
     */
    public static List<String> obstacles() {
        boolean root = HostSetup.isRoot();
        List<String> out = new ArrayList<>(kernelObstacles(readSysctls()));
        for (String program : List.of("unshare", "nsenter")) {
            if (!Proc.onPath(program)) {
                out.add(program + " is missing (apt-get install util-linux)");
            }
        }
        if (!root && out.isEmpty()) {
            try {
                UserNetns.start("nl-probe").delete();
            } catch (RuntimeException e) {
                out.add(e.getMessage());
            }
        }
        tunObstacle(root).ifPresent(out::add);
        return out;
    }
}

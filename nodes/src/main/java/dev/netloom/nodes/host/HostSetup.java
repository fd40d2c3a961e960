package dev.netloom.nodes.host;

import dev.netloom.nodes.NetloomException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Makes sure the Debian packages netloom needs are installed: as root it installs the missing ones
 * with apt-get and says so; otherwise it prints the exact apt-get command and fails.
 */
public final class HostSetup {

    /** Package and the program that shows it is there. */
    public static final Map<String, String> REQUIRED = new LinkedHashMap<>();

    static {
        REQUIRED.put("qemu-system-x86", "qemu-system-x86_64");
        REQUIRED.put("qemu-utils", "qemu-img");
        REQUIRED.put("iproute2", "ip");
        REQUIRED.put("kmod", "depmod");
        REQUIRED.put("binutils", "readelf");
        REQUIRED.put("zstd", "zstd");
        REQUIRED.put("mmdebstrap", "mmdebstrap");     // Debian images and recipes
        REQUIRED.put("genisoimage", "genisoimage");   // cloud-init NoCloud seeds
    }

    private HostSetup() {
    }

    public static List<String> missingPackages() {
        List<String> missing = new ArrayList<>();
        REQUIRED.forEach((pkg, program) -> {
            if (!Proc.onPath(program)) {
                missing.add(pkg);
            }
        });
        return missing;
    }

    public static boolean isRoot() {
        try {
            return ((Integer) java.nio.file.Files.getAttribute(java.nio.file.Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (java.io.IOException | UnsupportedOperationException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /** Installs what is missing (as root) or throws with the command to run. */
    public static void ensure(Consumer<String> say) {
        List<String> missing = missingPackages();
        if (missing.isEmpty()) {
            return;
        }
        List<String> install = new ArrayList<>(List.of("apt-get", "install", "-y", "--no-install-recommends"));
        install.addAll(missing);
        if (!isRoot()) {
            throw new NetloomException("netloom needs these Debian packages: " + String.join(" ", missing)
                    + "; install them as root with: " + String.join(" ", install));
        }
        say.accept("installing missing Debian packages: " + String.join(" ", missing));
        Proc.Result r = Proc.run(withEnv(install), null, null, Duration.ofMinutes(20));
        if (!r.ok()) {
            say.accept("apt-get install failed, updating the package lists and trying again");
            Proc.run(withEnv(List.of("apt-get", "update", "-q")), null, null, Duration.ofMinutes(10)).orThrow();
            Proc.run(withEnv(install), null, null, Duration.ofMinutes(20)).orThrow();
        }
        List<String> still = missingPackages();
        if (!still.isEmpty()) {
            throw new NetloomException("apt-get installed the packages, yet these are still missing: " + String.join(" ", still));
        }
    }

    private static List<String> withEnv(List<String> cmd) {
        List<String> c = new ArrayList<>(List.of("env", "DEBIAN_FRONTEND=noninteractive"));
        c.addAll(cmd);
        return c;
    }
}

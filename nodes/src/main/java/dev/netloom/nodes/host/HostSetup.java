package dev.netloom.nodes.host;

import dev.netloom.nodes.NetloomException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Makes sure the Debian packages netloom needs ({@link HostTool#ALL}) are installed: as root it installs
 * the missing ones with apt-get and says so; otherwise it prints the exact apt-get command and fails.
 */
public final class HostSetup {

    private HostSetup() {
    }

    /** Packages of the core tools (labs and image builds) whose programs are missing. */
    public static List<String> missingPackages() {
        return missing(false);
    }

    /** Packages of the tools whose programs are missing: the core ones, and with {@code all} the others too. */
    public static List<String> missing(boolean all) {
        Set<String> missing = new LinkedHashSet<>();
        for (HostTool t : HostTool.ALL) {
            if ((all || t.core()) && !t.present()) {
                missing.add(t.pkg());
            }
        }
        return List.copyOf(missing);
    }

    public static boolean isRoot() {
        try {
            return ((Integer) java.nio.file.Files.getAttribute(java.nio.file.Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (java.io.IOException | UnsupportedOperationException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /** Installs the missing core packages (as root) or throws with the command to run. */
    public static void ensure(Consumer<String> say) {
        ensure(say, false);
    }

    /** Installs every missing package of the table, also those only benchmarks and SVG graphs use ({@code netloom setup}). */
    public static void ensureAll(Consumer<String> say) {
        ensure(say, true);
    }

    /**
     * Installs the packages of those {@code programs} (programs of the table) that are missing, as
     * {@link #ensure} does for the core ones: for what only some labs need, such as the emulator of
     * arm64 nodes.
     */
    public static void ensurePrograms(List<String> programs, Consumer<String> say) {
        install(missingOf(programs), say, () -> missingOf(programs));
    }

    /** Packages of the table's {@code programs} that are missing here. */
    static List<String> missingOf(List<String> programs) {
        Set<String> missing = new LinkedHashSet<>();
        for (String program : programs) {
            HostTool t = HostTool.ALL.stream().filter(h -> h.program().equals(program)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(program + " is not in HostTool.ALL"));
            if (!t.present()) {
                missing.add(t.pkg());
            }
        }
        return List.copyOf(missing);
    }

    private static void ensure(Consumer<String> say, boolean all) {
        install(missing(all), say, () -> missing(all));
    }

    private static void install(List<String> missing, Consumer<String> say, Supplier<List<String>> stillMissing) {
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
        List<String> still = stillMissing.get();
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

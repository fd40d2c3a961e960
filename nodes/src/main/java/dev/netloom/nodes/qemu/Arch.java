package dev.netloom.nodes.qemu;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.netloom.nodes.BadInputException;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * A guest CPU architecture: the name an image manifest records, the Debian architecture its packages
 * come from, and the QEMU system emulator (and its Debian package) that runs it. KVM runs only the
 * host's own architecture; every other one runs under TCG.
 */
public enum Arch {
    X86_64("x86_64", "amd64", "qemu-system-x86_64", "qemu-system-x86"),
    ARM64("arm64", "arm64", "qemu-system-aarch64", "qemu-system-arm");

    private final String id;
    private final String debianArch;
    private final String qemu;
    private final String qemuPackage;

    Arch(String id, String debianArch, String qemu, String qemuPackage) {
        this.id = id;
        this.debianArch = debianArch;
        this.qemu = qemu;
        this.qemuPackage = qemuPackage;
    }

    /** The name in image.json and in messages: x86_64 or arm64. */
    @JsonValue
    public String id() {
        return id;
    }

    /** Debian's name for the architecture (amd64, arm64): dpkg's and apt's. */
    public String debianArch() {
        return debianArch;
    }

    /** The QEMU system emulator that runs guests of this architecture. */
    public String qemu() {
        return qemu;
    }

    /** The Debian package that provides {@link #qemu()}. */
    public String qemuPackage() {
        return qemuPackage;
    }

    /** The architecture named {@code text} (also Debian's amd64 and the kernel's aarch64); bad input lists the valid names. */
    @JsonCreator
    public static Arch parse(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "x86_64", "amd64", "x86-64" -> X86_64;
            case "arm64", "aarch64" -> ARM64;
            default -> throw new BadInputException("unknown architecture '" + text + "': use one of "
                    + String.join(", ", Arrays.stream(values()).map(Arch::id).toList()));
        };
    }

    /** The architecture of this host (from the JVM's os.arch), or empty when netloom has no name for it. */
    public static Optional<Arch> host() {
        return of(System.getProperty("os.arch", ""));
    }

    /** The architecture a JVM {@code os.arch} value names (amd64, x86_64, aarch64), or empty. */
    static Optional<Arch> of(String osArch) {
        try {
            return Optional.of(parse(osArch));
        } catch (BadInputException e) {
            return Optional.empty();
        }
    }

    /** True when this is the host's own architecture: the only one KVM can run. */
    public boolean isHost() {
        return host().orElse(null) == this;
    }

    /**
     * How a node of this architecture runs, given what was decided for the host's own architecture:
     * the same for the host's architecture, TCG for any other (KVM cannot run a foreign CPU).
     */
    public Accel accel(Accel hostAccel) {
        return isHost() ? hostAccel : Accel.TCG;
    }

    @Override
    public String toString() {
        return id;
    }
}

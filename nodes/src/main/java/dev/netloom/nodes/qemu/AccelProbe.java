package dev.netloom.nodes.qemu;

import dev.netloom.nodes.Install;
import dev.netloom.nodes.Json;
import dev.netloom.nodes.UserDirs;
import dev.netloom.nodes.host.Proc;
import dev.netloom.nodes.image.ImageManifest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Decides between KVM and TCG by behaviour: a short test boot of the tiny image under KVM must reach
 * its boot marker within a few seconds. Opening /dev/kvm proves nothing: on some hosts it opens, yet
 * guests hang or QEMU aborts. The verdict is cached per host, keyed by kernel release and QEMU
 * version, so that either changing makes netloom probe again. The decision is per architecture: the
 * probe is about the host's own one; guests of any other architecture always run under TCG.
 */
public final class AccelProbe {

    private static final Logger log = LoggerFactory.getLogger(AccelProbe.class);
    static final Duration PROBE_BUDGET = Duration.ofSeconds(8);

    /** What the test boot under KVM did. */
    public enum Outcome { BOOTED, EXITED, HUNG }

    /** A decision and the reason for it, as it is cached and shown by doctor. */
    public record Verdict(Accel accel, String reason, String key) {
    }

    private final Path cacheFile;
    private final String qemu;
    private final Arch arch;

    public AccelProbe(Path cacheFile, String qemu) {
        this(cacheFile, qemu, Arch.X86_64);
    }

    /** A probe of {@code arch} guests run by {@code qemu} (the host's architecture: KVM runs no other). */
    public AccelProbe(Path cacheFile, String qemu, Arch arch) {
        this.cacheFile = cacheFile;
        this.qemu = qemu;
        this.arch = arch;
    }

    /**
     * The probe of the host's own architecture (x86_64 on a host netloom has no name for), cached in
     * {@code $XDG_CACHE_HOME/netloom/accel.json} or {@code ~/.cache/netloom/accel.json}.
     */
    public static AccelProbe forHost() {
        Arch host = Arch.host().orElse(Arch.X86_64);
        return new AccelProbe(UserDirs.cache().resolve("accel.json"), host.qemu(), host);
    }

    /**
     * The acceleration for guests of {@code guest}: for the host's own architecture as
     * {@link #resolve(Accel, Path)} decides (probing with {@code tinyImageDir}, the host architecture's
     * tiny image); for any other TCG, without a probe.
     */
    public Verdict resolve(Accel requested, Arch guest, Path tinyImageDir) {
        if (guest != arch) {
            return foreign(guest, arch);
        }
        return resolve(requested, tinyImageDir);
    }

    /** The verdict for guests of {@code guest} on a host of {@code host}, another architecture: TCG. Pure. */
    static Verdict foreign(Arch guest, Arch host) {
        return new Verdict(Accel.TCG, "software emulation: KVM runs only " + host + " guests on this " + host
                + " host, " + guest + " guests are emulated", "");
    }

    /**
     * The acceleration to use for {@code requested}: KVM and TCG are taken as asked; AUTO uses the
     * cached verdict for this host or probes with {@code tinyImageDir} (null when there is no tiny
     * image to probe with, in which case it answers TCG without caching).
     */
    public Verdict resolve(Accel requested, Path tinyImageDir) {
        if (requested != Accel.AUTO) {
            return new Verdict(requested, "asked for with --accel " + requested.qemuName(), "");
        }
        String key = hostKey();
        Verdict cached = readCache();
        if (cached != null && cached.key().equals(key)) {
            return cached;
        }
        boolean kvmDevice = Files.exists(Path.of("/dev/kvm"));
        if (!kvmDevice || tinyImageDir == null) {
            Verdict v = decide(kvmDevice, null, Duration.ZERO, key);
            if (!kvmDevice) {
                writeCache(v);
            }
            log.info("acceleration: {} ({})", v.accel().qemuName(), v.reason());
            return v;
        }
        Path kvm = Path.of("/dev/kvm");
        if (!Files.isReadable(kvm) || !Files.isWritable(kvm)) {
            // an ordinary user outside the kvm group: not cached, since joining the group changes it
            String user = System.getProperty("user.name");
            return new Verdict(Accel.TCG, "software emulation: /dev/kvm is not open to " + user + " (as root: adduser " + user + " kvm)", key);
        }
        long t0 = System.nanoTime();
        Outcome outcome = testBoot(tinyImageDir);
        Verdict v = decide(true, outcome, Duration.ofNanos(System.nanoTime() - t0), key);
        writeCache(v);
        log.info("acceleration: {} ({})", v.accel().qemuName(), v.reason());
        return v;
    }

    /** Drops the cached verdict so the next {@link #resolve} probes again. */
    public void forget() {
        try {
            Files.deleteIfExists(cacheFile);
        } catch (IOException e) {
            log.debug("cannot delete {}: {}", cacheFile, e.getMessage());
        }
    }

    /** The decision logic, free of processes: only a KVM test boot that reached its marker means KVM. */
    static Verdict decide(boolean kvmDevice, Outcome outcome, Duration took, String key) {
        if (!kvmDevice) {
            return new Verdict(Accel.TCG, "software emulation: /dev/kvm does not exist", key);
        }
        if (outcome == null) {
            return new Verdict(Accel.TCG, "software emulation: KVM not probed yet, the tiny image is not built (`" + Install.cli() + " images build tiny`)", key);
        }
        return switch (outcome) {
            case BOOTED -> new Verdict(Accel.KVM, "KVM: a test boot reached its boot marker in " + took.toMillis() + " ms", key);
            case EXITED -> new Verdict(Accel.TCG, "software emulation: /dev/kvm opens but QEMU aborted a KVM test boot", key);
            case HUNG -> new Verdict(Accel.TCG, "software emulation: /dev/kvm opens but a KVM test boot hung (no boot marker within "
                    + PROBE_BUDGET.toSeconds() + " s)", key);
        };
    }

    /** Boots the tiny image under KVM with its console on stdout and watches for the boot marker. */
    private Outcome testBoot(Path imageDir) {
        ImageManifest m = ImageManifest.read(imageDir);
        List<String> cmd = new ArrayList<>(List.of(qemu));
        if (arch == Arch.ARM64) {
            cmd.addAll(List.of("-machine", "virt,gic-version=host"));
        }
        cmd.addAll(List.of("-accel", "kvm", "-cpu", "host", "-m", String.valueOf(m.memoryMiB()),
                "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot", "-serial", "stdio",
                "-kernel", imageDir.resolve(m.kernel()).toString(), "-initrd", imageDir.resolve(m.initrd()).toString(),
                "-append", m.kernelArgs() + " netloom.hostname=probe"));
        Pattern marker = Pattern.compile(m.bootPattern());
        Process p;
        try {
            p = Proc.start(cmd, ProcessBuilder.Redirect.PIPE, ProcessBuilder.Redirect.PIPE);
        } catch (IOException e) {
            return Outcome.EXITED;
        }
        StringBuilder seen = new StringBuilder();
        Thread reader = new Thread(() -> {
            try (InputStream in = p.getInputStream()) {
                byte[] buf = new byte[4096];
                int n;
                while ((n = in.read(buf)) > 0) {
                    synchronized (seen) {
                        seen.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                        if (marker.matcher(seen).find()) {
                            seen.notifyAll();
                        }
                    }
                }
            } catch (IOException ignored) {
                // the process is gone; the outcome is decided below
            }
            synchronized (seen) {
                seen.notifyAll();
            }
        }, "accel-probe");
        reader.setDaemon(true);
        reader.start();
        try {
            long deadline = System.nanoTime() + PROBE_BUDGET.toNanos();
            synchronized (seen) {
                while (!marker.matcher(seen).find() && p.isAlive() && System.nanoTime() < deadline) {
                    seen.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                }
                if (marker.matcher(seen).find()) {
                    return Outcome.BOOTED;
                }
            }
            return p.isAlive() ? Outcome.HUNG : Outcome.EXITED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.HUNG;
        } finally {
            p.destroyForcibly();
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Changes whenever the host kernel or QEMU changes. */
    String hostKey() {
        String kernel;
        try {
            kernel = Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        } catch (IOException e) {
            kernel = System.getProperty("os.version");
        }
        Proc.Result v = Proc.run(List.of(qemu, "--version"), Duration.ofSeconds(20));
        return kernel + "|" + v.stdout().lines().findFirst().orElse("?");
    }

    private Verdict readCache() {
        try {
            return Files.isRegularFile(cacheFile) ? Json.MAPPER.readValue(cacheFile.toFile(), Verdict.class) : null;
        } catch (IOException e) {
            return null;
        }
    }

    private void writeCache(Verdict v) {
        try {
            Files.createDirectories(cacheFile.getParent());
            Path tmp = Files.createTempFile(cacheFile.getParent(), "accel", ".tmp");
            Json.MAPPER.writeValue(tmp.toFile(), v);
            Files.move(tmp, cacheFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            log.debug("cannot cache the acceleration verdict in {}: {}", cacheFile, e.getMessage());
        }
    }
}

package dev.netloom.nodes.host;

import dev.netloom.nodes.NetloomException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The host kernel's same-page merging (KSM, {@code /sys/kernel/mm/ksm}): whether it exists and runs,
 * its scan settings, what it saves, and what its kernel thread ksmd costs. QEMU marks every guest's
 * memory mergeable (its {@code mem-merge} machine option, on by default), so once KSM runs, identical
 * pages of all guests (the same kernel, the same initramfs, zeroed memory) are kept once. Writing
 * the settings needs root.
 */
public final class Ksm {

    /** The host's KSM. */
    public static final Ksm HOST = new Ksm(Path.of("/sys/kernel/mm/ksm"), Path.of("/proc"));
    /** ksmd's priority as the kernel starts it. */
    public static final int KSMD_NICE = 5;
    /** USER_HZ: the unit of a process's CPU times in /proc/PID/stat (100 on every Linux architecture netloom runs on). */
    static final long CLOCK_TICKS_PER_SECOND = 100;

    private final Path dir;
    private final Path proc;

    /** A KSM whose files are under {@code dir} and whose ksmd is found under {@code proc} (tests use scratch directories). */
    public Ksm(Path dir, Path proc) {
        this.dir = dir;
        this.proc = proc;
    }

    /**
     * The scan settings netloom may change and put back.
     *
     * @param run          0 stopped, 1 running, 2 stopped and every merged page unmerged
     * @param pagesToScan  pages ksmd scans per wake-up
     * @param sleepMillis  how long ksmd sleeps between wake-ups
     * @param ksmdNice     ksmd's scheduling priority (the kernel starts it at 5, below every process at 0)
     */
    public record Settings(int run, int pagesToScan, int sleepMillis, int ksmdNice) {

        public boolean running() {
            return run == 1;
        }

        /** Pages scanned per second at most. */
        public long pagesPerSecond() {
            return sleepMillis <= 0 ? pagesToScan * 1000L : pagesToScan * 1000L / sleepMillis;
        }
    }

    /**
     * What KSM does now.
     *
     * @param pagesShared  merged pages kept (one copy each)
     * @param pagesSharing the other mappings of them: the pages saved
     * @param zeroPages    pages merged with the kernel's zero page ({@code use_zero_pages}; 0 on kernels without it)
     * @param fullScans    completed passes over all mergeable memory
     */
    public record Counters(long pagesShared, long pagesSharing, long zeroPages, long fullScans) {

        /** Memory KSM saves, in MiB. */
        public long savedMiB() {
            return (pagesSharing + zeroPages) * 4096 / (1024 * 1024);
        }
    }

    /** True when this kernel has KSM. */
    public boolean available() {
        return Files.isRegularFile(dir.resolve("run"));
    }

    /** The scan settings, or empty without KSM. */
    public Optional<Settings> settings() {
        if (!available()) {
            return Optional.empty();
        }
        return Optional.of(new Settings((int) read("run"), (int) read("pages_to_scan"), (int) read("sleep_millisecs"), ksmdNice().orElse(KSMD_NICE)));
    }

    public Optional<Counters> counters() {
        if (!available()) {
            return Optional.empty();
        }
        return Optional.of(new Counters(read("pages_shared"), read("pages_sharing"),
                Files.exists(dir.resolve("ksm_zero_pages")) ? read("ksm_zero_pages") : 0, read("full_scans")));
    }

    /**
     * Writes the settings (as root): the rate first, so that ksmd never starts at an old one, and
     * ksmd's priority ({@code renice}). Run 0 stops ksmd and leaves what it merged merged; netloom
     * never writes 2 (unmerge all).
     */
    public void write(Settings s) {
        write("pages_to_scan", s.pagesToScan());
        write("sleep_millisecs", s.sleepMillis());
        write("run", s.run());
        Optional<Long> pid = ksmdPid();
        if (pid.isPresent() && ksmdNice().orElse(s.ksmdNice()) != s.ksmdNice()) {
            Proc.run(List.of("renice", "-n", Integer.toString(s.ksmdNice()), "-p", Long.toString(pid.get())), Duration.ofSeconds(10)).orThrow();
        }
    }

    /** CPU time ksmd has used since it started, in nanoseconds; empty when there is no ksmd. */
    public Optional<Long> ksmdCpuNanos() {
        return ksmdStat().map(stat -> field(stat, 14) + field(stat, 15)).map(ticks -> ticks * (1_000_000_000L / CLOCK_TICKS_PER_SECOND));
    }

    /** ksmd's nice value (field 19 of its /proc/PID/stat). */
    public Optional<Integer> ksmdNice() {
        return ksmdStat().map(stat -> (int) field(stat, 19));
    }

    /** The pid of the kernel's KSM thread, found by its name. */
    Optional<Long> ksmdPid() {
        try (Stream<Path> pids = Files.list(proc)) {
            for (Path p : pids.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                try {
                    if (Files.readString(p.resolve("comm")).strip().equals("ksmd")) {
                        return Optional.of(Long.parseLong(p.getFileName().toString()));
                    }
                } catch (IOException | RuntimeException e) {
                    // a process that went away meanwhile
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private Optional<String> ksmdStat() {
        return ksmdPid().flatMap(pid -> {
            try {
                return Optional.of(Files.readString(proc.resolve(Long.toString(pid)).resolve("stat")));
            } catch (IOException e) {
                return Optional.empty();
            }
        });
    }

    /** utime + stime (fields 14 and 15) of a /proc/PID/stat line. */
    static long cpuTicks(String stat) {
        return field(stat, 14) + field(stat, 15);
    }

    /** Field {@code n} (from 1, as proc(5) numbers them) of a /proc/PID/stat line, counted after the command's closing parenthesis. */
    static long field(String stat, int n) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        return Long.parseLong(f[n - 3]);
    }

    private long read(String name) {
        try {
            return Long.parseLong(Files.readString(dir.resolve(name)).strip());
        } catch (IOException | NumberFormatException e) {
            throw new NetloomException("cannot read " + dir.resolve(name) + ": " + e.getMessage(), e);
        }
    }

    private void write(String name, int value) {
        try {
            Files.writeString(dir.resolve(name), Integer.toString(value));
        } catch (IOException e) {
            throw new NetloomException("cannot write " + value + " to " + dir.resolve(name) + ": " + e.getMessage()
                    + (HostSetup.isRoot() ? "" : " (only root can change KSM)"), e);
        }
    }
}

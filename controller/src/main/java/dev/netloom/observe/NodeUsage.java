package dev.netloom.observe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What a node's QEMU process uses on the host: CPU time (all its threads, user and system), resident
 * memory, and its proportional share (PSS: pages shared with other processes, such as KSM-merged
 * guest pages, count for a fraction). Read from /proc; a node without a process reads as zeros.
 *
 * @param pid        the QEMU process, or -1
 * @param cpuSeconds CPU time since the process started
 */
public record NodeUsage(String node, String state, long pid, double cpuSeconds, long rssBytes, long pssBytes) {

    /** Reads the process's usage now; zeros when it is gone or was never started. */
    public static NodeUsage read(String node, String state, long pid) {
        if (pid <= 0) {
            return new NodeUsage(node, state, pid, 0, 0, 0);
        }
        double cpu = ProcessHandle.of(pid).flatMap(h -> h.info().totalCpuDuration()).map(d -> d.toNanos() / 1e9).orElse(0.0);
        Path proc = Path.of("/proc", Long.toString(pid));
        return new NodeUsage(node, state, pid, cpu, kib(proc.resolve("status"), "VmRSS:") * 1024, kib(proc.resolve("smaps_rollup"), "Pss:") * 1024);
    }

    /** The CPU time between two readings of the same process as a share of one core over {@code between}. */
    public static double cpuShare(NodeUsage before, NodeUsage after, Duration between) {
        if (before.pid() != after.pid() || between.isZero() || between.isNegative()) {
            return 0;
        }
        return Math.max(0, after.cpuSeconds() - before.cpuSeconds()) / (between.toNanos() / 1e9);
    }

    /** The first "KEY value kB" line of a /proc file, in KiB; 0 when the file or line is missing. */
    static long kib(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(key)) {
                    String[] parts = line.substring(key.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process ended between two reads: it uses nothing
        }
        return 0;
    }
}

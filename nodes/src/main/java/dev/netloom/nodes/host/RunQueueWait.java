package dev.netloom.nodes.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * How long a QEMU's virtual CPUs have waited, runnable, for a host CPU: the second field of
 * /proc/PID/task/TID/schedstat (run_delay, in nanoseconds) of its vCPU threads (named "CPU n/TCG" or
 * "CPU n/KVM"), averaged over them; over every thread when none is named so. On a host starved by
 * other work a booting QEMU spends most of its wall time there; a hung guest (halted, or spinning)
 * does not.
 */
public final class RunQueueWait {

    private RunQueueWait() {
    }

    /** The run-queue wait of process {@code pid} so far, in ns; 0 when it is gone or the kernel has no schedstat. */
    public static long nanos(long pid) {
        return nanos(Path.of("/proc", Long.toString(pid), "task"));
    }

    static long nanos(Path tasks) {
        long all = 0;
        long vcpus = 0;
        int vcpuCount = 0;
        try (Stream<Path> threads = Files.list(tasks)) {
            for (Path t : threads.toList()) {
                long delay = runDelay(read(t.resolve("schedstat")));
                all += delay;
                if (read(t.resolve("comm")).startsWith("CPU ")) {
                    vcpus += delay;
                    vcpuCount++;
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0; // the process went away meanwhile
        }
        return vcpuCount > 0 ? vcpus / vcpuCount : all;
    }

    /** The run_delay field of a schedstat line ("run_ns wait_ns timeslices"); 0 when it is not one. */
    static long runDelay(String schedstat) {
        String[] f = schedstat.strip().split("\\s+");
        if (f.length < 2) {
            return 0;
        }
        try {
            return Long.parseLong(f[1]);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }
}

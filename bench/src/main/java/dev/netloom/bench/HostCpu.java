package dev.netloom.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The host's CPU time from /proc/stat, for how busy a bring-up kept the cores: a lab limited by
 * the CPU keeps every core busy, one limited by waiting (a cap on nodes starting at once, a round
 * trip after another) leaves them idle part of the time.
 *
 * @param busyTicks every CPU's time in anything but idle and iowait, in clock ticks
 * @param nanos     when it was read (System.nanoTime)
 */
record HostCpu(long busyTicks, long nanos) {

    /** Clock ticks per second (USER_HZ): 100 on Linux for every architecture netloom runs on. */
    static final double TICKS_PER_SECOND = 100;

    static HostCpu now() {
        try {
            return new HostCpu(busyTicks(Files.readAllLines(Path.of("/proc/stat")).get(0)), System.nanoTime());
        } catch (IOException | RuntimeException e) {
            return new HostCpu(-1, System.nanoTime());
        }
    }

    /** The busy ticks of the aggregate "cpu user nice system idle iowait irq softirq steal ..." line. */
    static long busyTicks(String cpuLine) {
        String[] f = cpuLine.trim().split("\\s+");
        long busy = 0;
        for (int i = 1; i < f.length && i <= 8; i++) {
            if (i != 4 && i != 5) { // idle, iowait
                busy += Long.parseLong(f[i]);
            }
        }
        return busy;
    }

    /** The cores kept busy on average from {@code before} to this reading (NaN when /proc/stat was unreadable). */
    double coresSince(HostCpu before) {
        if (busyTicks < 0 || before.busyTicks < 0 || nanos == before.nanos) {
            return Double.NaN;
        }
        return (busyTicks - before.busyTicks) / TICKS_PER_SECOND / ((nanos - before.nanos) / 1e9);
    }

    /**
     * The CPU time, in seconds, a process used so far (0 when it is gone): the sum of its threads'
     * run time in /proc/PID/task/TID/schedstat (nanoseconds, where utime and stime count 10 ms ticks).
     */
    static double processSeconds(long pid) {
        long nanos = 0;
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    nanos += Long.parseLong(Files.readString(task.resolve("schedstat")).split(" ")[0]);
                } catch (IOException | RuntimeException e) {
                    // a thread that ended meanwhile
                }
            }
        } catch (IOException | RuntimeException e) {
            return ProcessHandle.of(pid).flatMap(h -> h.info().totalCpuDuration()).map(d -> d.toNanos() / 1e9).orElse(0.0);
        }
        return nanos / 1e9;
    }
}

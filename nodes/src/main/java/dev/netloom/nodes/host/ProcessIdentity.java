package dev.netloom.nodes.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A process named so that a reused pid is never mistaken for it: the pid, its start time in clock
 * ticks since boot (field 22 of /proc/PID/stat, which a new process with the same pid cannot share)
 * and its command line. Only a live process that matches all three is "the same process".
 *
 * @param pid       process id
 * @param startTime start time in clock ticks after boot
 * @param cmdline   arguments joined by single spaces
 */
public record ProcessIdentity(long pid, long startTime, String cmdline) {

    /** This JVM. */
    public static ProcessIdentity current() {
        return of(ProcessHandle.current().pid()).orElseThrow(() -> new IllegalStateException("/proc/self is unreadable"));
    }

    /** The identity of a live pid, or empty when there is no such process (or /proc hides it). */
    public static Optional<ProcessIdentity> of(long pid) {
        if (pid <= 0) {
            return Optional.empty();
        }
        Path proc = Path.of("/proc", Long.toString(pid));
        try {
            long start = startTime(Files.readString(proc.resolve("stat"), StandardCharsets.UTF_8));
            String cmdline = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ').strip();
            return Optional.of(new ProcessIdentity(pid, start, cmdline));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Field 22 of a /proc/PID/stat line. The second field (the command name in parentheses) may hold
     * spaces and parentheses itself, so fields are counted from the last ')'.
     */
    static long startTime(String stat) {
        String rest = stat.substring(stat.lastIndexOf(')') + 2);
        String[] fields = rest.split(" ");
        return Long.parseLong(fields[19]); // rest starts at field 3 (state); field 22 is index 19
    }

    /** True while this very process runs (same pid, same start time, same arguments). */
    public boolean alive() {
        return of(pid).map(this::equals).orElse(false);
    }

    /** Sends SIGTERM (or SIGKILL with {@code force}) only if this very process still runs; true if it was signalled. */
    public boolean signal(boolean force) {
        if (!alive()) {
            return false;
        }
        Optional<ProcessHandle> p = ProcessHandle.of(pid);
        if (p.isEmpty()) {
            return false;
        }
        return force ? p.get().destroyForcibly() : p.get().destroy();
    }
}

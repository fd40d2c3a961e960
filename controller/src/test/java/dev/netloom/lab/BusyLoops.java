package dev.netloom.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * CPU-bound busy loops on the host, as a busy laptop or CI runner has: each is a shell spinning
 * forever, started by this test and ended by its own pid.
 */
final class BusyLoops implements AutoCloseable {

    private final List<Process> loops = new ArrayList<>();

    BusyLoops(int count) {
        try {
            for (int i = 0; i < count; i++) {
                loops.add(new ProcessBuilder("sh", "-c", "while :; do :; done").start());
            }
        } catch (IOException e) {
            close();
            throw new UncheckedIOException(e);
        }
    }

    /** True while every loop still spins (a test under load checks this at its end). */
    boolean spinning() {
        return loops.stream().allMatch(Process::isAlive);
    }

    @Override
    public void close() {
        for (Process p : loops) {
            p.destroyForcibly();
        }
        for (Process p : loops) {
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

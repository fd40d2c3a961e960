package dev.netloom.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the host can give to guests: MemAvailable from /proc/meminfo. */
final class HostMemory {

    private HostMemory() {
    }

    /** Available memory in MiB, or -1 when /proc/meminfo cannot be read. */
    static long availableMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}

package dev.netloom.cli;

import dev.netloom.nodes.host.Proc;
import dev.netloom.nodes.qemu.Accel;
import dev.netloom.nodes.qemu.Arch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The facts about the host that every measured figure depends on, for a results document.
 *
 * @param cores     processors available to the JVM
 * @param memoryMiB MemTotal from /proc/meminfo (-1 when unreadable)
 * @param kernel    the host kernel release
 * @param qemu      each emulator the lab uses, with its version line
 * @param accel     the acceleration of the host's own architecture (kvm or tcg); other architectures run under TCG
 * @param hostNetem whether the host kernel ran netem (the lab's probe; null when no lab came up)
 */
record HostFacts(int cores, long memoryMiB, String kernel, Map<String, String> qemu, String accel, Boolean hostNetem) {

    static HostFacts probe(List<Arch> arches, Accel accel, Boolean hostNetem) {
        Map<String, String> qemu = new LinkedHashMap<>();
        for (Arch a : arches) {
            Proc.Result q = Proc.run(List.of(a.qemu(), "--version"), Duration.ofSeconds(20));
            qemu.put(a.qemu(), q.ok() ? q.stdout().lines().findFirst().orElse("?").strip() : "not runnable: " + Proc.lastLine(q.stderr()));
        }
        return new HostFacts(Runtime.getRuntime().availableProcessors(), readMemoryMiB(), read("/proc/sys/kernel/osrelease"), qemu,
                accel.qemuName(), hostNetem);
    }

    private static long readMemoryMiB() {
        for (String line : read("/proc/meminfo").split("\n")) {
            if (line.startsWith("MemTotal:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        }
        return -1;
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file)).strip();
        } catch (IOException e) {
            return "?";
        }
    }
}

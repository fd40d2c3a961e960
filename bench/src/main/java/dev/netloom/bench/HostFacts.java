package dev.netloom.bench;

import dev.netloom.nodes.host.HostSetup;
import dev.netloom.nodes.host.Proc;
import dev.netloom.nodes.qemu.AccelProbe;
import dev.netloom.nodes.qemu.QemuCommandLine;
import dev.netloom.scenario.Names;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The facts about the host that every figure depends on, printed before them.
 *
 * @param cores        processors available to the JVM
 * @param memoryMiB    MemTotal from /proc/meminfo
 * @param kernel       the host kernel release
 * @param accel        kvm or tcg, as the acceleration probe decided
 * @param accelReason  why
 * @param qemu         QEMU's version line
 * @param hostNetem    true when a netem qdisc could be added on a veth in a scratch namespace
 * @param netemDetail  what the netem check saw
 * @param loadAverage  the 1-minute load average when the run started: other work on the host skews every figure
 */
record HostFacts(int cores, long memoryMiB, String kernel, String accel, String accelReason, String qemu,
                 boolean hostNetem, String netemDetail, double loadAverage) {

    private static final Duration STEP = Duration.ofSeconds(20);

    static HostFacts probe(AccelProbe.Verdict verdict) {
        Proc.Result q = Proc.run(List.of(QemuCommandLine.QEMU, "--version"), STEP);
        String qemu = q.ok() ? q.stdout().lines().findFirst().orElse("?").strip() : "not runnable: " + Proc.lastLine(q.stderr());
        Check netem = netem();
        return new HostFacts(Runtime.getRuntime().availableProcessors(), readMemoryMiB(), read("/proc/sys/kernel/osrelease"),
                verdict.accel().qemuName(), verdict.reason(), qemu, netem.ok(), netem.detail(),
                readLoadAverage());
    }

    private static long readMemoryMiB() {
        return meminfoMiB("MemTotal:");
    }

    /** The memory available to new work now (MemAvailable), in MiB, or -1. */
    static long memAvailableMiB() {
        return meminfoMiB("MemAvailable:");
    }

    private static long meminfoMiB(String key) {
        for (String line : read("/proc/meminfo").split("\n")) {
            if (line.startsWith(key)) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        }
        return -1;
    }

    /** The 1-minute load average now, or -1. */
    static double readLoadAverage() {
        try {
            return Double.parseDouble(read("/proc/loadavg").split(" ")[0]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file)).strip();
        } catch (IOException e) {
            return "?";
        }
    }

    private record Check(boolean ok, String detail) {
    }

    /** Adds a netem qdisc on a veth in a namespace of its own, then deletes that namespace (and the veth pair with it). */
    private static Check netem() {
        if (!HostSetup.isRoot()) {
            return new Check(false, "not checked: needs root (network namespaces)");
        }
        String ns = Names.scratchNamespace(Names.BENCH, String.valueOf(ProcessHandle.current().pid()));
        Proc.Result add = Proc.run(List.of("ip", "netns", "add", ns), STEP);
        if (!add.ok()) {
            return new Check(false, "no scratch namespace: " + Proc.lastLine(add.stderr()));
        }
        try {
            Proc.Result veth = Proc.run(List.of("ip", "-n", ns, "link", "add", "nl-veth0", "type", "veth", "peer", "name", "nl-veth1"), STEP);
            if (!veth.ok()) {
                return new Check(false, "no veth pair: " + Proc.lastLine(veth.stderr()));
            }
            Proc.Result tc = Proc.run(List.of("tc", "-n", ns, "qdisc", "add", "dev", "nl-veth0", "root", "netem", "delay", "1ms"), STEP);
            return tc.ok() ? new Check(true, "a netem qdisc works on a veth")
                    : new Check(false, "tc netem failed: " + Proc.lastLine(tc.stderr()) + " (impairments run inside the guests)");
        } finally {
            Proc.run(List.of("ip", "netns", "del", ns), STEP);
        }
    }
}

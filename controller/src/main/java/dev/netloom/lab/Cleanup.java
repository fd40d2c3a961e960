package dev.netloom.lab;

import dev.netloom.fabric.Fabric;
import dev.netloom.nodes.image.ImageStore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Removes what crashed labs left behind, from their journals only: QEMU processes (after checking
 * that the pid is still a QEMU of that lab: its command line names the lab's run directory), the
 * lab's namespace and its run directory. Labs whose controller is still alive are left alone.
 */
public final class Cleanup {

    private Cleanup() {
    }

    /** Every lab with a journal under the run base: name and whether its controller runs. */
    public record LabEntry(String name, Path dir, Journal journal, boolean controllerAlive) {
    }

    public static List<LabEntry> labs() {
        Path root = LabPaths.labsRoot();
        List<LabEntry> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.sorted().toList()) {
                Path journal = new LabPaths(dir).journal();
                if (Files.isRegularFile(journal)) {
                    Journal j = Journal.read(journal);
                    out.add(new LabEntry(j.lab(), dir, j, isController(j.controller())));
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out;
    }

    /** Cleans every lab whose controller is gone; returns how many it cleaned. */
    public static int run(Consumer<String> say) {
        int cleaned = 0;
        for (LabEntry lab : labs()) {
            if (lab.controllerAlive()) {
                say.accept("lab " + lab.name() + " is running (controller pid " + lab.journal().controller() + "); left alone: use `netloom down " + lab.name() + "`");
                continue;
            }
            clean(lab, say);
            cleaned++;
        }
        return cleaned;
    }

    /** Removes one crashed lab's processes, namespace and run directory. */
    public static void clean(LabEntry lab, Consumer<String> say) {
        for (var node : lab.journal().nodes().entrySet()) {
            long pid = node.getValue();
            Optional<ProcessHandle> p = pid > 0 ? ProcessHandle.of(pid) : Optional.empty();
            if (p.isPresent() && p.get().isAlive() && isQemuOf(pid, lab.dir())) {
                say.accept("lab " + lab.name() + ": killing QEMU of node " + node.getKey() + " (pid " + pid + ")");
                p.get().destroyForcibly();
                p.get().onExit().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).exceptionally(e -> null).join();
            }
        }
        if (Fabric.exists(lab.journal().namespace())) {
            say.accept("lab " + lab.name() + ": deleting network namespace " + lab.journal().namespace());
            Fabric.attach(lab.name()).destroy();
        }
        ImageStore.deleteTree(lab.dir());
        say.accept("lab " + lab.name() + ": removed " + lab.dir());
    }

    /** True when pid runs QEMU with a path inside {@code labDir} on its command line. */
    static boolean isQemuOf(long pid, Path labDir) {
        String cmdline = cmdline(pid);
        return cmdline.contains("qemu-system") && cmdline.contains(labDir.toString() + "/");
    }

    /** True when pid is a live netloom controller (a java process). */
    static boolean isController(long pid) {
        return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && cmdline(pid).contains("java");
    }

    private static String cmdline(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    /** Asks a running controller to tear its lab down (SIGTERM runs its shutdown hook) and waits. */
    public static boolean stopController(LabEntry lab, Duration wait) {
        Optional<ProcessHandle> p = ProcessHandle.of(lab.journal().controller());
        if (p.isEmpty() || !isController(lab.journal().controller())) {
            return false;
        }
        p.get().destroy();
        try {
            p.get().onExit().get(wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}

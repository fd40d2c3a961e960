package dev.netloom.lab;

import dev.netloom.fabric.Fabric;
import dev.netloom.nodes.NodePaths;
import dev.netloom.nodes.host.Netns;
import dev.netloom.nodes.image.ImageStore;
import dev.netloom.scenario.Names;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Finds the labs on this host and removes what dead ones left behind: their QEMU processes, their
 * namespace and their run directory. A lab is removed only when the process that ran it is gone (its
 * pid, start time and arguments, from the journal, match no live process), and only under the
 * {@link HostLock}, so a lab being claimed at that moment is never touched. Processes are found three ways, so that none
 * escapes whatever moment the controller died at: the pids in the journal, the processes inside the
 * lab's namespace (every QEMU of a lab runs there), and the pidfiles QEMU wrote in the node
 * directories; a pid is killed only if it is a QEMU of this lab (its arguments name the lab's run
 * directory) or it runs inside the lab's own namespace.
 */
public final class Cleanup {

    private static final Duration EXIT_WAIT = Duration.ofSeconds(10);

    private Cleanup() {
    }

    /**
     * A lab directory under the run base.
     *
     * @param journal its journal, or null when it has none or it is unreadable ({@code problem} says which)
     */
    public record LabEntry(String name, Path dir, Journal journal, String problem) {

        /** True while the process that wrote the journal runs (same pid, start time and arguments). */
        public boolean controllerAlive() {
            return journal != null && journal.controller().alive();
        }

        public LabPaths paths() {
            return new LabPaths(dir);
        }
    }

    /** Every lab directory under the run base; an unreadable journal is reported on its entry, never thrown. */
    public static List<LabEntry> labs() {
        Path root = LabPaths.labsRoot();
        List<LabEntry> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                out.add(entry(dir));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out;
    }

    static LabEntry entry(Path dir) {
        String name = dir.getFileName().toString();
        Path journal = new LabPaths(dir).journal();
        if (!Files.exists(journal)) {
            return new LabEntry(name, dir, null, "no journal (a start that died before it wrote one)");
        }
        try {
            return new LabEntry(name, dir, Journal.read(journal), null);
        } catch (RuntimeException e) {
            return new LabEntry(name, dir, null, e.getMessage());
        }
    }

    /** Cleans every lab nobody runs; returns how many it cleaned. */
    public static int run(Consumer<String> say) {
        int cleaned = 0;
        for (LabEntry lab : labs()) {
            if (clean(lab, say)) {
                cleaned++;
            }
        }
        // a lab killed after its directory went (or a benchmark's) may have left KSM as netloom set it:
        // with no lab running, its settings go back to what netloom found
        HostLock.call(() -> {
            MemoryMerging.host().releaseIfLast(say);
            return null;
        });
        return cleaned;
    }

    /**
     * Removes one lab's leftovers unless its controller still runs; returns false (and says why) when
     * it does. A lab whose journal cannot be read is removed only when nothing of it runs any more
     * (no process in its namespace or naming its directory), since nothing says whose it is; with
     * {@code force} (`netloom down LAB`, the user's explicit word) it is removed all the same.
     */
    public static boolean clean(LabEntry lab, boolean force, Consumer<String> say) {
        return HostLock.call(() -> {
            LabEntry now = Files.isDirectory(lab.dir()) ? entry(lab.dir()) : lab; // as it is under the lock
            if (now.controllerAlive()) {
                say.accept("lab " + now.name() + " is running (controller pid " + now.journal().controller().pid() + "); left alone: use `netloom down "
                        + now.name() + "`");
                return false;
            }
            if (now.journal() == null && !force && running(now)) {
                say.accept("lab " + now.name() + ": " + now.problem() + ", and processes of it still run; left alone: `netloom down "
                        + now.name() + "` removes it");
                return false;
            }
            removeLeftovers(now.name(), now.paths(), say);
            MemoryMerging.host().releaseIfLast(say);
            return true;
        });
    }

    public static boolean clean(LabEntry lab, Consumer<String> say) {
        return clean(lab, false, say);
    }

    /** True when a process runs in the lab's namespace or names its run directory in its arguments. */
    static boolean running(LabEntry lab) {
        if (namespaceOf(lab.name()).map(ns -> !ns.pids().isEmpty()).orElse(false)) {
            return true;
        }
        String dir = lab.dir() + "/";
        return ProcessHandle.allProcesses().anyMatch(p -> cmdline(p.pid()).contains(dir));
    }

    /**
     * Removes a dead lab's processes, namespace and directory. The caller holds the {@link HostLock}
     * (this also serves a new start that finds a crashed run of its own name).
     */
    static void removeLeftovers(String name, LabPaths paths, Consumer<String> say) {
        Journal journal = null;
        try {
            journal = Files.exists(paths.journal()) ? Journal.read(paths.journal()) : null;
        } catch (RuntimeException e) {
            say.accept("lab " + name + ": " + e.getMessage() + "; removing what its directory and namespace hold");
        }
        Optional<Netns> namespace = namespaceOf(name);
        Set<Long> pids = new LinkedHashSet<>();
        if (journal != null) {
            journal.pids().stream().filter(pid -> isQemuOf(pid, paths.dir())).forEach(pids::add);
        }
        pidfiles(paths).stream().filter(pid -> isQemuOf(pid, paths.dir())).forEach(pids::add);
        namespace.ifPresent(ns -> pids.addAll(ns.pids()));
        if (Netns.rootless()) {
            // an ordinary user's lab namespace has no name and lost its holder with the controller: it is
            // found through the lab's QEMUs, and so are the other processes inside (tcpdumps)
            List.copyOf(pids).forEach(pid -> pids.addAll(Netns.membersOf(pid)));
        }
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(p -> {
                say.accept("lab " + name + ": killing " + describe(pid) + " (pid " + pid + ")");
                p.destroyForcibly();
                p.onExit().orTimeout(EXIT_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS).exceptionally(e -> null).join();
            });
        }
        namespace.ifPresent(ns -> {
            say.accept("lab " + name + ": deleting network namespace " + ns.name());
            ns.delete();
        });
        ImageStore.deleteTree(paths.dir());
        say.accept("lab " + name + ": removed " + paths.dir());
    }

    /** The pids QEMU wrote into the node directories' pidfiles. */
    private static List<Long> pidfiles(LabPaths paths) {
        List<Long> out = new ArrayList<>();
        try {
            for (NodePaths node : paths.nodeDirs()) {
                Path pidfile = node.pidfile();
                if (Files.isRegularFile(pidfile)) {
                    try {
                        out.add(Long.parseLong(Files.readString(pidfile).strip()));
                    } catch (IOException | NumberFormatException e) {
                        // a pidfile QEMU had not finished writing: the namespace search finds that process
                    }
                }
            }
        } catch (IOException e) {
            // no directory: nothing to read
        }
        return out;
    }

    /** The lab's named namespace (root's), if there is one; an ordinary user's lab has none by name. */
    private static Optional<Netns> namespaceOf(String lab) {
        return Names.LAB.matcher(lab).matches() ? Netns.find(Fabric.namespaceFor(lab)) : Optional.empty();
    }

    /** True when pid runs QEMU with a path inside {@code labDir} on its command line. */
    static boolean isQemuOf(long pid, Path labDir) {
        String cmdline = cmdline(pid);
        return cmdline.contains("qemu-system") && cmdline.contains(labDir.toString() + "/");
    }

    private static String describe(long pid) {
        String cmdline = cmdline(pid);
        String first = cmdline.isEmpty() ? "process" : cmdline.split(" ")[0];
        return first.substring(first.lastIndexOf('/') + 1);
    }

    private static String cmdline(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }
}

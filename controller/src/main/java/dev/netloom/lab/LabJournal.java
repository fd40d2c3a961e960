package dev.netloom.lab;

import dev.netloom.fabric.Fabric;
import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.RunDirs;
import dev.netloom.nodes.host.Netns;
import dev.netloom.nodes.host.ProcessIdentity;
import dev.netloom.topology.Plan;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The journal of a lab this controller holds: its claim on the name, then every state and QEMU
 * process, each change written at once so that `netloom cleanup` finds everything after a crash.
 */
final class LabJournal {

    private final LabPaths paths;
    private final MemoryMerging.Mode merging;
    private Journal journal;

    private LabJournal(LabPaths paths, Journal journal, MemoryMerging.Mode merging) {
        this.paths = paths;
        this.journal = journal;
        this.merging = merging;
    }

    /**
     * Takes the lab's name on this host, with its memory, in one step under the {@link HostLock}:
     * refused when a live controller runs a lab of this name; a crashed run's leftovers are removed
     * first; KSM is turned on when the lab merges its memory and KSM is off ({@link MemoryMerging}),
     * and the reservation counts on it. The journal, written before the lock is released, is the claim.
     *
     * @param merge   whether the lab lets KSM merge its nodes' memory
     * @param cleanup gets a line per leftover removed
     * @param say     gets a line when KSM is turned on (or cannot be)
     */
    static LabJournal claim(Plan plan, LabPaths paths, boolean merge, java.util.function.ToLongFunction<Boolean> reserveFor,
                           Consumer<String> cleanup, Consumer<String> say) {
        String name = plan.lab();
        return HostLock.call(() -> {
            Cleanup.LabEntry existing = Files.isDirectory(paths.dir()) ? Cleanup.entry(paths.dir()) : null;
            if (existing != null && existing.controllerAlive()) {
                throw new BadInputException("lab " + name + " is already running (controller pid " + existing.journal().controller().pid()
                        + "): take it down first (`netloom down " + name + "`) or give this scenario another name");
            }
            if (existing != null && existing.journal() == null && Cleanup.running(existing)) {
                throw new BadInputException("lab " + name + " exists with an unreadable journal (" + existing.problem()
                        + ") and processes of it still run: `netloom down " + name + "` removes it");
            }
            if (existing != null || Netns.find(Fabric.namespaceFor(name)).isPresent()) {
                Cleanup.removeLeftovers(name, paths, cleanup);
            }
            MemoryMerging merging = MemoryMerging.host();
            MemoryMerging.Mode mode = merging.start(merge, say);
            long reserve = reserveFor.applyAsLong(mode.merges());
            try {
                HostMemory.admit(name, reserve);
            } catch (RuntimeException e) {
                merging.releaseIfLast(say);
                throw e;
            }
            try {
                RunDirs.createPrivate(paths.dir());
            } catch (IOException e) {
                throw new NetloomException("cannot create the lab's run directory " + paths.dir() + ": " + e.getMessage(), e);
            }
            Journal j = new Journal(name, Fabric.namespaceFor(name), ProcessIdentity.current(), Journal.State.STARTING, reserve, Map.of());
            j.write(paths.journal());
            return new LabJournal(paths, j, mode);
        });
    }

    /** How the lab's memory is merged, as decided when it was claimed. */
    MemoryMerging.Mode merging() {
        return merging;
    }

    long reservedMiB() {
        return journal.reservedMiB();
    }

    String namespace() {
        return journal.namespace();
    }

    synchronized void state(Journal.State state) {
        journal = journal.withState(state);
        journal.write(paths.journal());
    }

    synchronized void addProcess(String node, long pid) {
        journal = journal.withNode(node, pid);
        journal.write(paths.journal());
    }
}

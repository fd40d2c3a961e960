package dev.netloom.lab;

import dev.netloom.fabric.Fabric;
import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.RunDirs;
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
    private Journal journal;

    private LabJournal(LabPaths paths, Journal journal) {
        this.paths = paths;
        this.journal = journal;
    }

    /**
     * Takes the lab's name on this host, with its memory, in one step under the {@link HostLock}:
     * refused when a live controller runs a lab of this name; a crashed run's leftovers are removed
     * first. The journal, written before the lock is released, is the claim.
     *
     * @param cleanup gets a line per leftover removed
     */
    static LabJournal claim(Plan plan, LabPaths paths, Consumer<String> cleanup) {
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
            if (existing != null || Fabric.exists(Fabric.namespaceFor(name))) {
                Cleanup.removeLeftovers(name, paths, cleanup);
            }
            long reserve = HostMemory.labMiB(plan);
            HostMemory.admit(name, reserve);
            try {
                RunDirs.createPrivate(paths.dir());
            } catch (IOException e) {
                throw new NetloomException("cannot create the lab's run directory " + paths.dir() + ": " + e.getMessage(), e);
            }
            Journal j = new Journal(name, Fabric.namespaceFor(name), ProcessIdentity.current(), Journal.State.STARTING, reserve, Map.of());
            j.write(paths.journal());
            return new LabJournal(paths, j);
        });
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

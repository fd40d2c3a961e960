package dev.netloom.lab;

import dev.netloom.nodes.Json;
import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.RunDirs;
import dev.netloom.nodes.host.HostSetup;
import dev.netloom.nodes.host.Ksm;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Same-page merging for labs. Nodes of one image hold much the same memory (the kernel, the
 * initramfs, zeroed pages); the host's KSM keeps such pages once. A lab merges its guests' memory
 * unless its scenario ({@code "ksm": false}) or the CLI ({@code --no-ksm}) says not to. When KSM is
 * off and netloom runs as root, the first lab that merges turns it on at a rate and priority that keep
 * up with a bring-up, and the last lab to go puts back the settings it found (written to
 * {@code RUN/labs/.ksm.json} meanwhile, so that a crashed controller's successor or {@code netloom
 * cleanup} still puts them back). A KSM that someone else runs is used as it is and never changed.
 * Every step that changes KSM runs under the {@link HostLock}.
 */
public final class MemoryMerging {

    /**
     * Pages ksmd scans per wake-up while netloom runs it (the kernel's default is 100): with 20 ms
     * between wake-ups, 50,000 pages (195 MiB) a second, so that merging keeps up with nodes booting
     * (measured: docs/benchmarks.md, memory).
     */
    static final int PAGES_TO_SCAN = 1000;
    static final int SLEEP_MILLIS = 20;
    /**
     * ksmd's priority while netloom runs it: that of the QEMUs. At the kernel's 5 it got 2% of a core
     * while 200 nodes booted, merged nothing until the boots paused for memory, and the host ran down
     * to its last tenth (docs/benchmarks.md, scale).
     */
    static final int KSMD_NICE = 0;

    /** How a lab's guests are merged. */
    public enum Mode {
        /** KSM runs (or netloom turns it on) and the lab's guests take part. */
        ON,
        /** The lab said no: its QEMUs run with mem-merge=off. */
        OFF,
        /** This host has no KSM, or it is off and netloom is not root. */
        UNAVAILABLE;

        public boolean merges() {
            return this == ON;
        }
    }

    private final Ksm ksm;
    private final Path marker;
    private final boolean root;
    private final BooleanSupplier labsRunning;

    /**
     * @param marker      where the settings KSM had before netloom turned it on are kept meanwhile
     * @param labsRunning true while any lab's controller runs
     */
    MemoryMerging(Ksm ksm, Path marker, boolean root, BooleanSupplier labsRunning) {
        this.ksm = ksm;
        this.marker = marker;
        this.root = root;
        this.labsRunning = labsRunning;
    }

    /** Merging on this host, with the settings marker in the run base. */
    public static MemoryMerging host() {
        return new MemoryMerging(Ksm.HOST, LabPaths.labsRoot().resolve(".ksm.json"), HostSetup.isRoot(),
                () -> Cleanup.labs().stream().anyMatch(Cleanup.LabEntry::controllerAlive));
    }

    /** What a lab that does ({@code wanted}) or does not want merging gets here; changes nothing. */
    public Mode decide(boolean wanted) {
        if (!wanted) {
            return Mode.OFF;
        }
        Optional<Ksm.Settings> s = ksm.settings();
        if (s.isEmpty()) {
            return Mode.UNAVAILABLE;
        }
        return s.get().running() || root ? Mode.ON : Mode.UNAVAILABLE;
    }

    /**
     * For a lab being claimed (the caller holds the {@link HostLock}): decides, and when the lab merges
     * and KSM is off, records its settings and turns it on at netloom's rate. A KSM that cannot be
     * turned on (a read-only /sys) leaves the lab without merging, said through {@code say}.
     */
    Mode start(boolean wanted, Consumer<String> say) {
        Mode mode = decide(wanted);
        if (mode != Mode.ON) {
            return mode;
        }
        Ksm.Settings now = ksm.settings().orElseThrow();
        if (now.running()) {
            return mode;
        }
        try {
            if (!Files.exists(marker)) {
                RunDirs.createPrivate(marker.getParent());
                Path tmp = marker.resolveSibling(".ksm.json.tmp");
                Files.deleteIfExists(tmp);
                try (OutputStream out = RunDirs.appendPrivate(tmp)) {
                    out.write(Json.MAPPER.writeValueAsBytes(now));
                }
                Files.move(tmp, marker, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            ksm.write(new Ksm.Settings(1, PAGES_TO_SCAN, SLEEP_MILLIS, KSMD_NICE));
            say.accept("KSM turned on (" + PAGES_TO_SCAN + " pages every " + SLEEP_MILLIS + " ms, ksmd at nice " + KSMD_NICE
                    + ") to merge the nodes' identical memory; the settings it had come back when the last lab is down");
            return mode;
        } catch (IOException | NetloomException e) {
            say.accept("KSM could not be turned on (" + e.getMessage() + "): the lab's memory is not merged");
            putBack(say);
            try {
                Files.deleteIfExists(marker); // what could not be written needs no putting back
            } catch (IOException ignored) {
                // the next lab tries again
            }
            return Mode.UNAVAILABLE;
        }
    }

    /**
     * Puts back the KSM settings netloom found, when it changed them and no lab runs any more (the
     * caller holds the {@link HostLock}, and the lab going down has removed its directory).
     */
    void releaseIfLast(Consumer<String> say) {
        if (!Files.exists(marker) || labsRunning.getAsBoolean()) {
            return;
        }
        putBack(say);
    }

    private void putBack(Consumer<String> say) {
        if (!Files.exists(marker)) {
            return;
        }
        try {
            Ksm.Settings before = Json.MAPPER.readValue(marker.toFile(), Ksm.Settings.class);
            ksm.write(before);
            Files.delete(marker);
            say.accept("KSM settings put back (run " + before.run() + ", " + before.pagesToScan() + " pages every " + before.sleepMillis()
                    + " ms, ksmd at nice " + before.ksmdNice() + ")");
        } catch (IOException | NetloomException e) {
            say.accept("could not put back the KSM settings from " + marker + ": " + e.getMessage());
        }
    }

    /** One line on merging here, for doctor, status and the run summary: state, rate, savings. */
    public String describe() {
        Optional<Ksm.Settings> s = ksm.settings();
        if (s.isEmpty()) {
            return "not available (this kernel has no KSM): every node holds all of its memory";
        }
        Ksm.Counters c = ksm.counters().orElseThrow();
        String rate = s.get().pagesToScan() + " pages every " + s.get().sleepMillis() + " ms, ksmd at nice " + s.get().ksmdNice();
        if (s.get().running()) {
            return "on (" + rate + (Files.exists(marker) ? ", turned on by netloom" : "") + "): " + c.savedMiB() + " MiB merged now";
        }
        return root ? "off; netloom turns it on for labs (" + PAGES_TO_SCAN + " pages every " + SLEEP_MILLIS + " ms, ksmd at nice " + KSMD_NICE
                + ") unless a scenario says \"ksm\": false or --no-ksm"
                : "off, and only root can turn it on: nodes hold all of their memory";
    }
}

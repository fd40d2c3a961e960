package dev.netloom.lab;

import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.qemu.QemuCommandLine;
import dev.netloom.topology.NodePlan;
import dev.netloom.topology.Plan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Memory admission for every lab on this host. A lab reserves what its nodes may use (their guests'
 * memory, or the part of it a node holds alone when KSM merges the guests, plus QEMU's own) in its
 * journal; a new lab is admitted only if it fits in what the host has available once every running
 * lab has grown to its reservation. Admissions of labs that start at once are serialised by the
 * {@link HostLock}, so each sees the other's reservation.
 */
public final class HostMemory {

    /**
     * What a QEMU process needs beyond its guest's memory and its TCG translation cache
     * ({@link QemuCommandLine#tcgCacheMiB}): its heap, the vCPU's TLBs, ACPI tables and its private
     * pages of libraries (measured 15-16 MiB on a tiny node), and the kernel's share of a node (page
     * tables, KSM's record of each guest page).
     */
    public static final long QEMU_OVERHEAD_MIB = 20;
    /**
     * The share of its guest's memory a node holds alone when KSM merges the lab's guests. Measured on
     * tiny nodes: 20 of 96 MiB once merged (the kernel, the initramfs and zeroed pages are the same in
     * every guest). A third leaves room for guests that write more of their memory; a guest that fills
     * all of it with data of its own holds all of it, which the check before each node start catches.
     */
    static final double MERGED_GUEST_SHARE = 1.0 / 3;
    /** Share of the host's memory netloom plans to use at most: the rest is the host's own. */
    public static final double USABLE_SHARE = 0.9;
    /**
     * How long a clear headroom check holds for a lab's next node starts. The check reads every running
     * lab's journal and each of its QEMUs' /proc/PID/status, so checking before each node made a
     * bring-up's admission grow with N (242 ms per node at 200 nodes, in its serial loop).
     */
    static final java.time.Duration RECHECK_AFTER = java.time.Duration.ofSeconds(1);
    private static final java.util.Map<String, Clear> LAST_CLEAR = new java.util.concurrent.ConcurrentHashMap<>();

    private record Clear(long at, long mib) {
    }

    /** Forgets a lab's last headroom check (it went down). */
    static void forget(String lab) {
        LAST_CLEAR.remove(lab);
    }

    /** How long a node start waits for KSM to free memory before it is refused. */
    static final java.time.Duration HEADROOM_WAIT = java.time.Duration.ofMinutes(2);

    private HostMemory() {
    }

    /**
     * What one node reserves: its guest's memory (a third of it when KSM merges the lab's guests),
     * its translation cache and QEMU's own. The cache counts under KVM too, which needs none: the plan
     * does not know the acceleration, and the estimate errs on the safe side.
     */
    public static long nodeMiB(NodePlan n, boolean merged) {
        return guestMiB(n.memoryMiB(), merged) + QemuCommandLine.tcgCacheMiB(n.memoryMiB()) + QEMU_OVERHEAD_MIB;
    }

    /**
     * What a node started as a fork of a template reserves: QEMU's own, its translation cache, and the
     * part of the template's RAM it writes, which becomes its own (a third, as for a merged guest);
     * the rest of its RAM stays the template's file, shared by every fork and reserved once per
     * template (measured: a forked tiny node's PSS is 0.48 times a booted one's, docs/fork.md). Its
     * translation cache counts at a booted node's size ({@link QemuCommandLine#tcgCacheMiB}), not at the
     * twice as large limit a fork is given ({@link QemuCommandLine#forkTcgCacheMiB}): the cache is
     * resident only as far as it fills, a tiny fork fills about 18 MiB by READY, and its whole PSS was
     * 35.6 MiB against the 68 reserved. Counting the limit (84 MiB per tiny fork) refused a lab of 256
     * forks that takes 38 MiB per node (docs/benchmarks.md, scale); the headroom check before each
     * start still reads what the host really has left.
     */
    public static long forkMiB(NodePlan n) {
        return guestMiB(n.memoryMiB(), true) + QemuCommandLine.tcgCacheMiB(n.memoryMiB()) + QEMU_OVERHEAD_MIB;
    }

    static long guestMiB(int memoryMiB, boolean merged) {
        return merged ? (long) Math.ceil(memoryMiB * MERGED_GUEST_SHARE) : memoryMiB;
    }

    /** What a whole lab reserves. */
    public static long labMiB(Plan plan, boolean merged) {
        return plan.nodes().stream().mapToLong(n -> nodeMiB(n, merged)).sum();
    }

    /** How a plan's needs compare with this host: for {@code validate}, and the first check of a start. */
    public record Fit(long needMiB, int nodes, boolean merged, long totalMiB, long availableMiB) {

        /** True when the host could never run it: more than the usable share of all its memory. */
        public boolean impossible() {
            return totalMiB > 0 && needMiB > (long) (totalMiB * USABLE_SHARE);
        }

        public String describe() {
            return "needs " + needMiB + " MiB for " + nodes + " nodes (" + (merged ? "a third of each guest's memory, merged by KSM," : "guest memory")
                    + " + translation cache + " + QEMU_OVERHEAD_MIB + " MiB of QEMU each); this host has "
                    + totalMiB + " MiB in all, " + availableMiB + " MiB available now";
        }
    }

    /** The fit on this host (its /proc/meminfo). */
    public static Fit fit(Plan plan, boolean merged) {
        return fit(plan, merged, meminfoMiB("MemTotal:"), meminfoMiB("MemAvailable:"));
    }

    static Fit fit(Plan plan, boolean merged, long totalMiB, long availableMiB) {
        return new Fit(labMiB(plan, merged), plan.nodes().size(), merged, totalMiB, availableMiB);
    }

    /** Refuses, as bad input (nothing created), a plan this host could never run. */
    public static void requirePossible(Plan plan, boolean merged) {
        requirePossible(plan, merged, labMiB(plan, merged));
    }

    /** As above, for a plan that needs {@code needMiB} (less than {@link #labMiB} when some of its nodes fork). */
    static void requirePossible(Plan plan, boolean merged, long needMiB) {
        Fit fit = new Fit(needMiB, plan.nodes().size(), merged, meminfoMiB("MemTotal:"), meminfoMiB("MemAvailable:"));
        if (fit.impossible()) {
            throw new BadInputException("lab " + plan.lab() + " " + fit.describe() + ", and netloom uses at most "
                    + Math.round(USABLE_SHARE * 100) + "% of it: use fewer nodes, or less memory per node (\"memory\" in the scenario)"
                    + (merged ? "" : ", or let KSM merge the nodes' memory (as root, without \"ksm\": false or --no-ksm)"));
        }
    }

    /**
     * Refuses a lab of {@code needMiB} that does not fit beside every other running lab. The caller
     * holds the {@link HostLock} and records the reservation in the lab's journal before releasing
     * it, so labs that start at once see each other's reservation.
     */
    static void admit(String lab, long needMiB) {
        long free = unreservedMiB(lab);
        if (needMiB > free) {
            throw new NetloomException("lab " + lab + " needs about " + needMiB + " MiB but the host can give labs only " + free
                    + " MiB now (available memory, less what running labs have reserved and not used yet): take a lab down, or use fewer nodes or less memory per node");
        }
    }

    /**
     * Before a node starts: every lab's reservation must still fit in what the host has (something
     * outside netloom may have taken memory since the lab was admitted), and the host must have room
     * for this node as it boots, before KSM gets to it: {@code unmergedMiB} (its whole guest and QEMU)
     * beyond a tenth of the host's memory. When the lab's memory is merged, a shortfall is waited out
     * for up to {@link #HEADROOM_WAIT}, since KSM frees memory as it merges what the last nodes
     * brought (there is no event for that: the figures are read twice a second); then, or at once
     * without merging, the start is refused.
     */
    static void awaitHeadroom(String lab, String node, long unmergedMiB, boolean merged) {
        long now = System.nanoTime();
        Clear clear = LAST_CLEAR.get(lab);
        if (clear != null && now - clear.at() < RECHECK_AFTER.toNanos() && unmergedMiB <= clear.mib()) {
            return; // a node as large was cleared within the last second; the few started since are within the lab's reservation
        }
        long deadline = now + HEADROOM_WAIT.toNanos();
        while (true) {
            String shortOf = shortfall(unmergedMiB);
            if (shortOf == null) {
                LAST_CLEAR.put(lab, new Clear(System.nanoTime(), unmergedMiB));
                return;
            }
            if (!merged || System.nanoTime() > deadline) {
                throw new NetloomException("node " + node + " of lab " + lab + " is not started: " + shortOf
                        + (merged ? " (after waiting " + HEADROOM_WAIT.toSeconds() + " s for KSM to merge memory)" : "")
                        + ": free memory, or take a lab down");
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new NetloomException("interrupted while node " + node + " of lab " + lab + " waited for memory", e);
            }
        }
    }

    /** Why a node of {@code unmergedMiB} cannot start now, or null when it can. */
    private static String shortfall(long unmergedMiB) {
        long free = unreservedMiB(null);
        if (free < 0) {
            return "the host is " + (-free) + " MiB short of what running labs reserved (something outside netloom took memory, or KSM has not"
                    + " merged the nodes' memory yet)";
        }
        long available = meminfoMiB("MemAvailable:");
        long total = meminfoMiB("MemTotal:");
        if (available >= 0 && total > 0 && available - unmergedMiB < (long) (total * (1 - USABLE_SHARE))) {
            return "the host has " + available + " MiB available, and a booting node may take " + unmergedMiB
                    + " MiB of it before KSM merges it, which would leave less than a tenth of the host's memory";
        }
        return null;
    }

    /**
     * Memory labs may still claim: the usable share of what is available, less what running labs have
     * reserved and do not hold yet (what a lab holds is already out of what is available; what it holds
     * beyond its reservation, before KSM merged it, gives no credit). Long.MAX_VALUE when
     * /proc/meminfo cannot be read (no admission then).
     */
    static long unreservedMiB(String exceptLab) {
        long available = meminfoMiB("MemAvailable:");
        if (available < 0) {
            return Long.MAX_VALUE;
        }
        long unused = 0;
        for (Cleanup.LabEntry other : Cleanup.labs()) {
            if (other.name().equals(exceptLab) || !other.controllerAlive()) {
                continue; // a dead lab's reservation is void; its leftovers' memory is already out of MemAvailable
            }
            unused += unusedMiB(other.journal().reservedMiB(), other.journal().pids().stream().mapToLong(HostMemory::heldMiB).sum());
        }
        return (long) (available * USABLE_SHARE) - unused;
    }

    /** What a lab that reserved {@code reservedMiB} and holds {@code heldMiB} may still take: never less than nothing. */
    static long unusedMiB(long reservedMiB, long heldMiB) {
        return Math.max(0, reservedMiB - heldMiB);
    }

    /** What the processes {@code pids} hold alone, in MiB ({@link #heldMiB(long)}): a lab's nodes for status and the run summary. */
    public static long heldMiB(java.util.Collection<Long> pids) {
        return pids.stream().mapToLong(HostMemory::heldMiB).sum();
    }

    /**
     * The memory a process holds alone, in MiB (0 when it is gone): its anonymous resident pages less
     * those KSM merged with other processes' ({@code /proc/PID/ksm_merging_pages}, on kernels that have
     * it). Not VmRSS: it counts every merged page and every page of a shared file (the kernel all nodes
     * map, the libraries) in full in every process, hundreds of times over for a large lab. The one
     * copy KSM keeps of a merged page is left out, which errs on the safe side: it is already out of
     * the memory available.
     */
    static long heldMiB(long pid) {
        Path dir = Path.of("/proc", Long.toString(pid));
        try {
            String merging = Files.exists(dir.resolve("ksm_merging_pages")) ? Files.readString(dir.resolve("ksm_merging_pages")) : "0";
            return heldMiB(Files.readString(dir.resolve("status")), merging);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** {@link #heldMiB(long)} from the text of /proc/PID/status and /proc/PID/ksm_merging_pages. */
    static long heldMiB(String status, String ksmMergingPages) {
        long anonKiB = 0;
        for (String line : status.split("\n")) {
            if (line.startsWith("RssAnon:")) {
                anonKiB = Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        long mergedKiB = Long.parseLong(ksmMergingPages.strip()) * 4;
        return Math.max(0, anonKiB - mergedKiB) / 1024;
    }

    /** A field of /proc/meminfo in MiB, or -1. */
    static long meminfoMiB(String key) {
        long v = field(Path.of("/proc/meminfo"), key);
        return v == 0 ? -1 : v;
    }

    private static long field(Path file, String key) {
        try {
            List<String> lines = Files.readAllLines(file);
            for (String line : lines) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }
}

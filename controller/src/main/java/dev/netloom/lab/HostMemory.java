package dev.netloom.lab;

import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.NetloomException;
import dev.netloom.topology.NodePlan;
import dev.netloom.topology.Plan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Memory admission for every lab on this host. A lab reserves what its nodes may use (guest memory
 * plus QEMU's own) in its journal; a new lab is admitted only if it fits in what the host has
 * available once every running lab has grown to its reservation. Admissions of labs that start at
 * once are serialised by the {@link HostLock}, so each sees the other's reservation.
 */
public final class HostMemory {

    /**
     * What a QEMU process needs beyond its guest's memory: measured as resident memory of a tiny node
     * under TCG (208 MiB for a 96 MiB guest: the translation cache, device model and libraries).
     */
    public static final long QEMU_OVERHEAD_MIB = 112;
    /** Share of the host's memory netloom plans to use at most: the rest is the host's own. */
    static final double USABLE_SHARE = 0.9;

    private HostMemory() {
    }

    /** What one node reserves. */
    public static long nodeMiB(NodePlan n) {
        return n.memoryMiB() + QEMU_OVERHEAD_MIB;
    }

    /** What a whole lab reserves. */
    public static long labMiB(Plan plan) {
        return plan.nodes().stream().mapToLong(HostMemory::nodeMiB).sum();
    }

    /** How a plan's needs compare with this host: for {@code validate}, and the first check of a start. */
    public record Fit(long needMiB, int nodes, long totalMiB, long availableMiB) {

        /** True when the host could never run it: more than the usable share of all its memory. */
        public boolean impossible() {
            return totalMiB > 0 && needMiB > (long) (totalMiB * USABLE_SHARE);
        }

        public String describe() {
            return "needs " + needMiB + " MiB for " + nodes + " nodes (guest memory + " + QEMU_OVERHEAD_MIB + " MiB of QEMU each); this host has "
                    + totalMiB + " MiB in all, " + availableMiB + " MiB available now";
        }
    }

    public static Fit fit(Plan plan) {
        return new Fit(labMiB(plan), plan.nodes().size(), meminfoMiB("MemTotal:"), meminfoMiB("MemAvailable:"));
    }

    /** Refuses, as bad input (nothing created), a plan this host could never run. */
    public static void requirePossible(Plan plan) {
        Fit fit = fit(plan);
        if (fit.impossible()) {
            throw new BadInputException("lab " + plan.lab() + " " + fit.describe() + ", and netloom uses at most "
                    + Math.round(USABLE_SHARE * 100) + "% of it: use fewer nodes, or less memory per node (\"memory\" in the scenario)");
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
     * Before a node (re)starts: every lab's reservation must still fit in what the host has, since
     * something outside netloom may have taken memory since the lab was admitted.
     */
    static void requireHeadroom(String lab, String node) {
        long free = unreservedMiB(null);
        if (free < 0) {
            throw new NetloomException("node " + node + " of lab " + lab + " is not started: the host is " + (-free)
                    + " MiB short of what running labs reserved (something outside netloom took memory): free memory, or take a lab down");
        }
    }

    /**
     * Memory labs may still claim: the usable share of what is available, plus what running labs'
     * QEMUs already hold (it is part of their reservation), less all their reservations. Long.MAX_VALUE
     * when /proc/meminfo cannot be read (no admission then).
     */
    static long unreservedMiB(String exceptLab) {
        long available = meminfoMiB("MemAvailable:");
        if (available < 0) {
            return Long.MAX_VALUE;
        }
        long reserved = 0;
        long resident = 0;
        for (Cleanup.LabEntry other : Cleanup.labs()) {
            if (other.name().equals(exceptLab) || !other.controllerAlive()) {
                continue; // a dead lab's reservation is void; its leftovers' memory is already out of MemAvailable
            }
            reserved += other.journal().reservedMiB();
            resident += other.journal().pids().stream().mapToLong(HostMemory::residentMiB).sum();
        }
        return (long) (available * USABLE_SHARE) + resident - reserved;
    }

    /** Resident memory of a process in MiB (0 when it is gone). */
    static long residentMiB(long pid) {
        return field(Path.of("/proc", Long.toString(pid), "status"), "VmRSS:");
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

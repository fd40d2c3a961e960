package dev.netloom.nodes;

import dev.netloom.nodes.qemu.QemuCommandLine.RamFile;

import java.nio.file.Path;

/**
 * How a node's QEMU starts: booting its kernel ({@link #BOOT}), as a fork template (booting with its
 * RAM in a file that it writes), or as a fork of a template (its RAM a copy-on-write mapping of the
 * template's file, its devices loaded from the template's saved state, no boot at all).
 *
 * @param ram   the guest RAM file, or null for anonymous memory
 * @param state the template's saved device state a fork loads, or null when the node boots
 */
public record StartMode(RamFile ram, Path state) {

    public static final StartMode BOOT = new StartMode(null, null);

    /** A template: boots normally, with its RAM in {@code ramFile} (created, and written through). */
    public static StartMode template(Path ramFile) {
        return new StartMode(new RamFile(ramFile, true, false), null);
    }

    /** A fork of the template whose RAM is {@code ramFile} and whose device state is {@code state}. */
    public static StartMode fork(Path ramFile, Path state) {
        return new StartMode(new RamFile(ramFile, false, true), state);
    }

    /** True for a fork: it resumes the template's guest instead of booting. */
    public boolean forked() {
        return state != null;
    }
}

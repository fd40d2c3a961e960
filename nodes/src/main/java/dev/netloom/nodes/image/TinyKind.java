package dev.netloom.nodes.image;

import dev.netloom.nodes.NodeSpec;

/**
 * The tiny image: a kernel and a busybox initramfs, built from Debian packages by
 * {@link TinyImageBuilder}; its patterns, memory and capabilities come from images/tiny/tiny.json.
 */
final class TinyKind implements ImageKind {

    static final String NAME = "tiny";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "kernel and busybox initramfs built from Debian packages (netloom images build tiny)";
    }

    @Override
    public boolean imported() {
        return false;
    }

    /** A tiny guest is its kernel and initramfs in RAM: a fork of a booted one is a whole node. */
    @Override
    public boolean forkable() {
        return true;
    }

    /**
     * Loads the guest's qemu_fw_cfg driver again (from the initramfs's flat /lib/modules), when it has
     * one: it listed the firmware files of the template's QEMU as the template booted, and keeps that
     * list, sizes included, where the fork must read its own QEMU's (a lab's hosts file). Binding the
     * device again is no way out: Linux 6.1's driver refuses a second probe (EBUSY).
     */
    static final String RELIST_FIRMWARE = "if [ -d /sys/module/qemu_fw_cfg ]; then rmmod qemu_fw_cfg && insmod /lib/modules/qemu_fw_cfg.ko; fi";

    /** The Linux identity line, and for a fork with firmware files, the driver that lists them loaded again ({@link #RELIST_FIRMWARE}). */
    @Override
    public String forkIdentity(NodeSpec spec, String seedHex, long epochMillis) {
        String line = ForkIdentity.linuxCommand(spec, seedHex, epochMillis);
        return spec.firmware().isEmpty() ? line : line + " && " + RELIST_FIRMWARE;
    }
}

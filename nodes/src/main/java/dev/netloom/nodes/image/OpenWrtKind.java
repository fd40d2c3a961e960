package dev.netloom.nodes.image;

import java.nio.file.Path;

/** OpenWrt's x86-64 combined image, as downloaded: its own GRUB boots it with the console on ttyS0. */
final class OpenWrtKind implements ImageKind {

    static final String NAME = "openwrt";
    /** procd's line once init has run; the console then waits for Enter, which the boot detector sends. */
    static final String BOOT_PATTERN = "procd: - init complete -";
    /** OpenWrt's PS1 gives "root@OpenWrt:~# " (user@host:dir#); busybox ash may add a cursor-position query. */
    static final String PROMPT_PATTERN = "root@[^\\s:]+:[^\\n]*# (\\x1b\\[6n)?$";
    static final int MEMORY_MIB = 128;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "OpenWrt's x86-64 combined image (openwrt-*-x86-64-generic-ext4-combined.img.gz), as downloaded";
    }

    @Override
    public boolean imported() {
        return true;
    }

    @Override
    public Defaults defaults() {
        return new Defaults(BOOT_PATTERN, PROMPT_PATTERN, MEMORY_MIB, null);
    }

    /** Downloads are named by version and target; the image is "openwrt" unless --name says otherwise. */
    @Override
    public String defaultImageName(Path file) {
        return NAME;
    }
}

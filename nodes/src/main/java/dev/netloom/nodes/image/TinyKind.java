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

    @Override
    public String forkIdentity(NodeSpec spec, String seedHex, long epochMillis) {
        return ForkIdentity.linuxCommand(spec, seedHex, epochMillis);
    }
}

package dev.netloom.nodes.image;

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
}

package dev.netloom.nodes.image;

/**
 * Debian images built by {@link DebianImageBuilder}: the plain ones (images/debian/debian.json has
 * their patterns, memory and capabilities) and those built from a recipe file on the same base.
 */
final class DebianKind implements ImageKind {

    static final String NAME = "debian";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "Debian disk with direct kernel boot, built with mmdebstrap (netloom images build debian, or a recipe file)";
    }

    @Override
    public boolean imported() {
        return false;
    }
}

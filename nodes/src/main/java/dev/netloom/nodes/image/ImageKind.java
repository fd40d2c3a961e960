package dev.netloom.nodes.image;

import dev.netloom.nodes.NodePaths;
import dev.netloom.nodes.NodeSpec;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * One kind of node image: how images of it come into the store, what an import of it puts in the
 * manifest, and what a node of it needs at each launch. Every kind is one small class, registered in
 * {@link ImageKinds}; the manifest's {@code kind} field is {@link #name()}.
 */
public interface ImageKind {

    /** The console settings an import fills in when the request gives none; null fields have no default. */
    record Defaults(String bootPattern, String promptPattern, int memoryMiB, List<String> capabilities) {

        /** No patterns, 256 MiB, no capabilities: what a kind without defaults of its own gets. */
        public static final Defaults NONE = new Defaults(null, null, 256, List.of());

        public Defaults {
            capabilities = capabilities == null ? List.of() : List.copyOf(capabilities);
        }
    }

    /** The manifest's {@code kind} string, as written to image.json (never change it: stored images carry it). */
    String name();

    /** One line for help texts: what images of this kind are. */
    String summary();

    /** True when images of this kind come in with {@code images import KIND FILE}; false when netloom builds them. */
    boolean imported();

    /** What an import of this kind fills in for options the request leaves out. */
    default Defaults defaults() {
        return Defaults.NONE;
    }

    /** Refuses (with a BadInputException naming the option) a request this kind cannot import; runs before the common checks. */
    default void checkImport(ImportRequest request) {
    }

    /** The image name an import gets without --name: by default derived from the file's name. */
    default String defaultImageName(Path file) {
        return ImportRequest.nameFromFile(name(), file);
    }

    /** Installs host tools that nodes of this kind need (as root; a no-op otherwise), before an import. */
    default void ensureHostTools(Consumer<String> say) {
    }

    /** The spec to launch one QEMU with: the node's spec plus whatever this kind adds per launch (written into the run directory). */
    default NodeSpec prepareLaunch(NodeSpec spec, NodePaths paths) {
        return spec;
    }

    /**
     * True when nodes of this kind can start as forks of a booted template: the guest lives in RAM
     * only (no disk whose writes the template's RAM would not match, no bootloader state) and
     * {@link #forkIdentity} knows how to make a fork its own node.
     */
    default boolean forkable() {
        return false;
    }

    /**
     * The shell command that gives a fork its identity: hostname, MACs, a fresh random seed
     * ({@code seedHex}), the clock ({@code epochMillis}). Only called when {@link #forkable()}.
     */
    default String forkIdentity(NodeSpec spec, String seedHex, long epochMillis) {
        throw new UnsupportedOperationException("images of kind " + name() + " cannot be forked");
    }

    /** Files {@link #prepareLaunch} leaves in the run directory, removed when the node stops. */
    default List<Path> launchFiles(NodePaths paths) {
        return List.of();
    }
}

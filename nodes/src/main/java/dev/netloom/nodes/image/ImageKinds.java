package dev.netloom.nodes.image;

import dev.netloom.nodes.BadInputException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The registry of image kinds: the one place where kinds are listed. Registering a kind twice is an
 * error; looking up an unknown one names the known kinds. To add a kind, write its class and add it
 * to {@link #BUILT_IN} (see docs/images.md, "Adding an image kind").
 */
public final class ImageKinds {

    /** Every kind netloom knows, in the order help texts list them. */
    private static final List<ImageKind> BUILT_IN = List.of(
            new TinyKind(), new DebianKind(), new GenericKind(), new OpenWrtKind(), new CloudKind());

    private static final ImageKinds REGISTRY = new ImageKinds(BUILT_IN);

    private final Map<String, ImageKind> kinds;

    /** A registry of {@code kinds}; throws IllegalArgumentException when two share a name. */
    ImageKinds(List<ImageKind> kinds) {
        Map<String, ImageKind> byName = new LinkedHashMap<>();
        for (ImageKind k : kinds) {
            register(byName, k);
        }
        this.kinds = Collections.unmodifiableMap(byName);
    }

    private static void register(Map<String, ImageKind> byName, ImageKind kind) {
        ImageKind earlier = byName.putIfAbsent(kind.name(), kind);
        if (earlier != null) {
            throw new IllegalArgumentException("image kind '" + kind.name() + "' is registered twice: by "
                    + earlier.getClass().getSimpleName() + " and by " + kind.getClass().getSimpleName());
        }
    }

    /** The registry of netloom's kinds. */
    public static ImageKinds registry() {
        return REGISTRY;
    }

    /** The kind named {@code name}; an unknown name is bad input whose message lists the known kinds. */
    public static ImageKind of(String name) {
        return REGISTRY.require(name);
    }

    /**
     * The kind whose launch steps a node of a manifest with kind {@code name} takes: an unknown or
     * missing kind (a manifest written by hand or by another netloom) boots like a generic image.
     */
    public static ImageKind forBoot(String name) {
        ImageKind k = name == null ? null : REGISTRY.kinds.get(name);
        return k != null ? k : REGISTRY.kinds.get(GenericKind.NAME);
    }

    /** The kind an import of {@code name} is: unknown kinds and built ones are refused, listing the importable kinds. */
    public static ImageKind forImport(String name) {
        ImageKind k = name == null ? null : REGISTRY.kinds.get(name);
        if (k == null || !k.imported()) {
            throw new BadInputException("unknown image kind '" + name + "': netloom imports " + String.join(", ", importableNames()));
        }
        return k;
    }

    /** Names of the kinds {@code images import} takes, in registration order. */
    public static List<String> importableNames() {
        List<String> out = new ArrayList<>();
        for (ImageKind k : REGISTRY.kinds.values()) {
            if (k.imported()) {
                out.add(k.name());
            }
        }
        return List.copyOf(out);
    }

    /** Every registered kind, in registration order. */
    public List<ImageKind> all() {
        return List.copyOf(kinds.values());
    }

    /** Names of every registered kind, in registration order. */
    public List<String> names() {
        return List.copyOf(kinds.keySet());
    }

    /** The kind named {@code name}, or a BadInputException that lists the known kinds. */
    public ImageKind require(String name) {
        ImageKind k = name == null ? null : kinds.get(name);
        if (k == null) {
            throw new BadInputException("unknown image kind '" + name + "': known kinds are " + String.join(", ", kinds.keySet()));
        }
        return k;
    }
}

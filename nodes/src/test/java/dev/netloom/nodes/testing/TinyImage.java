package dev.netloom.nodes.testing;

import dev.netloom.nodes.NodeSpec;
import dev.netloom.nodes.image.ImageManifest;
import dev.netloom.nodes.image.ImageStore;
import dev.netloom.nodes.image.TinyImageBuilder;
import dev.netloom.nodes.qemu.Accel;
import dev.netloom.nodes.qemu.AccelProbe;

import java.nio.file.Path;

/** End-to-end fixture: the real tiny image from the image store (built once if missing) and the host's acceleration. */
public final class TinyImage {

    private static ImageManifest manifest;
    private static Path dir;
    private static Accel accel;

    private TinyImage() {
    }

    public static synchronized NodeSpec spec(String name) {
        if (manifest == null) {
            ImageStore store = ImageStore.fromEnvironment();
            manifest = new TinyImageBuilder(store, line -> System.err.println("tiny image: " + line)).build(false);
            dir = store.dir(TinyImageBuilder.NAME);
            accel = AccelProbe.forHost().resolve(Accel.AUTO, dir).accel();
        }
        return NodeSpec.of(name, manifest, dir, accel);
    }
}

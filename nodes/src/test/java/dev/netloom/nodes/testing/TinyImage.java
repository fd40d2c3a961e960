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
        load();
        return NodeSpec.of(name, manifest, dir, accel);
    }

    /** The tiny image's manifest. */
    public static synchronized ImageManifest manifest() {
        load();
        return manifest;
    }

    /** The directory the manifest's kernel and initrd paths are relative to. */
    public static synchronized Path dir() {
        load();
        return dir;
    }

    /** KVM or TCG, as the acceleration probe decided for this host. */
    public static synchronized Accel accel() {
        load();
        return accel;
    }

    private static void load() {
        if (manifest == null) {
            ImageStore store = ImageStore.fromEnvironment();
            manifest = new TinyImageBuilder(store, line -> System.err.println("tiny image: " + line)).build(false);
            dir = store.dir(TinyImageBuilder.NAME);
            accel = AccelProbe.forHost().resolve(Accel.AUTO, dir).accel();
        }
    }
}

package dev.netloom.nodes.image;

import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.NetloomException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Imports a disk image someone else made into the image store, as an importable {@link ImageKind}
 * (generic, openwrt, cloud). The request is checked first ({@link ImportRequest#manifest()}), the
 * files are brought in by {@link DiskIngest} in a staging directory, and the image is committed under
 * its name only when complete, so a failure leaves nothing under the image's name.
 */
public final class ImageImporter {

    private final ImageStore store;
    private final Consumer<String> say;

    public ImageImporter(ImageStore store, Consumer<String> say) {
        this.store = store;
        this.say = say;
    }

    /** Checks the request, imports the disk (and kernel) into the store and writes the manifest. */
    public ImageManifest importImage(ImportRequest request) {
        ImageManifest draft = request.manifest();
        if (!request.force() && store.find(draft.name()).isPresent()) {
            throw new BadInputException("image '" + draft.name() + "' is already in the store " + store.root()
                    + ": pass --force to replace it, or --name to import it under another name");
        }
        // no store.removeStaleBuilds() here: it cannot tell a crashed build from one running right now
        Path stage = store.stage(draft.name());
        try {
            String fingerprint = new DiskIngest(say).ingest(request, stage);
            ImageManifest manifest = withFingerprint(draft, fingerprint);
            manifest.write(stage);
            store.commit(stage, draft.name());
            say.accept("imported " + request.file() + " as " + request.kind() + " image " + draft.name() + " in " + store.dir(draft.name())
                    + " (" + ImageStore.sizeOf(store.dir(draft.name())) / 1_000_000 + " MB)");
            return manifest;
        } catch (IOException e) {
            throw new NetloomException("importing " + request.file() + " failed: " + e.getMessage(), e);
        } finally {
            ImageStore.deleteTree(stage);
        }
    }

    private static ImageManifest withFingerprint(ImageManifest m, String fingerprint) {
        return new ImageManifest(m.name(), m.kind(), m.kernel(), m.initrd(), m.disk(), m.diskFormat(), m.kernelArgs(), m.memoryMiB(),
                m.bootPattern(), m.loginPattern(), m.username(), m.passwordPattern(), m.password(), m.promptPattern(),
                m.capabilities(), fingerprint);
    }
}

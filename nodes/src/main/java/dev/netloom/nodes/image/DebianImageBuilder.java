package dev.netloom.nodes.image;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.netloom.nodes.Json;
import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.Units;
import dev.netloom.nodes.host.Proc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Builds Debian node images: a rootfs from mmdebstrap ({@link DebianRootfs}) with netloom's console
 * set-up (images/debian: root auto-login on ttyS0, hostname from the kernel command line, a boot
 * marker, short timeouts, a small initramfs), optionally a recipe's packages, files and commands on
 * top, then an ext4 disk ({@link DiskImage}) and the kernel and initrd copied out for direct boot.
 * Everything happens in the store's staging directory, so a failed build leaves nothing behind.
 */
public final class DebianImageBuilder {

    public static final String NAME = "debian";
    public static final String KIND = DebianKind.NAME;
    private static final String RESOURCES = "/netloom/images/debian/";
    /** Bump when the build logic changes in a way that changes the image. */
    static final String BUILDER_VERSION = "1";
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(30);

    /** images/debian/debian.json: the base image's packages, files, set-up commands and boot patterns. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Base(String release, List<String> packages, List<BaseFile> files, List<String> commands, String extraSpace,
                String kernelArgs, String memory, String bootPattern, String promptPattern, List<String> capabilities) {
    }

    record BaseFile(String src, String dest, String mode) {
    }

    private final ImageStore store;
    private final Consumer<String> say;

    public DebianImageBuilder(ImageStore store, Consumer<String> say) {
        this.store = store;
        this.say = say;
    }

    /** The image a release builds to: {@code debian} for bookworm, {@code debian-RELEASE} for the others. */
    public static String imageName(String release) {
        DebianRootfs.checkRelease(release);
        return release.equals(DebianRootfs.DEFAULT_RELEASE) ? NAME : NAME + "-" + release;
    }

    /** Builds the plain Debian image of {@code release} unless it is up to date (or {@code force}). */
    public ImageManifest build(String release, boolean force) {
        String name = imageName(release);
        Base base = base();
        List<Recipe.FileCopy> baseFiles = baseFiles(base);
        String fingerprint = fingerprint(release, baseFiles, null);
        return buildImage(name, release, base, baseFiles, null, fingerprint, force);
    }

    /** Builds the image a recipe describes unless it is up to date (or {@code force}). */
    public ImageManifest build(Recipe recipe, boolean force) {
        Base base = base();
        List<Recipe.FileCopy> baseFiles = baseFiles(base);
        String fingerprint = fingerprint(recipe.release(), baseFiles, recipe);
        return buildImage(recipe.name(), recipe.release(), base, baseFiles, recipe, fingerprint, force);
    }

    private ImageManifest buildImage(String name, String release, Base base, List<Recipe.FileCopy> baseFiles, Recipe recipe,
                                     String fingerprint, boolean force) {
        var existing = store.find(name);
        if (!force && existing.isPresent() && fingerprint.equals(existing.get().fingerprint())) {
            say.accept("image " + name + " is up to date in " + store.dir(name) + " (use --force to rebuild)");
            return existing.get();
        }
        long t0 = System.nanoTime();
        store.removeStaleBuilds();
        Path stage = store.stage(name);
        try {
            ImageManifest manifest = buildInto(stage, name, release, base, baseFiles, recipe, fingerprint);
            store.commit(stage, name);
            say.accept(String.format(Locale.ROOT, "built image %s in %s (%d MB) in %.0f s", name, store.dir(name),
                    ImageStore.sizeOf(store.dir(name)) / 1_000_000, (System.nanoTime() - t0) / 1e9));
            return manifest;
        } catch (IOException e) {
            throw new NetloomException("building the " + name + " image failed: " + e.getMessage(), e);
        } finally {
            ImageStore.deleteTree(stage);
        }
    }

    private ImageManifest buildInto(Path stage, String name, String release, Base base, List<Recipe.FileCopy> baseFiles,
                                    Recipe recipe, String fingerprint) throws IOException {
        Path rootfs = stage.resolve("rootfs");
        List<String> packages = new ArrayList<>(base.packages());
        if (recipe != null) {
            packages.addAll(recipe.packages());
        }
        new DebianRootfs(release, packages, DebianRootfs.defaultDebCache(release), say).create(rootfs);

        customize(rootfs, baseFiles, base.commands(), "images/debian/debian.json");
        if (recipe != null) {
            customize(rootfs, recipe.files(), recipe.commands(), recipe.source());
            if (recipe.hostname() != null) {
                Files.writeString(rootfs.resolve("etc/hostname"), recipe.hostname() + "\n");
            }
        }

        Path kernel = onlyOne(rootfs.resolve("boot"), "vmlinuz-");
        Path initrd = onlyOne(rootfs.resolve("boot"), "initrd.img-");
        Files.copy(kernel, stage.resolve(ImageStore.KERNEL), StandardCopyOption.COPY_ATTRIBUTES);
        Files.copy(initrd, stage.resolve(ImageStore.INITRD), StandardCopyOption.COPY_ATTRIBUTES);
        // booted directly from the image directory; on the disk they would only take space
        Files.delete(kernel);
        Files.delete(initrd);

        long extra = recipe != null ? recipe.extraSpace() : Units.bytes(base.extraSpace());
        say.accept("writing the root file system into an ext4 disk (mkfs.ext4 -d) and converting it to qcow2");
        DiskImage.Layout layout = DiskImage.fromTree(rootfs, stage.resolve(ImageStore.DISK), extra, "netloom-root");
        say.accept("disk: " + layout.sizeMiB() + " MiB ext4, " + Files.size(stage.resolve(ImageStore.DISK)) / 1_000_000 + " MB qcow2");
        ImageStore.deleteTree(rootfs);

        int memory = recipe != null && recipe.memoryMiB() > 0 ? recipe.memoryMiB() : TinyImageBuilder.parseMiB(base.memory());
        ImageManifest manifest = manifest(name, base, memory, fingerprint);
        manifest.write(stage);
        return manifest;
    }

    /** The manifest of a Debian image built from {@code base}; pure, for tests. */
    static ImageManifest manifest(String name, Base base, int memoryMiB, String fingerprint) {
        return new ImageManifest(name, KIND, ImageStore.KERNEL, ImageStore.INITRD, ImageStore.DISK, "qcow2", base.kernelArgs(), memoryMiB,
                base.bootPattern(), null, null, null, null, base.promptPattern(), base.capabilities(), fingerprint);
    }

    /** Copies the files in, then runs the commands in the rootfs; a failing command fails the build with its output. */
    private void customize(Path rootfs, List<Recipe.FileCopy> files, List<String> commands, String source) {
        for (Recipe.FileCopy f : files) {
            DebianRootfs.copyIn(rootfs, f.content(), f.dest(), f.mode());
        }
        for (int i = 0; i < commands.size(); i++) {
            String command = commands.get(i);
            say.accept("running in the rootfs (" + source + " command " + (i + 1) + " of " + commands.size() + "): " + firstLine(command));
            Proc.Result r = DebianRootfs.run(rootfs, command, COMMAND_TIMEOUT);
            if (!r.ok()) {
                throw new NetloomException(source + ": /commands/" + i + ": `" + firstLine(command) + "` failed with exit code " + r.exitCode()
                        + " in the image's rootfs; no image was made. Its output:\n" + tail(r.stdout() + r.stderr(), 40));
            }
        }
    }

    static String fingerprintOf(String release, List<Recipe.FileCopy> baseFiles, byte[] baseJson, Recipe recipe) {
        List<byte[]> parts = new ArrayList<>(List.of(BUILDER_VERSION.getBytes(), release.getBytes(), baseJson));
        for (Recipe.FileCopy f : baseFiles) {
            parts.add(f.content());
        }
        if (recipe != null) {
            parts.add(recipe.text());
            for (Recipe.FileCopy f : recipe.files()) {
                parts.add(f.content());
            }
        }
        return TinyImageBuilder.sha256(parts.toArray(byte[][]::new));
    }

    private String fingerprint(String release, List<Recipe.FileCopy> baseFiles, Recipe recipe) {
        return fingerprintOf(release, baseFiles, resource("debian.json"), recipe);
    }

    static Base base() {
        try {
            return Json.MAPPER.readValue(resource("debian.json"), Base.class);
        } catch (IOException e) {
            throw new NetloomException("the debian image recipe is unreadable: " + e.getMessage(), e);
        }
    }

    private static List<Recipe.FileCopy> baseFiles(Base base) {
        List<Recipe.FileCopy> out = new ArrayList<>();
        for (BaseFile f : base.files()) {
            out.add(new Recipe.FileCopy(f.src(), f.dest(), f.mode(), resource(f.src())));
        }
        return out;
    }

    private static Path onlyOne(Path dir, String prefix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> found = files.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList();
            if (found.size() != 1) {
                throw new NetloomException("expected one /boot/" + prefix + "* in the rootfs, found " + found.size()
                        + " (the image needs exactly one kernel: linux-image-cloud-amd64 and no other linux-image package)");
            }
            return found.get(0);
        }
    }

    static String tail(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    private static String firstLine(String command) {
        String s = command.strip();
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl) + " ...";
    }

    private static byte[] resource(String name) {
        try (InputStream in = DebianImageBuilder.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new NetloomException("the netloom jar lacks " + RESOURCES + name + " (rebuild it: rm -rf controller/target && ./netloom --help)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package dev.netloom.nodes.image;

import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.Config;
import dev.netloom.nodes.Install;
import dev.netloom.nodes.qemu.Arch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The directory that holds node images, one sub-directory per image with its {@code image.json}.
 * Set by {@code NETLOOM_IMAGES} or the config file ({@link Config}); defaults to {@code $XDG_DATA_HOME/netloom/images} (or
 * {@code ~/.local/share/netloom/images}).
 */
public final class ImageStore {

    /** The file names netloom gives an image's parts in its directory (its image.json names them). */
    static final String KERNEL = "vmlinuz";
    static final String INITRD = "initrd.img";
    static final String DISK = "disk.qcow2";

    /** Image names reach file paths, so they are strict. */
    public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,31}");

    private final Path root;

    public ImageStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** The store named by the environment or the config file, or the per-user default ({@link Config}). */
    public static ImageStore fromEnvironment() {
        return new ImageStore(Config.current().images());
    }

    public Path root() {
        return root;
    }

    public Path dir(String name) {
        checkName(name);
        return root.resolve(name);
    }

    public static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new BadInputException("invalid image name '" + name + "': use 1-32 characters of a-z, 0-9, '-' and '_', starting with a letter");
        }
    }

    public Optional<ImageManifest> find(String name) {
        Path dir = dir(name);
        return Files.isRegularFile(dir.resolve(ImageManifest.FILE)) ? Optional.of(ImageManifest.read(dir)) : Optional.empty();
    }

    /** The image's manifest, or a BadInputException that says how to build it. */
    public ImageManifest require(String name) {
        return find(name).orElseThrow(() -> new BadInputException("image '" + name + "' is not in the image store " + root
                + " (build it with `" + Install.cli() + " images build " + name + "`, or set NETLOOM_IMAGES to the store that has it)"));
    }

    /** An entry of {@link #list()}. */
    public record Entry(String name, String kind, Arch arch, long sizeBytes, Path path) {
    }

    public List<Entry> list() {
        List<Entry> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.sorted().toList()) {
                String name = dir.getFileName().toString();
                if (NAME.matcher(name).matches() && Files.isRegularFile(dir.resolve(ImageManifest.FILE))) {
                    ImageManifest m = ImageManifest.read(dir);
                    out.add(new Entry(name, m.kind(), m.arch(), sizeOf(dir), dir));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /**
     * Makes a fresh staging directory in the store for a build of {@code name}; {@link #commit}
     * renames it into place, so a failed build leaves nothing half-made under the image's name.
     */
    public Path stage(String name) {
        checkName(name);
        try {
            Files.createDirectories(root);
            // the pid in the name tells removeStaleBuilds whether the build is still running
            return Files.createTempDirectory(root, "." + name + ".build-" + ProcessHandle.current().pid() + "-");
        } catch (IOException e) {
            throw new NetloomException("cannot create a build directory in the image store " + root + ": " + e.getMessage(), e);
        }
    }

    /** Replaces the image {@code name} with the finished staging directory. */
    public void commit(Path staged, String name) {
        Path target = dir(name);
        try {
            Path old = null;
            if (Files.exists(target)) {
                old = Files.createTempDirectory(root, "." + name + ".old-" + ProcessHandle.current().pid() + "-");
                Files.delete(old);
                Files.move(target, old);
            }
            try {
                Files.move(staged, target);
            } catch (IOException e) {
                if (old != null) {
                    Files.move(old, target); // put the previous image back
                }
                throw e;
            }
            if (old != null) {
                deleteTree(old);
            }
        } catch (IOException e) {
            throw new NetloomException("cannot move the built image into " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * Removes staging directories that a crashed build left behind: those whose building process (the
     * pid in the directory name) is gone. A build running in another process is left alone.
     */
    public void removeStaleBuilds() {
        if (!Files.isDirectory(root)) {
            return;
        }
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path d : dirs.toList()) {
                String n = d.getFileName().toString();
                if (n.startsWith(".") && (n.contains(".build-") || n.contains(".old-")) && !ownerAlive(n)) {
                    deleteTree(d);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean ownerAlive(String stagingName) {
        java.util.regex.Matcher m = Pattern.compile("\\.(?:build|old)-(\\d+)-").matcher(stagingName);
        if (!m.find()) {
            return false;
        }
        long pid = Long.parseLong(m.group(1));
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    public static long sizeOf(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException e) {
            return 0;
        }
    }

    public static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}

package dev.netloom.nodes;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;

/**
 * Where run directories live ({@link Config} resolves it): {@code $NETLOOM_RUN}, else "run" in the config file, else {@code /run/netloom} for root, else
 * {@code $XDG_RUNTIME_DIR/netloom}, else {@code /tmp/netloom-USER}. Short on purpose: the Unix
 * sockets inside must stay under 108 bytes.
 *
 * <p>Run directories hold consoles (a root shell on every node) and logs of what nodes printed, so
 * netloom creates them owner-only: directories 0700 and files 0600, with the mode given at creation,
 * never fixed by a chmod afterwards (that would leave a moment in which others could open them).
 */
public final class RunDirs {

    public static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    private static final FileAttribute<Set<PosixFilePermission>> DIR_ATTR = PosixFilePermissions.asFileAttribute(DIR_MODE);
    private static final FileAttribute<Set<PosixFilePermission>> FILE_ATTR = PosixFilePermissions.asFileAttribute(FILE_MODE);

    private RunDirs() {
    }

    public static Path base() {
        return Config.current().runDir();
    }

    /**
     * Creates {@code dir} and each missing parent with mode 0700 (set at creation). Directories that
     * already exist are left as they are: they may be shared ones such as /run. Returns {@code dir}.
     */
    public static Path createPrivate(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath().normalize();
        if (Files.isDirectory(absolute)) {
            return dir;
        }
        Path parent = absolute.getParent();
        if (parent != null) {
            createPrivate(parent);
        }
        try {
            Files.createDirectory(absolute, DIR_ATTR);
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(absolute)) {
                throw e;
            }
            // created meanwhile by someone else (another node of the same lab): fine
        }
        return dir;
    }

    /** Creates {@code file} empty with mode 0600 unless it exists; returns it. */
    public static Path createPrivateFile(Path file) throws IOException {
        try {
            Files.createFile(file, FILE_ATTR);
        } catch (FileAlreadyExistsException e) {
            // kept, with the mode it was made with (a node restarted in the same run directory)
        }
        return file;
    }

    /** Opens {@code file} for appending, creating it with mode 0600 if it is missing. */
    public static OutputStream appendPrivate(Path file) throws IOException {
        return Channels.newOutputStream(Files.newByteChannel(file,
                Set.of(StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE), FILE_ATTR));
    }

    /** Deletes those of {@code files} that exist. */
    public static void deleteIfExist(List<Path> files) {
        for (Path p : files) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}

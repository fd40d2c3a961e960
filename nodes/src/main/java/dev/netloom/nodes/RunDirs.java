package dev.netloom.nodes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Where run directories live: {@code $NETLOOM_RUN}, else {@code /run/netloom} for root, else
 * {@code $XDG_RUNTIME_DIR/netloom}, else {@code /tmp/netloom-USER}. Short on purpose: the Unix
 * sockets inside must stay under 108 bytes.
 */
public final class RunDirs {

    private RunDirs() {
    }

    public static Path base() {
        String env = System.getenv("NETLOOM_RUN");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        if ("root".equals(System.getProperty("user.name"))) {
            return Path.of("/run/netloom");
        }
        String xdg = System.getenv("XDG_RUNTIME_DIR");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "netloom");
        }
        return Path.of("/tmp", "netloom-" + System.getProperty("user.name"));
    }

    /**
     * Creates {@code dir} and its missing parents with mode 0700 from the start (no window in which
     * another user could open them), and returns it. Existing directories are left as they are.
     */
    public static Path createPrivate(Path dir) {
        try {
            return Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new NetloomException("cannot create directory " + dir + ": " + e.getMessage(), e);
        }
    }
}

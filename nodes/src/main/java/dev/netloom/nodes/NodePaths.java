package dev.netloom.nodes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The one place that names a node's files: its run directory holds the console and QMP sockets, the
 * pidfile, QEMU's log, the console transcript and, for disk images, the qcow2 overlay; for cloud
 * images, the NoCloud seed.
 */
public record NodePaths(Path dir) {

    /** Unix socket paths are limited to 107 bytes by the kernel. */
    private static final int MAX_SOCKET_PATH = 107;
    /** The longest name of a socket in the directory. */
    private static final String CONSOLE_SOCKET = "console.sock";

    public NodePaths {
        dir = dir.toAbsolutePath().normalize();
        int longest = dir.resolve(CONSOLE_SOCKET).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (longest > MAX_SOCKET_PATH) {
            throw new BadInputException("run directory " + dir + " is too long for Unix socket paths (" + longest
                    + " > " + MAX_SOCKET_PATH + " bytes): use a shorter run directory");
        }
    }

    /** A new private run directory {@code NAME-*} under the run base's {@code nodes}, for a node without a lab. */
    public static NodePaths fresh(String name) {
        Path base = RunDirs.base().resolve("nodes");
        try {
            RunDirs.createPrivate(base);
            return new NodePaths(Files.createTempDirectory(base, name + "-"));
        } catch (IOException e) {
            throw new NetloomException("cannot create a run directory under " + base + ": " + e.getMessage(), e);
        }
    }

    public Path consoleSocket() {
        return dir.resolve(CONSOLE_SOCKET);
    }

    /** The second serial port's socket: the people's console of an image that has one (docs/consoles.md). */
    public Path humanSocket() {
        return dir.resolve("human.sock");
    }

    /** The people's console transcript. */
    public Path humanTranscript() {
        return dir.resolve("human.log");
    }

    public Path qmpSocket() {
        return dir.resolve("qmp.sock");
    }

    public Path pidfile() {
        return dir.resolve("qemu.pid");
    }

    public Path qemuLog() {
        return dir.resolve("qemu.log");
    }

    public Path transcript() {
        return dir.resolve("console.log");
    }

    public Path overlay() {
        return dir.resolve("overlay.qcow2");
    }

    /** The NoCloud seed ISO a cloud image's node gets, new at every launch. */
    public Path seedIso() {
        return dir.resolve("seed.iso");
    }

    /** What a node leaves in its run directory while it runs, removed when it stops or fails (the logs stay). */
    public List<Path> runtimeFiles() {
        return List.of(consoleSocket(), humanSocket(), qmpSocket(), pidfile(), overlay());
    }
}

package dev.netloom.nodes;

import java.nio.file.Path;

/**
 * The one place that names a node's files: its run directory holds the console and QMP sockets, the
 * pidfile, QEMU's log, the console transcript and, for disk images, the qcow2 overlay.
 */
public record NodePaths(Path dir) {

    /** Unix socket paths are limited to 107 bytes by the kernel. */
    private static final int MAX_SOCKET_PATH = 107;

    public NodePaths {
        dir = dir.toAbsolutePath().normalize();
        int longest = dir.resolve("console.sock").toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (longest > MAX_SOCKET_PATH) {
            throw new BadInputException("run directory " + dir + " is too long for Unix socket paths (" + longest
                    + " > " + MAX_SOCKET_PATH + " bytes): use a shorter run directory");
        }
    }

    public Path consoleSocket() {
        return dir.resolve("console.sock");
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
}

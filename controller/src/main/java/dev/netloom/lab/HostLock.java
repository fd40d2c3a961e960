package dev.netloom.lab;

import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.RunDirs;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Supplier;

/**
 * The host-wide lock that makes the few steps which decide who owns what atomic: claiming a lab name
 * together with its memory admission, removing a dead lab, and deleting a lab's directory. It is an
 * exclusive lock on {@code RUN/labs/.lock} (the only file netloom keeps in the run base between
 * labs; empty), held for milliseconds; the kernel releases it if its holder dies.
 */
final class HostLock {

    private static final Object JVM_LOCK = new Object(); // file locks do not exclude the threads of one JVM

    private HostLock() {
    }

    static void run(Runnable step) {
        call(() -> {
            step.run();
            return null;
        });
    }

    static <T> T call(Supplier<T> step) {
        synchronized (JVM_LOCK) {
            Path file = LabPaths.hostLock();
            // the file is never opened any other way: closing any descriptor of it would drop the lock
            try {
                RunDirs.createPrivate(LabPaths.labsRoot());
            } catch (IOException e) {
                throw new NetloomException("cannot create the run directory " + LabPaths.labsRoot() + ": " + e.getMessage(), e);
            }
            try (FileChannel ch = FileChannel.open(file, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                    java.nio.file.attribute.PosixFilePermissions.asFileAttribute(RunDirs.FILE_MODE));
                 FileLock ignored = ch.lock()) {
                return step.get();
            } catch (IOException e) {
                throw new NetloomException("cannot take the host lock " + file + ": " + e.getMessage(), e);
            }
        }
    }
}

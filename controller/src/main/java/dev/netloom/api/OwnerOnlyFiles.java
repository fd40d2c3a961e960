package dev.netloom.api;

import dev.netloom.nodes.NetloomException;
import io.netty.channel.Channel;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;
import java.util.function.Function;

/**
 * Creates the API's socket and token file with their final owner-only modes: neither exists, not
 * even for a moment, where another user could open it. A socket is bound inside a fresh 0700
 * directory, made 0600 there, then renamed into place; a secret is written to a file created 0600
 * and renamed into place, so nobody ever reads it half-written either.
 */
public final class OwnerOnlyFiles {

    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");

    /** Unix socket paths are limited to 107 bytes (sun_path). */
    static final int MAX_SOCKET_PATH_BYTES = 107;

    private static final SecureRandom RANDOM = new SecureRandom();

    private OwnerOnlyFiles() {
    }

    /**
     * Binds a Unix socket that appears at {@code socket} with mode 0600. {@code bind} binds at the
     * path it is given (inside a private directory) and returns the listening channel, which is
     * closed again if the socket cannot be put in place.
     */
    static Channel bindSocket(Path socket, Function<Path, Channel> bind) {
        Path target = socket.toAbsolutePath();
        requireSocketPathFits(target);
        Path staging = privateDirectory(target.getParent());
        Path inside = staging.resolve("s"); // never longer than target: ".sXXXX/s" is as long as "api.sock"
        try {
            requireSocketPathFits(inside);
            Channel bound = bind.apply(inside);
            try {
                Files.setPosixFilePermissions(inside, OWNER_ONLY);
                Files.move(inside, target, StandardCopyOption.ATOMIC_MOVE); // replaces a crashed controller's socket
                return bound;
            } catch (IOException | RuntimeException e) {
                bound.close();
                throw e;
            }
        } catch (IOException e) {
            throw new NetloomException("cannot serve the API on " + target + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(inside);
            deleteQuietly(staging);
        }
    }

    /** Writes {@code content} to {@code file}, which never exists with a mode other than 0600 nor half-written. */
    public static void writeSecret(Path file, String content) {
        Path target = file.toAbsolutePath();
        requireSafeParent(target.getParent());
        Path temp = null;
        try {
            temp = createUnique(target.getParent(), ".t", p -> Files.createFile(p, PosixFilePermissions.asFileAttribute(OWNER_ONLY)));
            try (OutputStream out = Files.newOutputStream(temp, StandardOpenOption.WRITE)) {
                out.write(content.getBytes(StandardCharsets.UTF_8));
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new NetloomException("cannot write " + target + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(temp);
        }
    }

    /**
     * Refuses a directory every user may write to: another user could put their own socket or token
     * in place of ours between two runs, or remove ours.
     */
    static void requireSafeParent(Path dir) {
        try {
            if (Files.getPosixFilePermissions(dir).contains(PosixFilePermission.OTHERS_WRITE)) {
                throw new NetloomException("the API's directory " + dir + " is writable by every user, so another user could "
                        + "replace the lab's socket or token; use a directory only its owner may write to (chmod o-w " + dir + ")");
            }
        } catch (IOException e) {
            throw new NetloomException("cannot serve the API in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void requireSocketPathFits(Path socket) {
        if (socket.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH_BYTES) {
            throw new NetloomException("API socket path " + socket + " is longer than " + MAX_SOCKET_PATH_BYTES
                    + " bytes; use a shorter run directory (NETLOOM_RUN)");
        }
    }

    private static Path privateDirectory(Path parent) {
        requireSafeParent(parent);
        try {
            return createUnique(parent, ".s", p -> Files.createDirectory(p, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR)));
        } catch (IOException e) {
            throw new NetloomException("cannot serve the API in " + parent + ": " + e.getMessage(), e);
        }
    }

    private interface Create {
        Path at(Path path) throws IOException;
    }

    /** A new file or directory named prefix plus 4 random hex digits; retried on a name that is taken. */
    private static Path createUnique(Path dir, String prefix, Create create) throws IOException {
        for (int attempt = 0; ; attempt++) {
            byte[] random = new byte[2];
            RANDOM.nextBytes(random);
            try {
                return create.at(dir.resolve(prefix + HexFormat.of().formatHex(random)));
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 20) {
                    throw e;
                }
            }
        }
    }

    private static void deleteQuietly(Path path) {
        if (path != null) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                // a leftover file in a private directory harms nobody; the directory's removal then fails too
            }
        }
    }
}

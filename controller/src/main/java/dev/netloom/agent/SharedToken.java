package dev.netloom.agent;

import dev.netloom.nodes.BadInputException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * The token the coordinator and the agents of a lab spread over hosts share (docs/scale-out.md): read
 * from a file that only its owner may read (a Kubernetes Secret mounted with mode 0400, or a file the
 * user made with {@code openssl rand -hex 32 > token; chmod 600 token}), never from the command line,
 * where every user of the host could read it.
 */
public final class SharedToken {

    /** A token shorter than this is refused: 32 hex characters are 128 bits. */
    public static final int MIN_CHARS = 32;

    private SharedToken() {
    }

    public static String read(Path file) {
        try {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
            if (mode.contains(PosixFilePermission.OTHERS_READ) || mode.contains(PosixFilePermission.GROUP_READ)) {
                throw new BadInputException("token file " + file + " is readable by others: chmod 600 " + file);
            }
            String token = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (token.length() < MIN_CHARS || !token.matches("[A-Za-z0-9+/=_-]+")) {
                throw new BadInputException("token file " + file + " must hold one token of at least " + MIN_CHARS
                        + " letters and digits (e.g. `openssl rand -hex 32`)");
            }
            return token;
        } catch (java.nio.file.NoSuchFileException e) {
            throw new BadInputException("token file " + file + " does not exist: make one with `openssl rand -hex 32 > " + file + "; chmod 600 " + file + "`", e);
        } catch (IOException e) {
            throw new BadInputException("cannot read token file " + file + ": " + e.getMessage(), e);
        }
    }
}

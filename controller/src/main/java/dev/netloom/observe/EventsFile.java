package dev.netloom.observe;

import dev.netloom.lab.LabEvent;
import dev.netloom.nodes.BadInputException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/**
 * A lab's events as JSON lines in a file the user names ({@code --events FILE}): one object per
 * event, {@code {"at", "kind", "subject", "detail"}} plus {@code "state"} for a node's state change,
 * flushed line by line so that a reader can follow it live. The file outlives the lab (the lab's own
 * events.log goes with its run directory); it is appended to, so runs can share one.
 */
public final class EventsFile implements Consumer<LabEvent>, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EventsFile.class);

    private final Path path;
    private final OutputStream out;
    private boolean failed; // guarded by this

    private EventsFile(Path path, OutputStream out) {
        this.path = path;
        this.out = out;
    }

    /** Opens (creates or appends to) {@code path}; a path that cannot be written is bad input, found before the lab starts. */
    public static EventsFile open(Path path) {
        check(path);
        try {
            return new EventsFile(path, Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE));
        } catch (IOException e) {
            throw new BadInputException("--events " + path + ": cannot write it (" + e.getMessage() + "); name a file you can write");
        }
    }

    /** Whether {@code path} could be opened, without creating it: bad input naming the problem otherwise. */
    public static void check(Path path) {
        Path parent = path.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new BadInputException("--events " + path + ": the directory " + parent + " does not exist; create it or name a file in an existing one");
        }
        if (Files.isDirectory(path)) {
            throw new BadInputException("--events " + path + " is a directory; name a file, e.g. " + path.resolve("events.jsonl"));
        }
        if (Files.exists(path) ? !Files.isWritable(path) : !Files.isWritable(parent)) {
            throw new BadInputException("--events " + path + ": " + (Files.exists(path) ? "the file" : "its directory") + " is not writable; name a file you can write");
        }
    }

    /** The JSON line of an event (without its line feed): {@link LabEvent#toJson()}. */
    public static String line(LabEvent e) {
        return e.toJson().toString();
    }

    @Override
    public synchronized void accept(LabEvent e) {
        if (failed) {
            return;
        }
        try {
            out.write((line(e) + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException ex) {
            failed = true; // a full disk must not stop the lab: say it once, then stop writing
            log.warn("cannot write events to {}: {}; no more events go there", path, ex.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            log.debug("closing {}: {}", path, e.getMessage());
        }
    }
}

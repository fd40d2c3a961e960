package dev.netloom.lab;

import dev.netloom.nodes.RunDirs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** A lab's events: appended to its events file (owner-only) while the run directory exists, and given to every listener. */
final class EventLog implements Consumer<LabEvent> {

    private static final Logger log = LoggerFactory.getLogger(EventLog.class);

    private final Path file;
    private final List<Consumer<LabEvent>> listeners = new CopyOnWriteArrayList<>(); // the API adds one while nodes raise events
    private volatile boolean closed;

    EventLog(Path file) {
        this.file = file;
    }

    void addListener(Consumer<LabEvent> listener) {
        listeners.add(listener);
    }

    /** From here on only {@link LabEvent.Kind#LAB} events are written to the file (the lab is going down). */
    void close() {
        closed = true;
    }

    @Override
    public void accept(LabEvent e) {
        log.debug("{}", e);
        if (!closed || e.kind() == LabEvent.Kind.LAB) {
            try {
                if (Files.isDirectory(file.getParent())) {
                    try (OutputStream out = RunDirs.appendPrivate(file)) {
                        out.write((e + "\n").getBytes(StandardCharsets.UTF_8));
                    }
                }
            } catch (IOException ex) {
                log.debug("cannot write {}: {}", file, ex.getMessage());
            }
        }
        for (Consumer<LabEvent> l : listeners) {
            l.accept(e);
        }
    }
}

package dev.netloom.lab;

import dev.netloom.nodes.NodePaths;
import dev.netloom.nodes.RunDirs;

import java.nio.file.Path;

/**
 * The one place that names a lab's files: {@code RUN/labs/LAB/} holds the journal
 * ({@code lab.json}) and one directory per node (its sockets, pidfile, logs).
 */
public record LabPaths(Path dir) {

    public static Path labsRoot() {
        return RunDirs.base().resolve("labs");
    }

    public static LabPaths of(String lab) {
        return new LabPaths(labsRoot().resolve(lab));
    }

    public Path journal() {
        return dir.resolve("lab.json");
    }

    public NodePaths node(String name) {
        return new NodePaths(dir.resolve(name));
    }

    /** The lab's event log: every timeline event and state change with the time it happened. */
    public Path events() {
        return dir.resolve("events.log");
    }
}

package dev.netloom.lab;

import dev.netloom.nodes.NodePaths;
import dev.netloom.nodes.RunDirs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The one place that names a lab's files: {@code RUN/labs/LAB/} holds the journal
 * ({@code lab.json}), the event log, the hosts file, the API's socket and token, the flight recorder's rings, and one directory per node (its
 * sockets, pidfile, logs); {@code RUN/labs/.lock} is the host lock.
 */
public record LabPaths(Path dir) {

    public static Path labsRoot() {
        return RunDirs.base().resolve("labs");
    }

    /** The file whose lock serialises starts and clean-ups of labs on this host. */
    public static Path hostLock() {
        return labsRoot().resolve(".lock");
    }

    public static LabPaths of(String lab) {
        return new LabPaths(labsRoot().resolve(lab));
    }

    /**
     * The directory of the coordinator of a lab spread over hosts (docs/scale-out.md): its API socket
     * and token, under {@code RUN/coordinators}, apart from the labs that cleanup looks after.
     */
    public static LabPaths coordinator(String lab) {
        if (!dev.netloom.scenario.Names.LAB.matcher(lab).matches()) {
            throw new IllegalArgumentException("invalid lab name " + lab);
        }
        return new LabPaths(RunDirs.base().resolve("coordinators").resolve(lab));
    }

    public Path journal() {
        return dir.resolve("lab.json");
    }

    public NodePaths node(String name) {
        return new NodePaths(dir.resolve(name));
    }

    /**
     * The run directory of the fork template the lab is building (fork.md): inside the lab's directory,
     * so that cleanup finds its QEMU after a crash; its name is no valid node name, so no node has it.
     */
    public NodePaths template() {
        return new NodePaths(dir.resolve("_template"));
    }

    /** The run directories of the lab's nodes, as they are on disk (for clean-up). */
    public List<NodePaths> nodeDirs() throws IOException {
        try (Stream<Path> dirs = Files.list(dir)) {
            return dirs.filter(Files::isDirectory).map(NodePaths::new).toList();
        }
    }

    /**
     * The lab's hosts file (guest.HostsFile): every node's names and addresses, which each QEMU of the
     * lab hands its guest as a firmware file; here so that the lab's teardown and cleanup remove it.
     */
    public Path hosts() {
        return dir.resolve("hosts");
    }

    /** The lab's event log: every timeline event and state change with the time it happened. */
    public Path events() {
        return dir.resolve("events.log");
    }

    /** The flight recorder's ring files (tcpdump's, one ring per tap). */
    public Path captureDir() {
        return dir.resolve("capture");
    }

    /** The controller's API socket (owner-only). */
    public Path apiSocket() {
        return dir.resolve("api.sock");
    }

    /** The token that clients on loopback TCP authenticate with, when the API listens there. */
    public Path apiToken() {
        return dir.resolve("api.token");
    }
}

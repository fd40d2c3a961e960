package dev.netloom.lab;

import dev.netloom.nodes.Json;
import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.host.ProcessIdentity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a lab has created, written before each step that creates something, so that
 * {@code netloom cleanup} (or the next start of the lab) can remove it after a crash: who runs the
 * lab, its namespace, the memory it reserved, and every QEMU pid each node ever had (restarts
 * included). Written atomically (temp file + rename), mode 0600.
 *
 * @param lab         lab name
 * @param namespace   network namespace, e.g. nl-ring4
 * @param controller  the controller process (pid, start time, arguments: a reused pid never matches)
 * @param state       where the lab is in its life
 * @param reservedMiB host memory the lab's nodes may use, counted by admission for every later lab
 * @param nodes       node name to the QEMU pids it ran, oldest first
 */
public record Journal(String lab, String namespace, ProcessIdentity controller, State state, long reservedMiB,
                      Map<String, List<Long>> nodes) {

    /** Where the lab is in its life, as its controller last wrote it. */
    public enum State { STARTING, READY, STOPPING }


    public Journal {
        if (lab == null || namespace == null || controller == null || state == null || nodes == null) {
            throw new IllegalArgumentException("a field is missing (lab, namespace, controller, state and nodes are needed)");
        }
        TreeMap<String, List<Long>> copy = new TreeMap<>();
        nodes.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        nodes = copy;
    }

    public Journal withState(State newState) {
        return new Journal(lab, namespace, controller, newState, reservedMiB, nodes);
    }

    /** Adds a QEMU pid to a node (a restart adds another). */
    public Journal withNode(String node, long pid) {
        Map<String, List<Long>> n = new TreeMap<>(nodes);
        List<Long> pids = new ArrayList<>(n.getOrDefault(node, List.of()));
        pids.add(pid);
        n.put(node, pids);
        return new Journal(lab, namespace, controller, state, reservedMiB, n);
    }

    /** Every QEMU pid the lab started. */
    public List<Long> pids() {
        return nodes.values().stream().flatMap(List::stream).toList();
    }

    public void write(Path file) {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Json.PRETTY.writeValue(tmp.toFile(), this);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new NetloomException("cannot write the lab journal " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a journal; a missing, truncated or foreign file is a NetloomException naming the file. */
    public static Journal read(Path file) {
        try {
            return Json.MAPPER.readValue(file.toFile(), Journal.class);
        } catch (IOException | RuntimeException e) {
            throw new NetloomException("cannot read the lab journal " + file + ": " + why(e), e);
        }
    }

    /** Why a journal is unreadable, on one line (Jackson's own message spans several). */
    private static String why(Exception e) {
        if (e instanceof com.fasterxml.jackson.core.JsonProcessingException j) {
            var at = j.getLocation();
            Throwable cause = j.getCause() instanceof IllegalArgumentException iae ? iae : null;
            String what = cause != null ? cause.getMessage() : j.getOriginalMessage();
            return what.replace('\n', ' ') + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")");
        }
        return String.valueOf(e.getMessage());
    }
}

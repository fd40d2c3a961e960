package dev.netloom.lab;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.netloom.nodes.NetloomException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a lab has created, written before and after each step so that {@code netloom cleanup} can
 * remove it after a crash: the controller's pid, the namespace, and each node's QEMU pid and run
 * directory. Written atomically (temp file + rename).
 *
 * @param lab        lab name
 * @param namespace  network namespace, e.g. nl-ring4
 * @param controller pid of the controller process
 * @param state      STARTING, READY, STOPPING
 * @param nodes      node name to QEMU pid (0 until started)
 */
public record Journal(String lab, String namespace, long controller, String state, Map<String, Long> nodes) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public Journal {
        nodes = new TreeMap<>(nodes);
    }

    public Journal withState(String newState) {
        return new Journal(lab, namespace, controller, newState, nodes);
    }

    public Journal withNode(String node, long pid) {
        Map<String, Long> n = new TreeMap<>(nodes);
        n.put(node, pid);
        return new Journal(lab, namespace, controller, state, n);
    }

    public void write(Path file) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writeValue(tmp.toFile(), this);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new NetloomException("cannot write the lab journal " + file + ": " + e.getMessage(), e);
        }
    }

    public static Journal read(Path file) {
        try {
            return JSON.readValue(file.toFile(), Journal.class);
        } catch (IOException e) {
            throw new NetloomException("cannot read the lab journal " + file + ": " + e.getMessage(), e);
        }
    }
}

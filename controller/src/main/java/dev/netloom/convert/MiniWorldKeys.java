package dev.netloom.convert;

import com.fasterxml.jackson.databind.JsonNode;
import dev.netloom.nodes.BadInputException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a MiniWorld scenario's keys by path and remembers which were read, so that {@link #ignored}
 * can list every other key as not converted, with the reason when netloom knows it. A wrong type is
 * bad input that names the key.
 */
final class MiniWorldKeys {

    /** Keys netloom knowingly leaves out, by dotted path prefix, and why. */
    static final Map<String, String> REASONS = Map.ofEntries(
            Map.entry("provisioning.parallel", "netloom always boots nodes in parallel"),
            Map.entry("provisioning.boot_mode", "netloom's console driver reads the console in its own way"),
            Map.entry("provisioning.overlay_images", "netloom gives each node a copy-on-write overlay of its image by itself"),
            Map.entry("provisioning.login", "an image's login belongs to its manifest (`netloom images import generic --login-pattern`)"),
            Map.entry("qemu.qemu_user_addition", "netloom passes no extra QEMU arguments"),
            Map.entry("qemu.nic", "netloom's NICs are virtio-net-pci"),
            Map.entry("network.backend", "netloom's fabric is its own: taps joined by tc mirred, on one host"),
            Map.entry("network.backend.links", "MiniWorld reads the link model from network.links, so it ignored this one too"),
            Map.entry("network.links.interfaces", "netloom gives a node one interface per link"),
            Map.entry("network.links.configuration.nic_prefix", "netloom's interfaces are eth0, eth1, ..."),
            Map.entry("network.links.configuration.connectivity_check", "netloom's ping check has its own timing"),
            Map.entry("distributed", "netloom runs a lab on one host"),
            Map.entry("walk_model.filepath", "ARMA replays are not converted"));

    private final JsonNode root;
    private final String prefix;
    private final List<String> notes;
    private final Set<String> read = new HashSet<>();

    /** The keys of {@code root}, which is at {@code prefix} ("" for the scenario, "node_details.1." for a node's). */
    MiniWorldKeys(JsonNode root, String prefix, List<String> notes) {
        this.root = root;
        this.prefix = prefix;
        this.notes = notes;
        read.add("node_details"); // MiniWorldDetails reads it
    }

    /** The value at {@code path}, marked as read; null when absent or JSON null. */
    JsonNode node(String... path) {
        read.add(String.join(".", path));
        JsonNode n = root;
        for (String p : path) {
            n = n == null || !n.isObject() ? null : n.get(p);
        }
        return n == null || n.isNull() ? null : n;
    }

    boolean has(String... path) {
        return node(path) != null;
    }

    String text(String... path) {
        JsonNode n = node(path);
        if (n != null && !n.isTextual()) {
            throw new BadInputException(prefix + String.join(".", path) + " is " + n + "; MiniWorld expects a string there");
        }
        return n == null || n.asText().isEmpty() ? null : n.asText();
    }

    /** A list of strings, empty ones left out (MiniWorld's sample has [""]). */
    List<String> strings(List<String> path) {
        JsonNode n = node(path.toArray(String[]::new));
        List<String> out = new ArrayList<>();
        if (n == null) {
            return out;
        }
        if (!n.isArray()) {
            throw new BadInputException(prefix + String.join(".", path) + " is " + n + "; MiniWorld expects a list of shell commands");
        }
        for (JsonNode c : n) {
            if (!c.isTextual()) {
                throw new BadInputException(prefix + String.join(".", path) + " has " + c + "; each shell command is a string");
            }
            if (!c.asText().isBlank()) {
                out.add(c.asText());
            }
        }
        return out;
    }

    Long positiveLong(List<String> path) {
        JsonNode n = node(path.toArray(String[]::new));
        if (n == null) {
            return null;
        }
        if (!n.isIntegralNumber() || n.longValue() < 1) {
            throw new BadInputException(prefix + String.join(".", path) + " is " + n + "; MiniWorld expects a whole number above 0 (kbit/s)");
        }
        return n.longValue();
    }

    boolean flag(List<String> path, boolean absent) {
        JsonNode n = node(path.toArray(String[]::new));
        if (n == null) {
            return absent;
        }
        if (!n.isBoolean()) {
            throw new BadInputException(prefix + String.join(".", path) + " is " + n + "; MiniWorld expects true or false");
        }
        return n.booleanValue();
    }

    String choice(List<String> path, List<String> options, String absent) {
        String v = text(path.toArray(String[]::new));
        if (v == null) {
            return absent;
        }
        if (!options.contains(v)) {
            throw new BadInputException(prefix + String.join(".", path) + " is \"" + v + "\"; MiniWorld knows " + String.join(", ", options));
        }
        return v;
    }

    /** Notes every key with a value that nothing read, with the reason netloom leaves it out. */
    void ignored() {
        walk(root, "");
    }

    private void walk(JsonNode n, String path) {
        if (!path.isEmpty() && read.contains(path)) {
            return;
        }
        if (n.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                walk(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey());
            }
            return;
        }
        if (n.isNull() || (n.isTextual() && n.asText().isEmpty()) || (n.isContainerNode() && n.isEmpty())) {
            return;
        }
        String reason = REASONS.entrySet().stream().filter(r -> path.equals(r.getKey()) || path.startsWith(r.getKey() + "."))
                .max(java.util.Comparator.comparingInt(r -> r.getKey().length())).map(Map.Entry::getValue).orElse("netloom has no counterpart");
        notes.add(prefix + path + " = " + n + ": not converted (" + reason + ")");
    }
}

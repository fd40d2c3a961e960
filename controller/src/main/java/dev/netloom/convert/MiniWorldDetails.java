package dev.netloom.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * MiniWorld's "node_details": per-node overrides of the scenario's keys ({"1": {"qemu": {"ram": "64M"}}}).
 * A node's memory, image and shell commands become that node's; the rest is noted as not converted.
 */
final class MiniWorldDetails {

    private MiniWorldDetails() {
    }

    static void apply(JsonNode details, ArrayNode nodes, int count, boolean imageGiven, List<String> notes) {
        if (details == null || details.isNull()) {
            return;
        }
        if (!details.isObject()) {
            throw new dev.netloom.nodes.BadInputException("node_details is " + details + "; MiniWorld expects {\"1\": {...}} by node id");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = details.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String prefix = "node_details." + e.getKey() + ".";
            int id = e.getKey().matches("[1-9]\\d{0,3}") ? Integer.parseInt(e.getKey()) : -1;
            if (id < 1 || id > count || !e.getValue().isObject()) {
                notes.add(prefix.substring(0, prefix.length() - 1) + ": no node " + e.getKey() + " among the " + count + "; not converted");
                continue;
            }
            ObjectNode node = (ObjectNode) nodes.get(id - 1);
            MiniWorldKeys keys = new MiniWorldKeys(e.getValue(), prefix, notes);
            String ram = keys.text("qemu", "ram");
            if (ram != null) {
                node.put("memory", ram);
            }
            String image = keys.text("provisioning", "image");
            if (image != null) {
                if (imageGiven) {
                    notes.add(prefix + "provisioning.image \"" + image + "\": --image replaces it");
                } else {
                    notes.add(prefix + "provisioning.image \"" + image + "\": this node uses the scenario's image; give it its own in the output");
                }
            }
            List<String> commands = new ArrayList<>(keys.strings(List.of("provisioning", "shell", "pre_network_start", "shell_cmds")));
            commands.addAll(keys.strings(List.of("provisioning", "shell", "post_network_start", "shell_cmds")));
            if (!commands.isEmpty()) {
                ArrayNode c = node.putArray("commands");
                commands.forEach(c::add);
            }
            keys.ignored();
        }
    }
}

package dev.netloom.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.Json;
import dev.netloom.scenario.Names;
import dev.netloom.mobility.LinkModel;
import dev.netloom.mobility.World;
import dev.netloom.scenario.Scenario;
import dev.netloom.scenario.ScenarioLoader;
import java.util.HashMap;
import java.util.Map;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * A MiniWorld scenario (miniworld_core's sample_configs/scenario.json documents its keys) as a netloom
 * scenario: nodes n1..nN, the link-quality model, the [seconds, CORE file] topologies as steps (CORE's
 * links in MiniWorld's "lan" core mode, CORE's GPS positions in its "wifi" mode), memory, commands
 * and the connectivity check. Every key that has no netloom counterpart is listed in
 * {@link CoreImport.Result#notConverted} (and in the scenario's "notes"); nothing is dropped silently.
 * The mapping, key by key, is in docs/mobility.md.
 */
public final class MiniWorldImport {

    /** MiniWorld's link-quality model classes (the part after the last dot) and netloom's kinds. */
    static final List<String> RANGE_MODELS = List.of("LinkQualityModelRange");
    static final List<String> WIFI_MODELS = List.of("LinkQualityModelWiFi", "LinkQualityModelWiFiExponential");
    static final String DEFAULT_MODEL = "LinkQualityModelRange";

    /** How the converter finds the files a scenario names. */
    public interface Files {
        /** The CORE topology at {@code path} as the scenario wrote it. */
        CoreXml.Topology topology(String path);

        /** The lines of the shell command file at {@code path}. */
        List<String> commandFile(String path);
    }

    private final JsonNode in;
    private final List<String> notes = new ArrayList<>();
    private final MiniWorldKeys keys;

    private MiniWorldImport(JsonNode in) {
        this.in = in;
        this.keys = new MiniWorldKeys(in, "", notes);
    }

    /**
     * Converts {@code in}. {@code labName} and {@code image} override the scenario's (null: derived
     * from "scenario" and "provisioning.image").
     */
    public static CoreImport.Result convert(JsonNode in, String labName, String image, Files files) {
        if (in == null || !in.isObject()) {
            throw new BadInputException("a MiniWorld scenario is a JSON object with \"cnt_nodes\", \"provisioning\" and \"network\"");
        }
        return new MiniWorldImport(in).build(labName, image, files);
    }

    private CoreImport.Result build(String labName, String image, Files files) {
        ObjectNode s = Json.MAPPER.createObjectNode();
        String source = keys.text("scenario");
        s.put("name", labName != null ? checkedLab(labName) : labName(source));
        s.put("description", "Imported from the MiniWorld scenario " + (source != null ? "\"" + source + "\"" : "without a name")
                + " by `netloom import miniworld`; \"notes\" lists what was not converted.");
        int count = nodeCount();
        ObjectNode defaults = s.putObject("defaults").put("image", image(keys.text("provisioning", "image"), image));
        String ram = keys.text("qemu", "ram");
        if (ram != null) {
            defaults.put("memory", ram);
        }
        List<String> commands = new ArrayList<>(commands("pre_network_start", files));
        commands.addAll(commands("post_network_start", files));
        if (!commands.isEmpty()) {
            ArrayNode c = s.putArray("commands");
            commands.forEach(c::add);
            if (keys.has("provisioning", "shell", "pre_network_start")) {
                notes.add("provisioning.shell.pre_network_start: netloom runs these commands after it has addressed the interfaces,"
                        + " before the post_network_start ones; MiniWorld ran them before");
            }
        }
        ArrayNode nodes = s.putArray("nodes");
        for (int i = 1; i <= count; i++) {
            nodes.addObject().put("name", "n" + i);
        }
        MiniWorldDetails.apply(in.get("node_details"), nodes, count, image != null, notes);
        ObjectNode model = s.putObject("linkModel");
        linkModel(model);
        String mode = keys.choice(List.of("network", "backend", "connection_mode"), List.of("single", "multi"), "single");
        if (mode.equals("single")) {
            model.put("mode", "lan"); // MiniWorld's shared medium: one interface and one subnet, neighbours hear each other (each pair shaped by its sender)
        }
        steps(s, count, files);
        addressing(s);
        s.put("routing", "static");
        keys.ignored();
        if (!notes.isEmpty()) {
            ArrayNode n = s.putArray("notes");
            notes.forEach(n::add);
        }
        return new CoreImport.Result(s, List.copyOf(notes));
    }

    private static String checkedLab(String name) {
        if (!Names.LAB.matcher(name).matches()) {
            throw new BadInputException("lab name '" + name + "' is not valid (1-12 characters: lowercase letters, digits and '-', starting with a letter); give another --lab-name");
        }
        return name;
    }

    /** MiniWorld's scenario name made a lab name: lowercase, other characters '-', at most 12, starting with a letter. */
    private String labName(String scenario) {
        String n = scenario == null ? "" : scenario.toLowerCase().replaceAll("[^a-z0-9-]+", "-").replaceAll("^[^a-z]+", "");
        n = n.length() > 12 ? n.substring(0, 12) : n;
        n = n.replaceAll("-+$", "");
        if (n.isEmpty()) {
            n = "miniworld";
        }
        if (!n.equals(scenario)) {
            notes.add("scenario \"" + scenario + "\": the lab is named \"" + n + "\" (lab names are 1-12 lowercase letters, digits and '-'; --lab-name sets another)");
        }
        return n;
    }

    private int nodeCount() {
        JsonNode n = keys.node("cnt_nodes");
        if (n == null || !n.canConvertToInt() || !n.isIntegralNumber() || n.intValue() < 1) {
            throw new BadInputException("\"cnt_nodes\" is " + (n == null ? "missing" : n.toString()) + "; a MiniWorld scenario says how many nodes it has, e.g. \"cnt_nodes\": 5");
        }
        int most = dev.netloom.scenario.ScenarioLoader.MAX_INTERFACES + 1;
        if (n.intValue() > most) {
            throw new BadInputException("\"cnt_nodes\": " + n.intValue() + "; netloom plans a link for every pair of nodes under a link model, so at most " + most + " nodes");
        }
        return n.intValue();
    }

    /**
     * The nodes' image: {@code given} (--image), else a netloom image named after MiniWorld's image file
     * ("openwrt" for an OpenWrt file).
     */
    private String image(String path, String given) {
        if (path == null && given == null) {
            throw new BadInputException("\"provisioning.image\" is missing; MiniWorld needs one, and netloom's --image gives the image to use");
        }
        String name;
        if (given != null) {
            name = given;
            if (path != null) {
                notes.add("provisioning.image \"" + path + "\": replaced by --image " + given);
            }
        } else {
            String file = path.replaceFirst(".*/", "");
            name = file.toLowerCase().contains("openwrt") ? "openwrt"
                    : file.toLowerCase().replaceFirst("\\.(img|qcow2|raw)(\\.\\d+)?$", "").replaceAll("[^a-z0-9-]+", "-").replaceAll("^[^a-z]+", "");
            if (name.isEmpty()) {
                name = "openwrt";
            }
            notes.add("provisioning.image \"" + path + "\": nodes use netloom image \"" + name + "\" (import it with `netloom images import`,"
                    + " or give --image for one you have; MiniWorld's OpenWrt 15.05 images are no longer published)");
        }
        String prompt = keys.text("provisioning", "regex_shell_prompt");
        String boot = keys.text("provisioning", "regex_boot_completed");
        if (prompt != null || boot != null) {
            notes.add("provisioning.regex_shell_prompt/regex_boot_completed belong to the image in netloom: `netloom images import generic FILE --name "
                    + name + (boot != null ? " --boot-pattern '" + boot + "'" : "") + (prompt != null ? " --prompt '" + prompt + "'" : "") + "`");
        }
        return name;
    }

    /** MiniWorld's shell commands of one phase: the file's lines, then the list (empty strings skipped). */
    private List<String> commands(String phase, Files files) {
        List<String> out = new ArrayList<>();
        String file = keys.text("provisioning", "shell", phase, "shell_cmd_file_path");
        if (file != null) {
            for (String line : files.commandFile(file)) {
                if (!line.isBlank() && !line.strip().startsWith("#")) {
                    out.add(line.strip());
                }
            }
            notes.add("provisioning.shell." + phase + ".shell_cmd_file_path \"" + file + "\": each line became a command (netloom types one line at a time)");
        }
        out.addAll(keys.strings(List.of("provisioning", "shell", phase, "shell_cmds")));
        return out;
    }

    private void linkModel(ObjectNode model) {
        String cls = keys.text("network", "links", "model");
        String name = cls == null ? DEFAULT_MODEL : cls.replaceFirst(".*\\.", "");
        Long bandwidth = keys.positiveLong(List.of("network", "links", "bandwidth"));
        if (RANGE_MODELS.contains(name)) {
            model.put("kind", "range").put("mode", "links").put("range", 30);
            notes.add("link model LinkQualityModelRange: connected below 30 m (netloom: at 30 m too); no impairment");
            if (bandwidth != null) {
                notes.add("network.links.bandwidth: MiniWorld's range model does not use it; not converted");
            }
        } else if (WIFI_MODELS.contains(name)) {
            model.put("kind", "wifi-exponential").put("mode", "links").put("bandwidth", bandwidth != null ? bandwidth : 54000).put("step", 4).put("minBandwidth", 1000).put("jitter", 0.1);
            notes.add("link model " + name + ": MiniWorld's netem delay had a 25% jitter correlation; netloom's jitter has none");
        } else {
            throw new BadInputException("link model \"" + cls + "\" has no netloom counterpart; netloom has MiniWorld's LinkQualityModelRange and"
                    + " LinkQualityModelWiFiExponential (network.links.model)");
        }
    }

    /** "network.core": the topologies as steps, their seconds as timeline steps. */
    private void steps(ObjectNode s, int count, Files files) {
        String walk = keys.text("walk_model", "name");
        JsonNode tops = keys.node("network", "core", "topologies");
        if (walk == null || !walk.equals("core")) {
            if (walk != null) {
                notes.add("walk_model \"" + walk + "\" (" + (walk.equals("arma") ? "a replay of an ARMA file" : "walking the Marburg street map")
                        + ") is not converted; netloom has a seeded random walk in a rectangle: add a \"walk\" timeline event (docs/mobility.md)");
            } else {
                notes.add("no walk_model: the nodes have no positions, so no link is up until they move (as in MiniWorld)");
            }
            JsonNode core = keys.node("network", "core");
            if (core != null && !core.isEmpty()) {
                notes.add("network.core = " + core + ": not converted (MiniWorld uses it only with \"walk_model\": {\"name\": \"core\"})");
            }
            return;
        }
        if (tops == null || !tops.isArray() || tops.isEmpty()) {
            throw new BadInputException("walk_model \"core\" needs \"network.core.topologies\": [[seconds, \"topology.xml\"], ...]");
        }
        boolean lan = keys.choice(List.of("network", "core", "mode"), List.of("lan", "wifi"), "wifi").equals("lan");
        ArrayNode steps = s.putArray("steps");
        List<Long> seconds = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (JsonNode t : tops) {
            if (!t.isArray() || t.size() != 2 || !t.get(1).isTextual() || seconds(t.get(0)) < 0) {
                throw new BadInputException("network.core.topologies has " + t + "; each entry is [seconds, \"topology.xml\"]");
            }
            seconds.add(seconds(t.get(0)));
            CoreXml.Topology topo = files.topology(t.get(1).asText());
            String name = t.get(1).asText().replaceFirst(".*/", "").replaceFirst("\\.xml$", "");
            String unique = name;
            for (int k = 2; !names.add(unique); k++) {
                unique = name + "-" + k;
            }
            ObjectNode step = steps.addObject().put("name", unique);
            if (lan) {
                MiniWorldTopology.links(step.putArray("links"), topo, count, notes);
            } else {
                MiniWorldTopology.positions(step.putObject("positions"), topo, count, notes);
            }
        }
        if (lan) {
            notes.add("network.core.mode \"lan\": CORE's links connect the nodes (the model at 1 m in MiniWorld: " + (s.path("linkModel").path("kind").asText().equals("range")
                    ? "no impairment, as in netloom)" : "54 Mbit/s and 1 ms; netloom's step links have no impairment)"));
        } else {
            notes.add("network.core.mode \"wifi\": the nodes stand where CORE's GPS points put them, projected onto metres around the first node"
                    + " (MiniWorld measured great-circle distances)");
        }
        timeline(s, seconds);
    }

    private static long seconds(JsonNode t) {
        if (t.isIntegralNumber()) {
            return t.longValue();
        }
        if (t.isTextual() && t.asText().matches("\\d{1,9}")) {
            return Long.parseLong(t.asText());
        }
        return -1;
    }

    /** MiniWorld stays on a topology for its seconds, then takes the next; all zeros: stepped by hand (`netloom step`). */
    private void timeline(ObjectNode s, List<Long> seconds) {
        if (keys.flag(List.of("network", "core", "loop"), false)) {
            notes.add("network.core.loop: netloom goes through the steps once and stays on the last; `netloom step --to 1` starts again");
        }
        if (seconds.stream().allMatch(t -> t == 0)) {
            notes.add("network.core.topologies: every topology lasts 0 s, so the steps advance by hand: `netloom step` (MiniWorld's `mwcli step`)");
            return;
        }
        ArrayNode events = s.putArray("timeline");
        long at = 0;
        for (int i = 0; i + 1 < seconds.size(); i++) {
            at += seconds.get(i);
            events.addObject().put("at", at + "s").put("step", i + 2);
        }
        notes.add("network.core.topologies: step k starts after the seconds of the topologies before it (MiniWorld counted them in its run loop's steps)");
    }

    /** MiniWorld's IP provisioner as netloom's pool: its base network, netloom's own prefixes per link. */
    private void addressing(ObjectNode s) {
        if (!keys.flag(List.of("network", "links", "configuration", "auto_ipv4"), true)) {
            notes.add("network.links.configuration.auto_ipv4 false: netloom addresses every link anyway");
        }
        String base = keys.text("network", "links", "configuration", "ip_provisioner", "base_network_cidr");
        s.putObject("addressing").put("pool", base != null ? base : "10.0.0.0/8");
        keys.text("network", "links", "configuration", "ip_provisioner", "name");
        if (keys.has("network", "links", "configuration", "ip_provisioner", "prefixlen") || keys.has("network", "links", "configuration", "ip_provisioner", "name")) {
            notes.add("network.links.configuration.ip_provisioner name/prefixlen: netloom gives " + (s.path("linkModel").path("mode").asText().equals("lan")
                    ? "the shared medium one /24 from the pool" : "each link its own small subnet from the pool"));
        }
        if (keys.flag(List.of("network", "links", "configuration", "connectivity_check", "enabled"), true)) {
            if (connectedAtStart(s)) {
                s.putArray("checks").addObject().put("ping", "all");
                notes.add("network.links.configuration.connectivity_check: a \"ping all\" check (MiniWorld pinged each node's neighbours)");
            } else {
                notes.add("network.links.configuration.connectivity_check: not converted, the first topology leaves nodes apart and netloom's"
                        + " \"ping all\" would fail (MiniWorld pinged each node's neighbours)");
            }
        }
    }

    /** Whether the links up at the start join every node (the scenario as written so far, loaded). */
    private static boolean connectedAtStart(ObjectNode s) {
        Scenario loaded;
        try {
            loaded = new ScenarioLoader(img -> true).load(Json.PRETTY.writeValueAsString(s), "the converted scenario");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        Map<String, String> parent = new HashMap<>();
        loaded.nodes().forEach(n -> parent.put(n.name(), n.name()));
        Scenario.Mobility m = loaded.mobility();
        Map<String, LinkModel.Quality> start = World.qualities(m.model(), m.pairs(), m.positions(), m.steps().isEmpty() ? null : m.steps().get(0).connected());
        for (World.Pair p : m.pairs()) { // links, or neighbours on the medium in lan mode
            if (start.get(p.link()).up()) {
                parent.put(root(parent, p.a()), root(parent, p.b()));
            }
        }
        return parent.keySet().stream().map(n -> root(parent, n)).distinct().count() <= 1;
    }

    private static String root(Map<String, String> parent, String n) {
        while (!parent.get(n).equals(n)) {
            n = parent.get(n);
        }
        return n;
    }
}

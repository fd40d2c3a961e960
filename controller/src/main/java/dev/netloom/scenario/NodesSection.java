package dev.netloom.scenario;

import dev.netloom.scenario.Scenario.Defaults;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads "defaults" and "nodes", and merges the listed nodes with the generated ones into the lab's
 * node list, registering every node name for the references of later sections.
 */
final class NodesSection {

    static final List<String> DEFAULTS_KEYS = List.of("image", "memory", "cpus", "fork");
    static final List<String> NODE_KEYS = List.of("name", "image", "memory", "cpus", "commands", "files", "fork", "position");

    /** A node as read; null settings come from the defaults. {@code at} is its /nodes entry or its generator. */
    record NodeIn(String name, SourceValue at, String image, SourceValue imageAt, Integer memoryMiB, Integer cpus,
                  List<String> commands, List<FilesSection.FileIn> files, Boolean fork) {
    }

    private NodesSection() {
    }

    static Defaults defaults(SourceValue at) {
        if (at == null) {
            return Defaults.BUILT_IN;
        }
        at.object("the defaults", DEFAULTS_KEYS);
        Defaults builtIn = Defaults.BUILT_IN;
        return new Defaults(
                at.get("image") != null ? NameRules.image(at.get("image")) : builtIn.image(),
                at.get("memory") != null ? ValueRules.memory(at.get("memory")) : builtIn.memoryMiB(),
                at.get("cpus") != null ? ValueRules.cpus(at.get("cpus")) : builtIn.cpus(),
                at.get("fork") != null ? Boolean.valueOf(ValueRules.flag(at.get("fork"), "fork")) : builtIn.fork());
    }

    /** The "nodes" list: names, or objects with a name and settings; names are unique. */
    static List<NodeIn> listed(SourceValue at, java.nio.file.Path baseDir) {
        if (at == null) {
            return List.of();
        }
        List<NodeIn> out = new ArrayList<>();
        Map<String, SourceValue> seen = new HashMap<>();
        for (SourceValue el : at.elements("nodes (names or {\"name\": ...} objects)")) {
            NodeIn node;
            if (el.isString()) {
                node = new NodeIn(NameRules.node(el), el, null, null, null, null, List.of(), List.of(), null);
            } else {
                el.object("a node", NODE_KEYS);
                SourceValue nameAt = el.require("name", "add \"name\": \"a\" (" + NameRules.NODE_RULE + ")");
                node = new NodeIn(NameRules.node(nameAt), el,
                        el.get("image") != null ? NameRules.image(el.get("image")) : null, el.get("image"),
                        el.get("memory") != null ? ValueRules.memory(el.get("memory")) : null,
                        el.get("cpus") != null ? ValueRules.cpus(el.get("cpus")) : null,
                        CommandRules.list(el.get("commands")), FilesSection.read(el.get("files"), baseDir),
                        el.get("fork") != null ? ValueRules.flag(el.get("fork"), "fork") : null);
            }
            SourceValue first = seen.putIfAbsent(node.name(), el);
            if (first != null) {
                throw nameOf(el).error("duplicate node name \"" + node.name() + "\" (also at " + first.pointer()
                        + "); node names must be unique");
            }
            out.add(node);
        }
        return out;
    }

    private static SourceValue nameOf(SourceValue node) {
        return node.isObject() && node.get("name") != null ? node.get("name") : node;
    }

    /**
     * Listed nodes first, then generated ones; a listed node of a generated name gives that node its
     * settings. Every node is registered in {@code refs}.
     */
    static List<NodeIn> merge(List<NodeIn> listed, List<GenerateSection.GeneratedIn> generated, CrossChecks refs) {
        List<NodeIn> out = new ArrayList<>(listed);
        listed.forEach(n -> refs.addNode(n.name(), n.at()));
        Map<String, SourceValue> generatedBy = new HashMap<>();
        for (GenerateSection.GeneratedIn g : generated) {
            for (String name : g.result().nodes()) {
                SourceValue other = generatedBy.putIfAbsent(name, g.at());
                if (other != null) {
                    throw g.at().error("node \"" + name + "\" is generated twice (also by " + (other.pointer().isEmpty() ? "/" : other.pointer())
                            + "); give each generator its own \"prefix\"");
                }
                if (!refs.hasNode(name)) {
                    refs.addNode(name, g.at());
                    out.add(new NodeIn(name, g.at(), null, null, null, null, List.of(), List.of(), null));
                }
            }
        }
        return out;
    }

    /** The scenario's node: the node's own settings, else the defaults. */
    static Scenario.NodeDef resolve(NodeIn n, Defaults defaults) {
        return new Scenario.NodeDef(n.name(),
                n.image() != null ? n.image() : defaults.image(),
                n.memoryMiB() != null ? n.memoryMiB() : defaults.memoryMiB(),
                n.cpus() != null ? n.cpus() : defaults.cpus(),
                n.commands(), n.files().stream().map(FilesSection.FileIn::file).toList(),
                n.fork() != null ? n.fork() : defaults.fork());
    }
}

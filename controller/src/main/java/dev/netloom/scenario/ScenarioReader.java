package dev.netloom.scenario;

import dev.netloom.scenario.GenerateSection.GeneratedIn;
import dev.netloom.scenario.LansSection.LanIn;
import dev.netloom.scenario.LinksSection.LinkIn;
import dev.netloom.scenario.NodesSection.NodeIn;
import dev.netloom.scenario.Scenario.Defaults;
import dev.netloom.scenario.Scenario.LanDef;
import dev.netloom.scenario.Scenario.LinkDef;
import dev.netloom.scenario.Scenario.NodeDef;
import dev.netloom.scenario.Scenario.TimelineEvent;
import dev.netloom.scenario.TimelineSection.EventIn;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps one JSON tree to a {@link Scenario}: reads the top level, hands each section to its reader
 * ({@link NodesSection}, {@link GenerateSection}, {@link LinksSection}, {@link LansSection},
 * {@link MobilitySection}, {@link AddressingSection}, {@link TimelineSection}, {@link ChecksSection}) and the checks between
 * sections to {@link CrossChecks}, in the order that makes the first error of a file the first one
 * found in it. One instance per load; not thread-safe.
 */
final class ScenarioReader {

    static final List<String> TOP_KEYS = List.of("$schema", "version", "name", "description", "defaults", "nodes", "links",
            "lans", "generate", "addressing", "routing", "commands", "timeline", "checks", "duration", "ksm", "capture", "linkModel", "steps", "origin", "notes");

    private final JsonDoc doc;
    private final ImageCheck images;
    private final java.nio.file.Path baseDir;
    private final CrossChecks refs = new CrossChecks();

    /** @param baseDir the scenario file's directory (node files' "src" are inside it), or null for text without a file */
    ScenarioReader(JsonDoc doc, ImageCheck images, java.nio.file.Path baseDir) {
        this.doc = doc;
        this.images = images;
        this.baseDir = baseDir;
    }

    Scenario read() {
        SourceValue root = doc.root().object("a scenario", TOP_KEYS);
        checkHeader(root);
        String name = NameRules.lab(root.require("name", "add \"name\": \"lab1\" (the lab name: " + NameRules.LAB_RULE + ")"));

        SourceValue defaultsAt = root.get("defaults");
        Defaults defaults = NodesSection.defaults(defaultsAt);
        List<NodeIn> listed = NodesSection.listed(root.get("nodes"), baseDir);
        List<GeneratedIn> generated = GenerateSection.read(root.get("generate"));
        List<NodeIn> nodes = NodesSection.merge(listed, generated, refs);
        checkNodeCount(root, nodes.size());

        List<LinkIn> links = LinksSection.read(root.get("links"), generated, refs);
        List<LanIn> lans = LansSection.read(root.get("lans"), refs);
        MobilitySection.ModelIn model = MobilitySection.read(root, refs);
        if (model != null) {
            if (root.get("lans") != null) {
                throw root.get("lans").keyError("a scenario with a \"linkModel\" gets its links (or its medium, in lan mode) from the model; remove \"lans\"");
            }
            if (model.lan()) {
                lans = List.of(MobilitySection.medium(model, links.isEmpty() ? null : root.get("links") != null ? root.get("links") : root.get("generate"),
                        refs.nodeNames()));
            } else {
                links = MobilitySection.allPairs(model, links, refs.nodeNames());
            }
        }
        List<String> linkNames = SegmentNaming.linkNames(links, lans);
        if (model != null && !model.lan()) {
            links = MobilitySection.atStart(model, links, linkNames);
        }
        if (model != null) {
            refs.model = model;
        }
        List<LinkDef> linkDefs = new ArrayList<>();
        for (int i = 0; i < links.size(); i++) {
            LinkIn l = links.get(i);
            linkDefs.add(new LinkDef(linkNames.get(i), l.a().endpoint(), l.b().endpoint(), l.aToB(), l.bToA(), l.startsDown()));
        }
        List<LanDef> lanDefs = lans.stream().map(LansSection::def).toList();
        refs.addSegments(links, linkNames, linkDefs, lans, lanDefs);

        Scenario.Addressing addressing = AddressingSection.addressing(root.get("addressing"), nodes.size());
        Scenario.Routing routing = AddressingSection.routing(root.get("routing"));
        List<String> commands = CommandRules.list(root.get("commands"));
        Duration duration = duration(root.get("duration"));
        boolean ksm = ksm(root.get("ksm"));
        List<EventIn> events = TimelineSection.read(root.get("timeline"), refs, addressing);
        refs.replayTimeline(events);
        List<TimelineEvent> timeline = events.stream().map(EventIn::event).toList();
        List<Check> checks = ChecksSection.read(root.get("checks"), refs, addressing);
        Scenario.Capture capture = CaptureSection.read(root.get("capture"));

        refs.checkInterfaces();
        refs.checkFiles(nodes, addressing);
        refs.checkAddresses(addressing);
        List<NodeDef> nodeDefs = nodes.stream().map(n -> NodesSection.resolve(n, defaults)).toList();
        Scenario.Mobility mobility = model == null ? null
                : model.lan() ? new Scenario.Mobility(model.model(), model.positions(), MobilitySection.mediumPairs(refs.nodeNames()), model.steps(),
                        MobilitySection.MEDIUM)
                : new Scenario.Mobility(model.model(), model.positions(), MobilitySection.pairs(links, linkNames), model.steps(), null);
        Scenario scenario = new Scenario(name, defaults, nodeDefs, linkDefs, lanDefs, addressing, routing, commands, timeline,
                checks, duration, ksm, capture, mobility);
        refs.checkPool(scenario, root);
        refs.checkImages(images, nodes, defaults, defaultsAt, root);
        return scenario;
    }

    /** "version" (1 or absent), "description" and "$schema" (strings): checked, not kept. */
    private static void checkHeader(SourceValue root) {
        SourceValue version = root.get("version");
        if (version != null && (!version.node().isIntegralNumber() || version.node().longValue() != 1)) {
            throw version.error("unsupported version " + version.node() + "; this netloom reads version 1 files: write \"version\": 1 or leave it out");
        }
        SourceValue description = root.get("description");
        if (description != null) {
            description.text("a description");
        }
        SourceValue notes = root.get("notes");
        if (notes != null) {
            notes.elements("notes (strings)").forEach(n -> n.text("a note"));
        }
        SourceValue schema = root.get("$schema");
        if (schema != null) {
            schema.text("a schema URL");
        }
    }

    private static void checkNodeCount(SourceValue root, int count) {
        if (count == 0) {
            SourceValue at = root.get("nodes") != null ? root.get("nodes") : root;
            throw at.error("the scenario has no nodes; list them in \"nodes\": [\"a\", \"b\"] or add a \"generate\" object");
        }
        if (count > ScenarioLoader.MAX_NODES) {
            SourceValue at = root.get("generate") != null ? root.get("generate") : root.get("nodes");
            throw at.error("the scenario has " + count + " nodes; netloom runs at most " + ScenarioLoader.MAX_NODES
                    + " nodes per lab; make it smaller");
        }
    }

    /** "ksm": true (the default) or false, which keeps the host's same-page merging away from this lab's nodes. */
    private static boolean ksm(SourceValue at) {
        if (at == null) {
            return true;
        }
        if (!at.node().isBoolean()) {
            throw at.error("expected true or false, found " + at.node() + ": \"ksm\": false keeps KSM from merging the nodes' memory");
        }
        return at.node().booleanValue();
    }

    /** "duration": above 0, or absent (run until the timeline ends). */
    private static Duration duration(SourceValue at) {
        if (at == null) {
            return null;
        }
        Duration duration = ValueRules.duration(at);
        if (duration.isZero()) {
            throw at.error("duration must be above 0; leave it out to run until the timeline ends");
        }
        return duration;
    }
}

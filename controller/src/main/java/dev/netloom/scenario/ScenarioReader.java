package dev.netloom.scenario;

import dev.netloom.scenario.Generators.Shape;
import dev.netloom.scenario.Scenario.Check;
import dev.netloom.scenario.Scenario.Defaults;
import dev.netloom.scenario.Scenario.Endpoint;
import dev.netloom.scenario.Scenario.LanDef;
import dev.netloom.scenario.Scenario.LinkDef;
import dev.netloom.scenario.Scenario.NodeDef;
import dev.netloom.scenario.Scenario.TimelineEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Maps one located JSON tree to a {@link Scenario}, checking as it goes: types, keys, names, cross
 * references, limits, addresses and images. One instance per load; not thread-safe.
 */
final class ScenarioReader {

    static final List<String> IMPAIRMENT_KEYS = List.of("delay", "jitter", "loss", "rate", "duplicate", "corrupt", "reorder");
    static final List<String> TOP_KEYS = List.of("$schema", "version", "name", "description", "defaults", "nodes", "links",
            "lans", "generate", "addressing", "routing", "commands", "timeline", "checks", "duration");
    static final List<String> DEFAULTS_KEYS = List.of("image", "memory", "cpus");
    static final List<String> NODE_KEYS = List.of("name", "image", "memory", "cpus", "commands");
    static final List<String> LINK_KEYS = concat(List.of("name", "between", "endpoints", "impairment"), IMPAIRMENT_KEYS);
    static final List<String> ENDPOINT_KEYS = List.of("node", "address");
    static final List<String> LAN_KEYS = concat(List.of("name", "members"), IMPAIRMENT_KEYS);
    static final List<String> GENERATE_KEYS = concat(
            List.of("topology", "nodes", "rows", "columns", "prefix", "seed", "probability", "degree", "branching"), IMPAIRMENT_KEYS);
    static final List<String> TIMELINE_KEYS = List.of("at", "link", "node", "direction", "set", "state", "exec", "action");
    static final List<String> ACTIONS = List.of("stop", "start", "restart");
    static final int MAX_CPUS = 64;
    static final int MAX_PING_COUNT = 100;
    static final int DEFAULT_PING_COUNT = 3;

    private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9-]*");

    private final JsonDoc doc;
    private final ImageCheck images;

    /** Node name -> where it was defined (a /nodes entry or a /generate object). */
    private final Map<String, SourceValue> nodeOrigins = new LinkedHashMap<>();
    /** Link and LAN name -> its object, for duplicate and timeline errors. */
    private final Map<String, SourceValue> segmentOrigins = new LinkedHashMap<>();

    ScenarioReader(JsonDoc doc, ImageCheck images) {
        this.doc = doc;
        this.images = images;
    }

    // ---------------------------------------------------------------- the document

    Scenario read() {
        SourceValue root = doc.root().object("a scenario", TOP_KEYS);
        SourceValue version = root.get("version");
        if (version != null && (!version.node().isIntegralNumber() || version.node().longValue() != 1)) {
            throw version.error("unsupported version " + version.node() + "; this netloom reads version 1 files: write \"version\": 1 or leave it out");
        }
        SourceValue description = root.get("description");
        if (description != null) {
            description.text("a description");
        }
        SourceValue schema = root.get("$schema");
        if (schema != null) {
            schema.text("a schema URL");
        }
        String name = NameRules.lab(root.require("name", "add \"name\": \"lab1\" (the lab name: " + NameRules.LAB_RULE + ")"));

        SourceValue defaultsAt = root.get("defaults");
        Defaults defaults = defaults(defaultsAt);

        List<NodeIn> listed = listedNodes(root.get("nodes"));
        List<GeneratedIn> generated = generated(root.get("generate"));
        List<NodeIn> nodes = mergeNodes(listed, generated);
        if (nodes.isEmpty()) {
            SourceValue at = root.get("nodes") != null ? root.get("nodes") : root;
            throw at.error("the scenario has no nodes; list them in \"nodes\": [\"a\", \"b\"] or add a \"generate\" object");
        }
        if (nodes.size() > ScenarioLoader.MAX_NODES) {
            SourceValue at = root.get("generate") != null ? root.get("generate") : root.get("nodes");
            throw at.error("the scenario has " + nodes.size() + " nodes; netloom runs at most " + ScenarioLoader.MAX_NODES
                    + " nodes per lab; make it smaller");
        }

        List<LinkIn> links = new ArrayList<>(listedLinks(root.get("links")));
        for (GeneratedIn g : generated) {
            for (Generators.Edge e : g.result().edges()) {
                links.add(new LinkIn(g.at(), null, null, new EndIn(e.a(), null, g.at(), null), new EndIn(e.b(), null, g.at(), null),
                        g.impairment(), Imp.NONE, Imp.NONE));
            }
        }
        List<LanIn> lans = lans(root.get("lans"));
        List<String> linkNames = nameSegments(links, lans);

        List<LinkDef> linkDefs = new ArrayList<>();
        for (int i = 0; i < links.size(); i++) {
            LinkIn l = links.get(i);
            linkDefs.add(new LinkDef(linkNames.get(i), l.a().endpoint(), l.b().endpoint(), l.aToB(), l.bToA()));
        }
        List<LanDef> lanDefs = lans.stream()
                .map(l -> new LanDef(l.name(), l.members().stream().map(EndIn::endpoint).toList(), l.impairment().value()))
                .toList();

        Scenario.Addressing addressing = addressing(root.get("addressing"));
        Scenario.Routing routing = routing(root.get("routing"));
        List<String> commands = CommandRules.list(root.get("commands"));
        Duration duration = null;
        if (root.get("duration") != null) {
            duration = duration(root.get("duration"));
            if (duration.isZero()) {
                throw root.get("duration").error("duration must be above 0; leave it out to run until the timeline ends");
            }
        }
        Map<String, LinkDef> linkByName = new LinkedHashMap<>();
        linkDefs.forEach(l -> linkByName.put(l.name(), l));
        Map<String, LanDef> lanByName = new LinkedHashMap<>();
        lanDefs.forEach(l -> lanByName.put(l.name(), l));
        List<TimelineEvent> timeline = timeline(root.get("timeline"), linkByName, lanByName, links, linkNames);
        List<Check> checks = checks(root.get("checks"));

        checkInterfaces(links, lans);
        checkAddresses(links, lans, linkNames);

        List<NodeDef> nodeDefs = nodes.stream().map(n -> new NodeDef(n.name(),
                n.image() != null ? n.image() : defaults.image(),
                n.memoryMiB() != null ? n.memoryMiB() : defaults.memoryMiB(),
                n.cpus() != null ? n.cpus() : defaults.cpus(),
                n.commands())).toList();
        Scenario scenario = new Scenario(name, defaults, nodeDefs, linkDefs, lanDefs, addressing, routing, commands, timeline,
                checks, duration);
        checkPool(scenario, root);
        checkImages(nodes, defaults, defaultsAt, root);
        return scenario;
    }

    // ---------------------------------------------------------------- nodes

    private record NodeIn(String name, SourceValue at, String image, SourceValue imageAt, Integer memoryMiB, Integer cpus,
                          List<String> commands) {
    }

    private record GeneratedIn(SourceValue at, Generators.Generated result, Imp impairment) {
    }

    private Defaults defaults(SourceValue at) {
        if (at == null) {
            return Defaults.BUILT_IN;
        }
        at.object("the defaults", DEFAULTS_KEYS);
        Defaults builtIn = Defaults.BUILT_IN;
        return new Defaults(
                at.get("image") != null ? NameRules.image(at.get("image")) : builtIn.image(),
                at.get("memory") != null ? memory(at.get("memory")) : builtIn.memoryMiB(),
                at.get("cpus") != null ? cpus(at.get("cpus")) : builtIn.cpus());
    }

    private List<NodeIn> listedNodes(SourceValue at) {
        if (at == null) {
            return List.of();
        }
        List<NodeIn> out = new ArrayList<>();
        Map<String, SourceValue> seen = new HashMap<>();
        for (SourceValue el : at.elements("nodes (names or {\"name\": ...} objects)")) {
            NodeIn node;
            if (el.isString()) {
                node = new NodeIn(NameRules.node(el), el, null, null, null, null, List.of());
            } else {
                el.object("a node", NODE_KEYS);
                SourceValue nameAt = el.require("name", "add \"name\": \"a\" (" + NameRules.NODE_RULE + ")");
                node = new NodeIn(NameRules.node(nameAt), el,
                        el.get("image") != null ? NameRules.image(el.get("image")) : null, el.get("image"),
                        el.get("memory") != null ? memory(el.get("memory")) : null,
                        el.get("cpus") != null ? cpus(el.get("cpus")) : null,
                        CommandRules.list(el.get("commands")));
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

    private List<GeneratedIn> generated(SourceValue at) {
        if (at == null) {
            return List.of();
        }
        List<SourceValue> specs = at.isArray() ? at.elements("generators ({\"topology\": ...} objects)") : List.of(at);
        List<GeneratedIn> out = new ArrayList<>();
        for (SourceValue spec : specs) {
            out.add(generator(spec));
        }
        return out;
    }

    private GeneratedIn generator(SourceValue at) {
        at.object("a generator", GENERATE_KEYS);
        SourceValue topologyAt = at.require("topology", "add \"topology\": one of " + String.join(", ", Shape.keys()));
        String key = topologyAt.text("a topology");
        Shape topology = Shape.keys().contains(key) ? Shape.valueOf(key.toUpperCase(Locale.ROOT)) : null;
        if (topology == null) {
            throw topologyAt.error("unknown topology \"" + key + "\"; topologies are " + String.join(", ", Shape.keys()));
        }
        List<String> own = switch (topology) {
            case GRID -> List.of("rows", "columns");
            case TREE -> List.of("branching");
            case RANDOM -> List.of("seed", "probability", "degree");
            default -> List.of();
        };
        at.object("a " + key + " generator", concat(concat(List.of("topology", "nodes", "prefix"), own), IMPAIRMENT_KEYS));

        int nodes;
        int rows = 0;
        int columns = 0;
        if (topology == Shape.GRID) {
            rows = (int) at.require("rows", "a grid needs \"rows\" and \"columns\"").integer("rows", 1, ScenarioLoader.MAX_NODES);
            columns = (int) at.require("columns", "a grid needs \"rows\" and \"columns\"").integer("columns", 1, ScenarioLoader.MAX_NODES);
            nodes = rows * columns;
            if (nodes > ScenarioLoader.MAX_NODES) {
                throw at.error("a " + rows + "x" + columns + " grid has " + nodes + " nodes; netloom runs at most "
                        + ScenarioLoader.MAX_NODES + " nodes per lab");
            }
            if (nodes < 2) {
                throw at.error("a 1x1 grid has no links; use at least 2 nodes");
            }
            SourceValue n = at.get("nodes");
            if (n != null && n.integer("nodes", 1, ScenarioLoader.MAX_NODES) != nodes) {
                throw n.error("\"nodes\" is " + n.node() + " but rows x columns is " + nodes + "; leave \"nodes\" out for a grid");
            }
        } else {
            nodes = (int) at.require("nodes", "add \"nodes\": the node count, e.g. \"nodes\": 4")
                    .integer("nodes", Generators.minimumNodes(topology), ScenarioLoader.MAX_NODES);
        }

        String prefix = "n";
        SourceValue prefixAt = at.get("prefix");
        if (prefixAt != null) {
            prefix = prefixAt.text("a name prefix");
            if (!PREFIX.matcher(prefix).matches()) {
                throw prefixAt.error("invalid prefix \"" + prefix + "\"; use lowercase letters, digits and '-', starting with a letter");
            }
        }
        String last = prefix + nodes;
        if (!Names.NODE.matcher(last).matches()) {
            throw (prefixAt != null ? prefixAt : at).error("prefix \"" + prefix + "\" makes node names such as \"" + last
                    + "\" longer than 15 characters; use a shorter prefix");
        }

        int branching = topology == Shape.TREE && at.get("branching") != null
                ? (int) at.get("branching").integer("branching", 1, ScenarioLoader.MAX_INTERFACES - 1) : 2;
        Double probability = null;
        Double degree = null;
        Long seed = null;
        if (topology == Shape.RANDOM) {
            seed = at.require("seed", "a random topology needs a seed so that it is the same graph every run; add \"seed\": 1")
                    .integer("seed", Long.MIN_VALUE, Long.MAX_VALUE);
            if (at.get("probability") != null && at.get("degree") != null) {
                throw at.get("degree").keyError("give \"probability\" or \"degree\", not both");
            }
            if (at.get("probability") != null) {
                probability = at.get("probability").number("probability", 0, 1);
            }
            if (at.get("degree") != null) {
                degree = at.get("degree").number("degree", 0, nodes - 1);
            }
        }
        Imp impairment = impairment(at);
        checkNeedsDelay(impairment.value(), impairment);
        Generators.Spec spec = new Generators.Spec(topology, nodes, rows, columns, prefix, branching, probability, degree, seed);
        Generators.Generated result = Generators.generate(spec);
        result.nodes().forEach(n -> NameRules.checkNotReserved(n, prefixAt != null ? prefixAt : at));
        return new GeneratedIn(at, result, impairment);
    }

    /** Listed nodes first, then generated ones; a listed node of a generated name gives that node its settings. */
    private List<NodeIn> mergeNodes(List<NodeIn> listed, List<GeneratedIn> generated) {
        List<NodeIn> out = new ArrayList<>(listed);
        listed.forEach(n -> nodeOrigins.put(n.name(), n.at()));
        Map<String, SourceValue> generatedBy = new HashMap<>();
        for (GeneratedIn g : generated) {
            for (String name : g.result().nodes()) {
                SourceValue other = generatedBy.putIfAbsent(name, g.at());
                if (other != null) {
                    throw g.at().error("node \"" + name + "\" is generated twice (also by " + (other.pointer().isEmpty() ? "/" : other.pointer())
                            + "); give each generator its own \"prefix\"");
                }
                if (!nodeOrigins.containsKey(name)) {
                    nodeOrigins.put(name, g.at());
                    out.add(new NodeIn(name, g.at(), null, null, null, null, List.of()));
                }
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- links and LANs

    /** One end of a link or LAN membership, with where it was written. */
    private record EndIn(String node, String address, SourceValue at, SourceValue addressAt) {
        Endpoint endpoint() {
            return new Endpoint(node, address);
        }
    }

    private record LinkIn(SourceValue at, String explicitName, SourceValue nameAt, EndIn a, EndIn b, Imp symmetric, Imp aToBOnly,
                          Imp bToAOnly) {

        Impairment aToB() {
            return symmetric.value().merge(aToBOnly.value());
        }

        Impairment bToA() {
            return symmetric.value().merge(bToAOnly.value());
        }

        List<EndIn> ends() {
            return List.of(a, b);
        }
    }

    private record LanIn(SourceValue at, String name, SourceValue nameAt, List<EndIn> members, Imp impairment) {
    }

    private List<LinkIn> listedLinks(SourceValue at) {
        if (at == null) {
            return List.of();
        }
        List<LinkIn> out = new ArrayList<>();
        for (SourceValue el : at.elements("links ({\"between\": [\"a\", \"b\"]} objects)")) {
            el.object("a link", LINK_KEYS);
            String name = null;
            if (el.get("name") != null) {
                name = NameRules.link(el.get("name"), "link");
            }
            SourceValue between = el.get("between");
            SourceValue endpoints = el.get("endpoints");
            if (between != null && endpoints != null) {
                throw endpoints.keyError("a link has \"between\" or \"endpoints\", not both; keep one");
            }
            if (between == null && endpoints == null) {
                throw el.error("missing \"between\" or \"endpoints\"; add \"between\": [\"a\", \"b\"]");
            }
            SourceValue ends = between != null ? between : endpoints;
            List<SourceValue> items = ends.elements(between != null ? "two node names" : "two endpoints");
            if (items.size() != 2) {
                throw ends.error("a link has exactly 2 ends, found " + items.size() + "; to join more nodes use a LAN in \"lans\"");
            }
            EndIn a = between != null ? new EndIn(nodeRef(items.get(0)), null, items.get(0), null) : endpoint(items.get(0));
            EndIn b = between != null ? new EndIn(nodeRef(items.get(1)), null, items.get(1), null) : endpoint(items.get(1));
            if (a.node().equals(b.node())) {
                throw b.at().error("link from \"" + a.node() + "\" to itself; a link joins two different nodes");
            }
            Imp symmetric = impairment(el);
            Imp aToB = Imp.NONE;
            Imp bToA = Imp.NONE;
            SourceValue perDirection = el.get("impairment");
            if (perDirection != null) {
                String ab = a.node() + "->" + b.node();
                String ba = b.node() + "->" + a.node();
                perDirection.object("per-direction impairments", List.of(ab, ba));
                if (perDirection.get(ab) != null) {
                    aToB = impairment(perDirection.get(ab).object("an impairment", IMPAIRMENT_KEYS));
                }
                if (perDirection.get(ba) != null) {
                    bToA = impairment(perDirection.get(ba).object("an impairment", IMPAIRMENT_KEYS));
                }
            }
            checkNeedsDelay(symmetric.value().merge(aToB.value()), symmetric, aToB);
            checkNeedsDelay(symmetric.value().merge(bToA.value()), symmetric, bToA);
            out.add(new LinkIn(el, name, el.get("name"), a, b, symmetric, aToB, bToA));
        }
        return out;
    }

    /** An endpoint: a node name, or {"node": "a", "address": "10.9.0.1/24"}. */
    private EndIn endpoint(SourceValue el) {
        if (el.isString()) {
            return new EndIn(nodeRef(el), null, el, null);
        }
        el.object("an endpoint (a node name or {\"node\": \"a\", \"address\": \"10.9.0.1/24\"})", ENDPOINT_KEYS);
        String node = nodeRef(el.require("node", "add \"node\": the node's name"));
        SourceValue address = el.get("address");
        return new EndIn(node, address != null ? address.text("an address such as \"10.9.0.1/24\"") : null, el, address);
    }

    private List<LanIn> lans(SourceValue at) {
        if (at == null) {
            return List.of();
        }
        List<LanIn> out = new ArrayList<>();
        for (SourceValue el : at.elements("LANs ({\"name\": ..., \"members\": [...]} objects)")) {
            el.object("a LAN", LAN_KEYS);
            SourceValue nameAt = el.require("name", "add \"name\": \"lan1\" (" + NameRules.LINK_RULE + ")");
            String name = NameRules.link(nameAt, "LAN");
            List<EndIn> members = new ArrayList<>();
            Map<String, SourceValue> seen = new HashMap<>();
            SourceValue membersAt = el.require("members", "add \"members\": [\"a\", \"b\", ...]");
            for (SourceValue m : membersAt.elements("members (node names or {\"node\": ..., \"address\": ...} objects)")) {
                EndIn member = endpoint(m);
                SourceValue first = seen.putIfAbsent(member.node(), m);
                if (first != null) {
                    throw m.error("node \"" + member.node() + "\" is already a member of this LAN (at " + first.pointer()
                            + "); list each node once");
                }
                members.add(member);
            }
            if (members.size() < 2) {
                throw membersAt.error("a LAN needs at least 2 members, found " + members.size() + "; add members");
            }
            Imp impairment = impairment(el);
            checkNeedsDelay(impairment.value(), impairment);
            out.add(new LanIn(el, name, nameAt, members, impairment));
        }
        return out;
    }

    /**
     * Link names in link order: explicit names are reserved first (link and LAN names must be unique),
     * then unnamed links get "A-B", or "A-B-2", "A-B-3"... when taken.
     */
    private List<String> nameSegments(List<LinkIn> links, List<LanIn> lans) {
        Set<String> taken = new HashSet<>();
        for (LinkIn l : links) {
            if (l.explicitName() != null) {
                reserve(l.explicitName(), l.nameAt(), l.at());
                taken.add(l.explicitName());
            }
        }
        for (LanIn l : lans) {
            reserve(l.name(), l.nameAt(), l.at());
            taken.add(l.name());
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < links.size(); i++) {
            LinkIn l = links.get(i);
            String name = l.explicitName();
            if (name == null) {
                name = defaultName(l.a().node() + "-" + l.b().node(), "link" + (i + 1), taken);
                taken.add(name);
                segmentOrigins.put(name, l.at());
            }
            names.add(name);
        }
        return names;
    }

    private void reserve(String name, SourceValue nameAt, SourceValue at) {
        SourceValue first = segmentOrigins.putIfAbsent(name, at);
        if (first != null) {
            throw nameAt.error("name \"" + name + "\" is already used by " + first.pointer() + "; link and LAN names must be unique");
        }
    }

    /** "a-b", else "a-b-2", "a-b-3"...; when those would be too long for a link name, "linkN", "linkN-2"... */
    static String defaultName(String base, String fallback, Set<String> taken) {
        for (String stem : List.of(base, fallback)) {
            for (int k = 1; ; k++) {
                String name = k == 1 ? stem : stem + "-" + k;
                if (!Names.LINK.matcher(name).matches()) {
                    break;
                }
                if (!taken.contains(name)) {
                    return name;
                }
            }
        }
        throw new IllegalStateException("no free name for link " + base);
    }

    // ---------------------------------------------------------------- impairments

    /** An impairment and where each of its fields was written. */
    private record Imp(Impairment value, Map<String, SourceValue> fields) {
        static final Imp NONE = new Imp(Impairment.NONE, Map.of());
    }

    /** Reads the impairment keys of {@code at} (an object whose keys were already checked). */
    private Imp impairment(SourceValue at) {
        Map<String, SourceValue> fields = new HashMap<>();
        for (String key : IMPAIRMENT_KEYS) {
            if (at.get(key) != null) {
                fields.put(key, at.get(key));
            }
        }
        Function<String, SourceValue> f = fields::get;
        Impairment value = new Impairment(
                f.apply("delay") != null ? duration(f.apply("delay")) : null,
                f.apply("jitter") != null ? duration(f.apply("jitter")) : null,
                f.apply("loss") != null ? percent(f.apply("loss")) : null,
                f.apply("rate") != null ? rate(f.apply("rate")) : null,
                f.apply("duplicate") != null ? percent(f.apply("duplicate")) : null,
                f.apply("corrupt") != null ? percent(f.apply("corrupt")) : null,
                f.apply("reorder") != null ? percent(f.apply("reorder")) : null);
        return new Imp(value, fields);
    }

    /** netem applies jitter and reordering to delayed packets only, so both need a delay. */
    private static void checkNeedsDelay(Impairment merged, Imp... layers) {
        if (merged.delay() != null) {
            return;
        }
        for (String key : List.of("jitter", "reorder")) {
            for (int i = layers.length - 1; i >= 0; i--) {
                SourceValue at = layers[i].fields().get(key);
                if (at != null) {
                    throw at.error(key + " needs a delay (netem " + (key.equals("jitter") ? "varies the delay it adds"
                            : "reorders by sending some packets without the delay") + "); add \"delay\": \"10ms\" beside it");
                }
            }
        }
    }

    // ---------------------------------------------------------------- addressing, routing, commands

    private Scenario.Addressing addressing(SourceValue at) {
        if (at == null) {
            return Scenario.Addressing.DEFAULT;
        }
        at.object("the addressing", List.of("pool"));
        SourceValue poolAt = at.get("pool");
        if (poolAt == null) {
            return Scenario.Addressing.DEFAULT;
        }
        return new Scenario.Addressing(AddressRules.pool(poolAt, cidr(poolAt)).toString());
    }

    private static Scenario.Routing routing(SourceValue at) {
        if (at == null) {
            return Scenario.Routing.STATIC;
        }
        String value = at.text("a routing mode");
        return switch (value) {
            case "static" -> Scenario.Routing.STATIC;
            case "none" -> Scenario.Routing.NONE;
            default -> throw at.error("unknown routing \"" + value + "\"; routing is static or none");
        };
    }

    // ---------------------------------------------------------------- timeline and checks

    private record EventIn(TimelineEvent event, SourceValue at, Imp set) {
    }

    private List<TimelineEvent> timeline(SourceValue at, Map<String, LinkDef> links, Map<String, LanDef> lans,
                                         List<LinkIn> linkIns, List<String> linkNames) {
        if (at == null) {
            return List.of();
        }
        List<EventIn> events = new ArrayList<>();
        for (SourceValue el : at.elements("events ({\"at\": \"10s\", ...} objects)")) {
            el.object("a timeline event", TIMELINE_KEYS);
            Duration when = duration(el.require("at", "add \"at\": the time after the lab is ready, e.g. \"10s\""));
            SourceValue link = el.get("link");
            SourceValue node = el.get("node");
            if (link != null && node != null) {
                throw node.keyError("an event is about a \"link\" or a \"node\", not both; split it into two events");
            }
            if (link == null && node == null) {
                throw el.error("missing \"link\" or \"node\"; say what the event changes, e.g. \"link\": \"a-b\"");
            }
            events.add(link != null ? linkEvent(el, when, link, links, lans) : nodeEvent(el, when, node));
        }
        events.sort(Comparator.comparing(e -> e.event().at()));
        checkTimelineDelays(events, linkIns, linkNames, lans);
        return events.stream().map(EventIn::event).toList();
    }

    private EventIn linkEvent(SourceValue el, Duration when, SourceValue linkAt, Map<String, LinkDef> links, Map<String, LanDef> lans) {
        el.object("a link event", List.of("at", "link", "direction", "set", "state"));
        String name = linkAt.text("a link or LAN name");
        LinkDef link = links.get(name);
        if (link == null && !lans.containsKey(name)) {
            Set<String> known = new java.util.LinkedHashSet<>(links.keySet());
            known.addAll(lans.keySet());
            throw linkAt.error("unknown link \"" + name + "\"; " + (known.isEmpty() ? "the scenario has no links or LANs"
                    : "links and LANs are " + listSome(known)));
        }
        SourceValue set = el.get("set");
        SourceValue state = el.get("state");
        if (set != null && state != null) {
            throw state.keyError("an event has \"set\" or \"state\", not both; split it into two events");
        }
        if (set == null && state == null) {
            throw el.error("missing \"set\" or \"state\"; add \"set\": {\"delay\": \"50ms\"} or \"state\": \"down\"");
        }
        String direction = null;
        SourceValue directionAt = el.get("direction");
        if (directionAt != null) {
            if (state != null) {
                throw directionAt.keyError("\"direction\" goes with \"set\"; a link goes up or down both ways, remove it");
            }
            if (link == null) {
                throw directionAt.keyError("LAN \"" + name + "\" has no directions; remove \"direction\"");
            }
            direction = directionAt.text("a direction such as \"a->b\"");
            List<String> both = List.of(link.a().node() + "->" + link.b().node(), link.b().node() + "->" + link.a().node());
            if (!both.contains(direction)) {
                throw directionAt.error("unknown direction \"" + direction + "\" for link \"" + name + "\"; directions are "
                        + String.join(", ", both));
            }
        }
        if (state != null) {
            String s = state.text("a link state");
            if (!s.equals("up") && !s.equals("down")) {
                throw state.error("unknown state \"" + s + "\"; state is up or down");
            }
            return new EventIn(new TimelineEvent(when, name, null, null, s.equals("up"), null, null, null), el, null);
        }
        Imp imp = impairment(set.object("an impairment", IMPAIRMENT_KEYS));
        if (imp.value().isNone()) {
            throw set.error("empty \"set\"; give at least one of " + String.join(", ", IMPAIRMENT_KEYS));
        }
        return new EventIn(new TimelineEvent(when, name, imp.value(), direction, null, null, null, null), el, imp);
    }

    private EventIn nodeEvent(SourceValue el, Duration when, SourceValue nodeAt) {
        el.object("a node event", List.of("at", "node", "exec", "action"));
        String node = nodeRef(nodeAt);
        SourceValue exec = el.get("exec");
        SourceValue action = el.get("action");
        if (exec != null && action != null) {
            throw action.keyError("an event has \"exec\" or \"action\", not both; split it into two events");
        }
        if (exec == null && action == null) {
            throw el.error("missing \"exec\" or \"action\"; add \"exec\": \"a command\" or \"action\": one of " + String.join(", ", ACTIONS));
        }
        if (exec != null) {
            String command = CommandRules.command(exec, "write a shell command");
            return new EventIn(new TimelineEvent(when, null, null, null, null, node, command, null), el, null);
        }
        String a = action.text("an action");
        if (!ACTIONS.contains(a)) {
            throw action.error("unknown action \"" + a + "\"; actions are " + String.join(", ", ACTIONS));
        }
        return new EventIn(new TimelineEvent(when, null, null, null, null, node, null, a), el, null);
    }

    /** Replays the impairment changes in time order: a jitter or reorder set later still needs a delay by then. */
    private static void checkTimelineDelays(List<EventIn> events, List<LinkIn> links, List<String> linkNames, Map<String, LanDef> lans) {
        Map<String, Impairment[]> state = new HashMap<>();
        for (int i = 0; i < links.size(); i++) {
            state.put(linkNames.get(i) + "\n" + links.get(i).a().node(), new Impairment[] {links.get(i).aToB(), links.get(i).bToA()});
        }
        Map<String, LinkIn> byName = new HashMap<>();
        for (int i = 0; i < links.size(); i++) {
            byName.put(linkNames.get(i), links.get(i));
        }
        Map<String, Impairment> lanState = new HashMap<>();
        lans.forEach((name, lan) -> lanState.put(name, lan.impairment()));
        for (EventIn e : events) {
            TimelineEvent ev = e.event();
            if (ev.set() == null) {
                continue;
            }
            LinkIn link = byName.get(ev.link());
            if (link == null) {
                Impairment now = lanState.get(ev.link()).merge(ev.set());
                checkNeedsDelay(now, e.set());
                lanState.put(ev.link(), now);
                continue;
            }
            Impairment[] dirs = state.get(ev.link() + "\n" + link.a().node());
            for (int d = 0; d < 2; d++) {
                String dir = d == 0 ? link.a().node() + "->" + link.b().node() : link.b().node() + "->" + link.a().node();
                if (ev.direction() == null || ev.direction().equals(dir)) {
                    dirs[d] = dirs[d].merge(ev.set());
                    checkNeedsDelay(dirs[d], e.set());
                }
            }
        }
    }

    private List<Check> checks(SourceValue at) {
        if (at == null) {
            return List.of();
        }
        List<Check> out = new ArrayList<>();
        for (SourceValue el : at.elements("checks ({\"ping\": ...} objects)")) {
            el.object("a check", List.of("ping"));
            SourceValue ping = el.require("ping", "add \"ping\": \"all\" or \"ping\": {\"from\": \"a\", \"to\": \"b\"}");
            if (ping.isString()) {
                if (!ping.text("\"all\"").equals("all")) {
                    throw ping.error("unknown ping \"" + ping.node().textValue() + "\"; write \"all\" or {\"from\": \"a\", \"to\": \"b\"}");
                }
                out.add(new Check(null, null, DEFAULT_PING_COUNT));
                continue;
            }
            ping.object("a ping check (\"all\" or an object)", List.of("from", "to", "count"));
            String from = nodeRef(ping.require("from", "add \"from\": a node name"));
            SourceValue toAt = ping.require("to", "add \"to\": a node name");
            String to = nodeRef(toAt);
            if (from.equals(to)) {
                throw toAt.error("ping from \"" + from + "\" to itself; pick another node");
            }
            int count = ping.get("count") != null ? (int) ping.get("count").integer("count", 1, MAX_PING_COUNT) : DEFAULT_PING_COUNT;
            out.add(new Check(from, to, count));
        }
        return out;
    }

    // ---------------------------------------------------------------- limits, addresses, images

    private void checkInterfaces(List<LinkIn> links, List<LanIn> lans) {
        Map<String, Integer> count = new HashMap<>();
        Stream.concat(links.stream().flatMap(l -> l.ends().stream()), lans.stream().flatMap(l -> l.members().stream()))
                .forEach(e -> count.merge(e.node(), 1, Integer::sum));
        for (Map.Entry<String, SourceValue> node : nodeOrigins.entrySet()) {
            int n = count.getOrDefault(node.getKey(), 0);
            if (n > ScenarioLoader.MAX_INTERFACES) {
                throw node.getValue().error("node \"" + node.getKey() + "\" has " + n + " interfaces (link ends and LAN memberships); a node has at most "
                        + ScenarioLoader.MAX_INTERFACES + " (free PCI slots); spread its links over more nodes or use a LAN");
            }
        }
    }

    /** A link's or LAN's explicit addresses, for the address checks. */
    private record Segment(String kind, String name, SourceValue at, List<EndIn> ends) {
    }

    private void checkAddresses(List<LinkIn> links, List<LanIn> lans, List<String> linkNames) {
        List<Segment> segments = new ArrayList<>();
        for (int i = 0; i < links.size(); i++) {
            segments.add(new Segment("link", linkNames.get(i), links.get(i).at(), links.get(i).ends()));
        }
        lans.forEach(l -> segments.add(new Segment("LAN", l.name(), l.at(), l.members())));

        Map<Long, SourceValue> usedAddresses = new HashMap<>();
        List<Map.Entry<Cidr, SourceValue>> subnets = new ArrayList<>();
        for (Segment s : segments) {
            Cidr subnet = null;
            SourceValue subnetAt = null;
            for (EndIn e : s.ends()) {
                if (e.address() == null) {
                    continue;
                }
                Cidr cidr = cidr(e.addressAt());
                AddressRules.address(e.addressAt(), cidr);
                if (cidr.prefix() > 31) {
                    throw e.addressAt().error("/32 leaves no room for the other end; use /30 or /31 for a link and /24 for a LAN, e.g. \""
                            + cidr.ip() + "/24\"");
                }
                if (cidr.isNetworkOrBroadcast()) {
                    throw e.addressAt().error(cidr + " is the " + (cidr.address() == cidr.network() ? "network" : "broadcast")
                            + " address of " + cidr.subnet() + "; use a host address from " + Cidr.ip(cidr.network() + 1) + " to "
                            + Cidr.ip(cidr.broadcast() - 1));
                }
                SourceValue first = usedAddresses.putIfAbsent(cidr.address(), e.addressAt());
                if (first != null) {
                    throw e.addressAt().error("address " + cidr.ip() + " is already used at " + first.pointer()
                            + "; every interface needs its own address");
                }
                if (subnet == null) {
                    subnet = cidr.subnet();
                    subnetAt = e.addressAt();
                } else if (!subnet.equals(cidr.subnet())) {
                    throw e.addressAt().error(cidr + " is not in " + subnet + " like " + subnetAt.pointer()
                            + "; put every end of a " + s.kind() + " in one subnet");
                }
            }
            if (subnet == null) {
                continue;
            }
            if (s.ends().size() > AddressPlan.hostCount(subnet)) {
                throw subnetAt.error("subnet " + subnet + " has room for " + AddressPlan.hostCount(subnet) + " hosts but "
                        + s.kind() + " \"" + s.name() + "\" has " + s.ends().size() + " members; use a shorter prefix");
            }
            for (Map.Entry<Cidr, SourceValue> other : subnets) {
                if (other.getKey().overlaps(subnet)) {
                    throw subnetAt.error("subnet " + subnet + " overlaps " + other.getKey() + " of " + other.getValue().pointer()
                            + "; give each link and LAN its own subnet");
                }
            }
            subnets.add(Map.entry(subnet, subnetAt));
        }
    }

    private void checkPool(Scenario scenario, SourceValue root) {
        try {
            AddressPlan.allocate(scenario);
        } catch (AddressPlan.PoolTooSmallException e) {
            SourceValue addressing = root.get("addressing");
            SourceValue pool = addressing != null ? addressing.get("pool") : null;
            if (pool != null) {
                throw pool.error(e.getMessage());
            }
            throw root.error("the default " + e.getMessage() + " in \"addressing\"");
        }
    }

    private void checkImages(List<NodeIn> nodes, Defaults defaults, SourceValue defaultsAt, SourceValue root) {
        Set<String> checked = new HashSet<>();
        for (NodeIn n : nodes) {
            String image = n.image() != null ? n.image() : defaults.image();
            if (!checked.add(image) || images.exists(image)) {
                continue;
            }
            String fix = "; build it with ./netloom images build " + image;
            if (n.imageAt() != null) {
                throw n.imageAt().error("image \"" + image + "\" is not in the image store" + fix);
            }
            SourceValue defaultImage = defaultsAt != null ? defaultsAt.get("image") : null;
            if (defaultImage != null) {
                throw defaultImage.error("image \"" + image + "\" is not in the image store" + fix);
            }
            throw root.error("nodes use the default image \"" + image + "\", which is not in the image store" + fix);
        }
    }

    // ---------------------------------------------------------------- values

    /** A reference to a node by name, which must exist. */
    private String nodeRef(SourceValue at) {
        String name = at.text("a node name");
        if (!nodeOrigins.containsKey(name)) {
            throw at.error("unknown node \"" + name + "\"; " + (nodeOrigins.isEmpty()
                    ? "the scenario has no nodes: add them to \"nodes\" or \"generate\""
                    : "nodes are " + listSome(nodeOrigins.keySet())));
        }
        return name;
    }

    /** The first 10 names, then "...". */
    static String listSome(Set<String> names) {
        List<String> all = new ArrayList<>(names);
        return all.size() <= 10 ? String.join(", ", all)
                : String.join(", ", all.subList(0, 10)) + ", ... (" + all.size() + " in all)";
    }

    private static int memory(SourceValue at) {
        String text;
        if (at.node().isIntegralNumber()) {
            text = at.node().asText();
        } else {
            text = at.text("a memory size such as \"96M\"");
        }
        try {
            return Quantities.memoryMiB(text);
        } catch (IllegalArgumentException e) {
            throw at.error(e.getMessage());
        }
    }

    private static int cpus(SourceValue at) {
        return (int) at.integer("cpus", 1, MAX_CPUS);
    }

    private static Duration duration(SourceValue at) {
        return parse(at, "a duration such as \"10ms\"", Quantities::duration);
    }

    private static double percent(SourceValue at) {
        return parse(at, "a percentage such as \"1%\"", Quantities::percent);
    }

    private static long rate(SourceValue at) {
        return parse(at, "a rate such as \"10mbit\"", Quantities::rateBps);
    }

    private static Cidr cidr(SourceValue at) {
        return parse(at, "an address such as \"10.9.0.1/24\"", Cidr::parse);
    }

    /** Quantities are strings; a bare number is accepted only for 0, which needs no unit. */
    private static <T> T parse(SourceValue at, String what, Function<String, T> parser) {
        String text;
        if (at.isNumber() && at.node().doubleValue() == 0) {
            text = "0";
        } else if (at.isNumber()) {
            throw at.error("expected " + what + " (a string with a unit), found the number " + at.node().asText()
                    + "; write it in quotes with a unit");
        } else {
            text = at.text(what);
        }
        try {
            return parser.apply(text);
        } catch (IllegalArgumentException e) {
            throw at.error(e.getMessage());
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return List.copyOf(out);
    }
}

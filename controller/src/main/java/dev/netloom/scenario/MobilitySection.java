package dev.netloom.scenario;

import dev.netloom.impairment.Impairment;
import dev.netloom.mobility.LinkModel;
import dev.netloom.mobility.Position;
import dev.netloom.mobility.RandomWalk;
import dev.netloom.mobility.World;
import dev.netloom.scenario.LinksSection.LinkIn;
import dev.netloom.scenario.Scenario.TimelineEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads "linkModel", "steps" and the nodes' "position", and makes a mobility scenario's links: one
 * planned link for every pair of nodes (listed links only name a pair and give its addresses), each
 * starting in the state and impairment the model gives it at the start. Also reads the timeline's
 * "move", "step" and "walk" events.
 */
final class MobilitySection {

    static final List<String> KINDS = List.of("range", "wifi-exponential", "topology");
    static final List<String> MODES = List.of("links", "lan");
    /** The LAN that is the shared medium in lan mode. */
    static final String MEDIUM = "medium";
    static final List<String> MODEL_KEYS = List.of("kind", "mode", "range", "bandwidth", "step", "minBandwidth", "jitter");
    static final List<String> STEP_KEYS = List.of("name", "links", "positions");
    static final List<String> WALK_KEYS = List.of("seed", "width", "height", "distance", "interval", "count", "nodes", "from");
    static final int MAX_STEPS = 1000;
    static final int MAX_WALK_MOVES = 10_000;

    /** The model, where it was written, the starting positions, the steps and whether it is on a shared medium (lan mode), as read. */
    record ModelIn(LinkModel model, SourceValue at, Map<String, Position> positions, List<Scenario.Step> steps, boolean lan) {
    }

    private MobilitySection() {
    }

    /** "linkModel", the nodes' positions and "steps"; null for a scenario without a link model. */
    static ModelIn read(SourceValue root, CrossChecks refs) {
        SourceValue at = root.get("linkModel");
        refs.origin = PositionRules.origin(root);
        Map<String, Position> positions = PositionRules.ofNodes(root.get("nodes"), refs.origin);
        SourceValue stepsAt = root.get("steps");
        if (at == null) {
            if (stepsAt != null) {
                throw stepsAt.keyError("\"steps\" need a \"linkModel\"; add \"linkModel\": {\"kind\": \"topology\"} (links from each step) or a distance model");
            }
            // positions without a model are kept in the file (an imported topology's layout) and change nothing
            return null;
        }
        at.object("a link model", MODEL_KEYS);
        String kind = at.require("kind", "add \"kind\": one of " + String.join(", ", KINDS)).text("a model kind");
        if (!KINDS.contains(kind)) {
            throw at.get("kind").error("unknown link model \"" + kind + "\"; kinds are " + String.join(", ", KINDS));
        }
        boolean lan = false;
        if (at.get("mode") != null) {
            String mode = at.get("mode").text("a mode");
            if (!MODES.contains(mode)) {
                throw at.get("mode").error("unknown mode \"" + mode + "\"; modes are \"links\" (a link per pair) and \"lan\" (one shared medium)");
            }
            lan = mode.equals("lan");
        }
        LinkModel model = switch (kind) {
            case "range" -> {
                only(at, kind, List.of("kind", "mode", "range"));
                yield new LinkModel.Range(at.get("range") == null ? LinkModel.Range.DEFAULT : at.get("range").number("a range in metres", 0, PositionRules.MAX_COORDINATE));
            }
            case "wifi-exponential" -> {
                only(at, kind, List.of("kind", "mode", "bandwidth", "step", "minBandwidth", "jitter"));
                LinkModel.WifiExponential d = LinkModel.WifiExponential.DEFAULT;
                yield new LinkModel.WifiExponential(
                        at.get("bandwidth") == null ? d.maxKbit() : at.get("bandwidth").integer("a bandwidth in kbit/s", 1, 100_000_000),
                        at.get("step") == null ? d.stepMetres() : at.get("step").number("a step in metres", 0.001, PositionRules.MAX_COORDINATE),
                        at.get("minBandwidth") == null ? d.minKbit() : at.get("minBandwidth").integer("a bandwidth in kbit/s", 1, 100_000_000),
                        at.get("jitter") == null ? d.jitterFraction() : at.get("jitter").number("a fraction of the delay (0.1 is 10%)", 0, 1));
            }
            default -> {
                only(at, kind, List.of("kind", "mode"));
                yield new LinkModel.Topology();
            }
        };
        List<Scenario.Step> steps = steps(stepsAt, refs);
        if (model instanceof LinkModel.Topology) {
            if (steps.isEmpty()) {
                throw at.error("a \"topology\" link model takes its links from \"steps\"; add \"steps\": [{\"links\": [[\"a\", \"b\"]]}]");
            }
            for (int i = 0; i < steps.size(); i++) {
                if (steps.get(i).connected() == null) {
                    throw stepsAt.elements("steps").get(i).error("a step of a \"topology\" link model lists its \"links\": [[\"a\", \"b\"], ...]");
                }
            }
        }
        Map<String, Position> start = new LinkedHashMap<>(positions);
        if (!steps.isEmpty()) {
            start.putAll(steps.get(0).positions());
        }
        return new ModelIn(model, at, start, steps, lan);
    }

    private static void only(SourceValue at, String kind, List<String> keys) {
        for (SourceValue m : at.members()) {
            if (!keys.contains(m.key())) {
                throw m.keyError("\"" + m.key() + "\" is not a parameter of the \"" + kind + "\" model; its keys are " + String.join(", ", keys));
            }
        }
    }

    private static List<Scenario.Step> steps(SourceValue at, CrossChecks refs) {
        if (at == null) {
            return List.of();
        }
        List<SourceValue> items = at.elements("steps ({\"links\": [[\"a\", \"b\"]]} objects)");
        if (items.size() > MAX_STEPS) {
            throw at.error(items.size() + " steps; a scenario has at most " + MAX_STEPS);
        }
        List<Scenario.Step> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            SourceValue el = items.get(i).object("a step", STEP_KEYS);
            if (el.get("links") == null && el.get("positions") == null) {
                throw el.error("an empty step; give \"links\": [[\"a\", \"b\"]] or \"positions\": {\"a\": {\"x\": 0, \"y\": 0}}");
            }
            String name = el.get("name") != null ? el.get("name").text("a step name") : "step" + (i + 1);
            Set<String> connected = null;
            if (el.get("links") != null) {
                connected = new LinkedHashSet<>();
                for (SourceValue pair : el.get("links").elements("pairs of node names")) {
                    List<SourceValue> ends = pair.elements("two node names");
                    if (ends.size() != 2) {
                        throw pair.error("a link has exactly 2 ends, found " + ends.size());
                    }
                    String a = refs.nodeRef(ends.get(0));
                    String b = refs.nodeRef(ends.get(1));
                    if (a.equals(b)) {
                        throw ends.get(1).error("link from \"" + a + "\" to itself; a link joins two different nodes");
                    }
                    connected.add(World.key(a, b));
                    connected.add(World.key(b, a));
                }
            }
            Map<String, Position> positions = el.get("positions") != null ? PositionRules.byNode(el.get("positions"), refs) : Map.of();
            out.add(new Scenario.Step(name, positions, connected));
        }
        return out;
    }

    /**
     * The listed links (pair declarations: names and addresses only) plus a link for every other pair
     * of nodes, in node order. The model owns state and impairments, so listed links may not set them.
     */
    static List<LinkIn> allPairs(ModelIn model, List<LinkIn> listed, List<String> nodes) {
        int most = ScenarioLoader.MAX_INTERFACES + 1;
        if (nodes.size() > most) {
            throw model.at().error("a link model plans a link for every pair of nodes, and a node has at most " + ScenarioLoader.MAX_INTERFACES
                    + " interfaces: a scenario with a \"linkModel\" has at most " + most + " nodes, this one has " + nodes.size());
        }
        Map<String, LinkIn> byPair = new HashMap<>();
        for (LinkIn l : listed) {
            if (!l.symmetric().value().isNone() || !l.aToBOnly().value().isNone() || !l.bToAOnly().value().isNone() || l.stateAt() != null) {
                throw l.at().error("in a scenario with a \"linkModel\" the model sets every link's state and impairment; "
                        + "a listed link only names a pair and its addresses: remove its impairment and \"state\"");
            }
            LinkIn other = byPair.put(pairKey(l.a().node(), l.b().node()), l);
            if (other != null) {
                throw l.at().error("a second link between \"" + l.a().node() + "\" and \"" + l.b().node() + "\" (also at " + other.at().pointer()
                        + "); a link model plans one link per pair");
            }
        }
        List<LinkIn> out = new ArrayList<>(listed);
        for (int i = 0; i < nodes.size(); i++) {
            for (int j = i + 1; j < nodes.size(); j++) {
                if (!byPair.containsKey(pairKey(nodes.get(i), nodes.get(j)))) {
                    out.add(new LinkIn(model.at(), null, null, new EndpointIn(nodes.get(i), model.at()), new EndpointIn(nodes.get(j), model.at()),
                            ImpairmentIn.NONE, ImpairmentIn.NONE, ImpairmentIn.NONE, false, null));
                }
            }
        }
        return out;
    }

    /**
     * Lan mode: the medium, a LAN of every node (each gets one interface on it, addresses from the pool),
     * and the model's pairs, named "a|b" ({@link World#key}), which are the medium's neighbours and no
     * planned link. Listed or generated links are refused: the model decides who hears whom.
     */
    static LansSection.LanIn medium(ModelIn model, SourceValue links, List<String> nodes) {
        if (links != null) {
            throw links.keyError("in lan mode every node has one interface on the shared medium and the model decides who hears whom;"
                    + " remove \"links\" (and a generated topology), or use \"mode\": \"links\"");
        }
        int most = ScenarioLoader.MAX_MEDIUM_NEIGHBOURS + 1;
        if (nodes.size() > most) {
            throw model.at().error("a node on the shared medium reaches at most " + ScenarioLoader.MAX_MEDIUM_NEIGHBOURS + " neighbours (the kernel's actions per tc filter):"
                    + " lan mode takes at most " + most + " nodes, this scenario has " + nodes.size() + "; use \"mode\": \"links\" or fewer nodes");
        }
        return new LansSection.LanIn(model.at(), MEDIUM, model.at(), nodes.stream().map(n -> new EndpointIn(n, model.at())).toList(), ImpairmentIn.NONE);
    }

    /** Lan mode: every pair of nodes, in node order, named "a|b". */
    static List<World.Pair> mediumPairs(List<String> nodes) {
        List<World.Pair> out = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            for (int j = i + 1; j < nodes.size(); j++) {
                out.add(new World.Pair(World.key(nodes.get(i), nodes.get(j)), nodes.get(i), nodes.get(j)));
            }
        }
        return out;
    }

    private static String pairKey(String a, String b) {
        return a.compareTo(b) < 0 ? a + "|" + b : b + "|" + a;
    }

    /** The links with the state and impairment the model gives them at the start (step 1, or the positions). */
    static List<LinkIn> atStart(ModelIn model, List<LinkIn> links, List<String> names) {
        Map<String, dev.netloom.mobility.LinkModel.Quality> q = World.qualities(model.model(), pairs(links, names), model.positions(),
                model.steps().isEmpty() ? null : model.steps().get(0).connected());
        List<LinkIn> out = new ArrayList<>();
        for (int i = 0; i < links.size(); i++) {
            LinkIn l = links.get(i);
            LinkModel.Quality quality = q.get(names.get(i));
            ImpairmentIn imp = new ImpairmentIn(quality.up() ? quality.impairment() : Impairment.NONE, Map.of());
            out.add(new LinkIn(l.at(), l.explicitName(), l.nameAt(), l.a(), l.b(), imp, ImpairmentIn.NONE, ImpairmentIn.NONE, !quality.up(), null));
        }
        return out;
    }

    static List<World.Pair> pairs(List<LinkIn> links, List<String> names) {
        List<World.Pair> out = new ArrayList<>();
        for (int i = 0; i < links.size(); i++) {
            out.add(new World.Pair(names.get(i), links.get(i).a().node(), links.get(i).b().node()));
        }
        return out;
    }

    /** "move": {"a": {"x": 1, "y": 2}}. */
    static TimelineEvent move(SourceValue at, Duration when, CrossChecks refs) {
        return new TimelineEvent.Move(when, PositionRules.byNode(at, refs));
    }

    /** "step": "next", a step's name, or its number (1 is the first). */
    static TimelineEvent step(SourceValue at, Duration when, List<Scenario.Step> steps) {
        if (steps.isEmpty()) {
            throw at.keyError("a \"step\" event needs \"steps\" in the scenario; add them, or remove this event");
        }
        if (at.isNumber()) {
            return new TimelineEvent.StepTo(when, (int) at.integer("a step number", 1, steps.size()) - 1);
        }
        String s = at.text("\"next\", a step name or a step number");
        if (s.equals("next")) {
            return new TimelineEvent.StepTo(when, null);
        }
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).name().equals(s)) {
                return new TimelineEvent.StepTo(when, i);
            }
        }
        throw at.error("unknown step \"" + s + "\"; steps are " + String.join(", ", steps.stream().map(Scenario.Step::name).toList()) + " (or \"next\")");
    }

    /**
     * Where the nodes are at {@code when}: the start (step 1's positions merged in), then every move and
     * step among {@code sorted} (in time order) up to and including {@code when}.
     */
    static Map<String, Position> positionsAt(ModelIn model, List<TimelineEvent> sorted, Duration when) {
        Map<String, Position> now = new LinkedHashMap<>(model.positions());
        int step = model.steps().isEmpty() ? -1 : 0;
        for (TimelineEvent e : sorted) {
            if (e.at().compareTo(when) > 0) {
                break;
            }
            if (e instanceof TimelineEvent.Move m) {
                now.putAll(m.positions());
            } else if (e instanceof TimelineEvent.StepTo s && !model.steps().isEmpty()) {
                step = s.index() != null ? s.index() : Math.min(step + 1, model.steps().size() - 1);
                now.putAll(model.steps().get(step).positions());
            }
        }
        return now;
    }

    /**
     * "walk": a seeded random walk, expanded into one move every interval. It starts from "from" for
     * the nodes it names, else where the nodes are when it starts ({@code start}; (0, 0) for a node
     * without a position).
     */
    static List<TimelineEvent> walk(SourceValue at, Duration when, CrossChecks refs, Map<String, Position> now) {
        at.object("a walk", WALK_KEYS);
        Map<String, Position> start = new LinkedHashMap<>(now);
        if (at.get("from") != null) {
            start.putAll(PositionRules.byNode(at.get("from"), refs));
        }
        long seed = at.require("seed", "add \"seed\": 1 (the same seed walks the same way)").integer("a seed", 0, Long.MAX_VALUE);
        double width = at.require("width", "add \"width\": the area's width in metres").number("metres", 0, PositionRules.MAX_COORDINATE);
        double height = at.require("height", "add \"height\": the area's height in metres").number("metres", 0, PositionRules.MAX_COORDINATE);
        double distance = at.require("distance", "add \"distance\": metres a node moves each interval").number("metres", 0, PositionRules.MAX_COORDINATE);
        Duration interval = ValueRules.duration(at.require("interval", "add \"interval\": \"1s\""));
        if (interval.isZero()) {
            throw at.get("interval").error("interval must be above 0, e.g. \"1s\"");
        }
        int count = (int) at.require("count", "add \"count\": how many moves").integer("a count", 1, MAX_WALK_MOVES);
        Map<String, Position> from = new LinkedHashMap<>();
        if (at.get("nodes") != null) {
            for (SourceValue n : at.get("nodes").elements("node names")) {
                String name = refs.nodeRef(n);
                from.put(name, start.getOrDefault(name, new Position(0, 0)));
            }
        } else {
            refs.nodeNames().forEach(n -> from.put(n, start.getOrDefault(n, new Position(0, 0))));
        }
        List<TimelineEvent> out = new ArrayList<>();
        List<Map<String, Position>> moves = RandomWalk.walk(seed, from, width, height, distance, count);
        for (int i = 0; i < moves.size(); i++) {
            out.add(new TimelineEvent.Move(when.plus(interval.multipliedBy(i + 1L)), moves.get(i)));
        }
        return out;
    }
}

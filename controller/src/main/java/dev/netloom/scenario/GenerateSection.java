package dev.netloom.scenario;

import dev.netloom.scenario.Generators.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads "generate": one generator object or a list of them, each checked for the keys of its shape
 * and turned into nodes and links by {@link Generators}.
 */
final class GenerateSection {

    static final List<String> KEYS = ImpairmentIn.keysWith(
            List.of("topology", "nodes", "rows", "columns", "prefix", "seed", "probability", "degree", "branching"));

    private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9-]*");

    /** A generator's nodes and links, the impairment of its links, and where it was written. */
    record GeneratedIn(SourceValue at, Generators.Generated result, ImpairmentIn impairment) {
    }

    private GenerateSection() {
    }

    static List<GeneratedIn> read(SourceValue at) {
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

    private static GeneratedIn generator(SourceValue at) {
        at.object("a generator", KEYS);
        SourceValue topologyAt = at.require("topology", "add \"topology\": one of " + String.join(", ", Shape.keys()));
        String key = topologyAt.text("a topology");
        Shape topology = Shape.keys().contains(key) ? Shape.valueOf(key.toUpperCase(Locale.ROOT)) : null;
        if (topology == null) {
            throw topologyAt.error("unknown topology \"" + key + "\"; topologies are " + String.join(", ", Shape.keys()));
        }
        List<String> shapeKeys = switch (topology) {
            case GRID -> List.of("rows", "columns");
            case TREE -> List.of("branching");
            case RANDOM -> List.of("seed", "probability", "degree");
            default -> List.of();
        };
        at.object("a " + key + " generator",
                ImpairmentIn.keysWith(Stream.concat(Stream.of("topology", "nodes", "prefix"), shapeKeys.stream()).toList()));

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
        ImpairmentIn impairment = ImpairmentIn.read(at);
        ImpairmentIn.checkNeedsDelay(impairment.value(), impairment);
        Generators.Spec spec = new Generators.Spec(topology, nodes, rows, columns, prefix, branching, probability, degree, seed);
        Generators.Generated result = Generators.generate(spec);
        result.nodes().forEach(n -> NameRules.checkNotReserved(n, prefixAt != null ? prefixAt : at));
        return new GeneratedIn(at, result, impairment);
    }
}

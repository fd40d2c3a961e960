package dev.netloom.lab;

import dev.netloom.nodes.NodeSpec;
import dev.netloom.nodes.fork.ForkKey;
import dev.netloom.topology.NodePlan;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Which nodes of a lab start as forks of a template, and of which (docs/fork.md). A node forks when
 * forking is allowed (no {@code --no-fork}), its image can be forked, and either its scenario says
 * {@code "fork": true} or it says nothing and forking pays: its template is cached already, or at
 * least {@link #AUTO_MIN_NODES} nodes of the lab share it (building a template costs one boot, and
 * each fork then costs a small fraction of one). Pure: the caller supplies the image checks and the
 * cache lookup.
 */
final class ForkChoice {

    /** With fewer nodes per template, and no template cached, booting them all is about as fast. */
    static final int AUTO_MIN_NODES = 4;

    private ForkChoice() {
    }

    /**
     * The nodes that fork, each with its template's key, in plan order; every other node boots.
     *
     * @param nodes    the lab's nodes
     * @param specs    each node's spec, by name
     * @param allowed  false with {@code --no-fork}: every node boots
     * @param forkable whether a spec's image and devices can be forked
     * @param keyOf    a spec's template key
     * @param cached   whether a template is cached
     */
    static Map<String, ForkKey> choose(List<NodePlan> nodes, Map<String, NodeSpec> specs, boolean allowed,
                                       Predicate<NodeSpec> forkable, Function<NodeSpec, ForkKey> keyOf, Predicate<ForkKey> cached) {
        Map<String, ForkKey> candidates = new LinkedHashMap<>();
        if (!allowed) {
            return candidates;
        }
        for (NodePlan n : nodes) {
            NodeSpec spec = specs.get(n.name());
            if (!Boolean.FALSE.equals(n.fork()) && forkable.test(spec)) {
                candidates.put(n.name(), keyOf.apply(spec));
            }
        }
        Map<ForkKey, Long> perKey = new LinkedHashMap<>();
        candidates.values().forEach(k -> perKey.merge(k, 1L, Long::sum));
        Map<String, ForkKey> chosen = new LinkedHashMap<>();
        for (NodePlan n : nodes) {
            ForkKey key = candidates.get(n.name());
            if (key != null && (Boolean.TRUE.equals(n.fork()) || perKey.get(key) >= AUTO_MIN_NODES || cached.test(key))) {
                chosen.put(n.name(), key);
            }
        }
        return chosen;
    }
}

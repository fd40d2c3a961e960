package dev.netloom.lab;

import dev.netloom.nodes.NodeSpec;
import dev.netloom.nodes.StartMode;
import dev.netloom.nodes.fork.ForkKey;
import dev.netloom.nodes.fork.Templates;
import dev.netloom.topology.NodePlan;
import dev.netloom.topology.Plan;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * A lab's node forks (docs/fork.md): which nodes start from which template, chosen before the lab
 * claims its memory (a fork reserves far less than a boot: {@link HostMemory#forkMiB}), the
 * templates made sure of before the first node starts, and each node's start mode.
 */
final class LabForks {

    private final Templates templates;
    private final Map<String, ForkKey> chosen;
    private final Map<String, Templates.Template> from = new ConcurrentHashMap<>();

    LabForks(Templates templates, Map<String, ForkKey> chosen) {
        this.templates = templates;
        this.chosen = Map.copyOf(chosen);
    }

    /** The forks of {@code plan} ({@link ForkChoice}), none when {@code allowed} is false (--no-fork). */
    static LabForks choose(Plan plan, Map<String, NodeSpec> specs, boolean allowed, Templates templates) {
        return new LabForks(templates, ForkChoice.choose(plan.nodes(), specs, allowed, Templates::forkable, Templates::keyOf,
                k -> templates.find(k).isPresent()));
    }

    /** The nodes that fork, each with its template's key. */
    Map<String, ForkKey> chosen() {
        return chosen;
    }

    boolean forks(String node) {
        return chosen.containsKey(node);
    }

    /**
     * Makes sure every chosen template exists: a missing one is built by {@code build} (which boots a
     * node of its layout), once, before any node starts; {@code say} hears what happens.
     */
    void prepare(Map<String, NodeSpec> specs, Function<NodeSpec, Templates.Template> build, BiConsumer<ForkKey, String> say) {
        Map<ForkKey, Templates.Template> ready = new LinkedHashMap<>();
        chosen.forEach((node, key) -> {
            Templates.Template t = ready.get(key);
            if (t == null) {
                long forks = chosen.values().stream().filter(key::equals).count();
                Optional<Templates.Template> cached = templates.find(key);
                if (cached.isEmpty()) {
                    say.accept(key, "building fork template " + key.id() + " for " + forks + " nodes");
                }
                t = cached.orElseGet(() -> build.apply(specs.get(node)));
                ready.put(key, t);
                say.accept(key, forks + " nodes fork from template " + key.id());
            }
            from.put(node, t);
        });
    }

    /** How a node starts: from its template while that still matches its spec and is cached, else a boot. */
    StartMode modeFor(String node, NodeSpec spec) {
        Templates.Template t = from.get(node);
        return t != null && t.key().equals(Templates.keyOf(spec)) && templates.find(t.key()).isPresent() ? t.forkMode() : StartMode.BOOT;
    }

    /** What the node reserves of the host's memory: a fork's share, or a booted node's. */
    long reserveMiB(NodePlan n, boolean merged) {
        return forks(n.name()) ? HostMemory.forkMiB(n) : HostMemory.nodeMiB(n, merged);
    }

    /** What a starting node may take before KSM merges anything: a fork starts with its template's pages shared. */
    long unmergedMiB(NodePlan n) {
        return forks(n.name()) ? HostMemory.forkMiB(n) : HostMemory.nodeMiB(n, false);
    }

    /** What the whole lab reserves: each node's share, and each template's RAM file once (the forks share its pages). */
    long labMiB(Plan plan, boolean merged) {
        long sum = plan.nodes().stream().mapToLong(n -> reserveMiB(n, merged)).sum();
        Map<ForkKey, Integer> templateMiB = new LinkedHashMap<>();
        plan.nodes().stream().filter(n -> forks(n.name())).forEach(n -> templateMiB.putIfAbsent(chosen.get(n.name()), n.memoryMiB()));
        return sum + templateMiB.values().stream().mapToLong(Integer::longValue).sum();
    }
}

package dev.netloom.lab;

import dev.netloom.nodes.NodeSpec;
import dev.netloom.nodes.fork.ForkKey;
import dev.netloom.nodes.image.ImageManifest;
import dev.netloom.nodes.qemu.Accel;
import dev.netloom.topology.NodePlan;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ForkChoiceTest {

    private static final ImageManifest TINY = new ImageManifest("tiny", "tiny", "vmlinuz", "initrd.img", null, null, "console=ttyS0", 96,
            "boot complete", null, null, null, null, "# $", List.of(), "f");

    private final List<NodePlan> nodes = new ArrayList<>();
    private final Map<String, NodeSpec> specs = new LinkedHashMap<>();

    private void node(String name, int memory, Boolean fork) {
        nodes.add(new NodePlan(name, nodes.size(), "tiny", memory, 1, List.of(), List.of(), Map.of(), List.of(), List.of(), null, null, fork));
        specs.put(name, NodeSpec.of(name, TINY, Path.of("/i"), Accel.TCG).withResources(1, memory));
    }

    private static ForkKey key(NodeSpec s) {
        return ForkKey.of(s, "qemu 7.2");
    }

    private Map<String, ForkKey> choose(boolean allowed, Set<String> unforkable, Set<Integer> cachedMemory) {
        return ForkChoice.choose(nodes, specs, allowed, s -> !unforkable.contains(s.name()), ForkChoiceTest::key,
                k -> cachedMemory.contains(k.memoryMiB()));
    }

    @Test
    void auto_forksGroupsOfAtLeastFourOrWithACachedTemplate_andBootsTheRest() {
        for (int i = 0; i < ForkChoice.AUTO_MIN_NODES; i++) {
            node("a" + i, 96, null);
        }
        node("b0", 128, null);
        node("c0", 256, null);
        Map<String, ForkKey> chosen = choose(true, Set.of(), Set.of(256));
        assertThat(chosen.keySet()).containsExactly("a0", "a1", "a2", "a3", "c0");
        assertThat(chosen.get("a0")).isEqualTo(chosen.get("a3"));
    }

    @Test
    void scenarioTrue_forksEvenAlone_andFalseBoots() {
        node("a", 96, true);
        node("b", 96, false);
        node("c", 96, null);
        assertThat(choose(true, Set.of(), Set.of()).keySet()).containsExactly("a");
    }

    @Test
    void noFork_orAnImageThatCannotFork_boots() {
        node("a", 96, true);
        node("b", 96, true);
        assertThat(choose(false, Set.of(), Set.of(96))).isEmpty();
        assertThat(choose(true, Set.of("a"), Set.of()).keySet()).containsExactly("b");
    }
}

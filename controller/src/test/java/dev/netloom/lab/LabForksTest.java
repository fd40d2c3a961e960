package dev.netloom.lab;

import dev.netloom.nodes.fork.ForkKey;
import dev.netloom.nodes.fork.Templates;
import dev.netloom.nodes.qemu.Accel;
import dev.netloom.nodes.qemu.Arch;
import dev.netloom.nodes.qemu.QemuCommandLine;
import dev.netloom.scenario.ScenarioLoader;
import dev.netloom.topology.NodePlan;
import dev.netloom.topology.Plan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What a lab with forks reserves: a fork's share per forked node, a booted node's otherwise, each template's RAM once. */
class LabForksTest {

    @TempDir
    Path cache;

    private static Plan plan(int nodes) {
        return Lab.planOf(new ScenarioLoader(image -> true).load("""
                { "name": "fk", "defaults": { "image": "tiny", "memory": "96M" },
                  "generate": { "topology": "line", "nodes": %d } }
                """.formatted(nodes), "fk.json"));
    }

    private static ForkKey key(int memory) {
        return new ForkKey("tiny", "f", Arch.X86_64, Accel.TCG, 1, memory, List.of(3), List.of(), "qemu 7.2", true);
    }

    @Test
    void labMiB_forksReserveTheirShareAndTheTemplateOnce_bootedNodesTheirWholeGuest() {
        Plan p = plan(100);
        Map<String, ForkKey> chosen = new LinkedHashMap<>();
        p.nodes().stream().skip(1).forEach(n -> chosen.put(n.name(), key(96)));
        LabForks forks = new LabForks(new Templates(cache), chosen);
        NodePlan booted = p.nodes().get(0);
        NodePlan forked = p.nodes().get(1);

        long fork = 32 + 16 + HostMemory.QEMU_OVERHEAD_MIB; // a third of the guest, a booted node's translation cache, QEMU's own
        assertThat(HostMemory.forkMiB(forked)).isEqualTo(fork);
        assertThat(forks.reserveMiB(forked, false)).isEqualTo(fork);
        assertThat(forks.reserveMiB(booted, false)).isEqualTo(HostMemory.nodeMiB(booted, false));
        assertThat(forks.unmergedMiB(forked)).isEqualTo(fork);
        assertThat(forks.unmergedMiB(booted)).isEqualTo(96 + 16 + HostMemory.QEMU_OVERHEAD_MIB);
        assertThat(forks.labMiB(p, false)).isEqualTo(HostMemory.nodeMiB(booted, false) + 99 * fork + 96);
        assertThat(forks.labMiB(p, false)).isLessThan(HostMemory.labMiB(p, false) * 6 / 10);
        // a fork may fill a larger cache than it reserves (resident only as far as filled)
        assertThat(QemuCommandLine.forkTcgCacheMiB(96)).isGreaterThan(QemuCommandLine.tcgCacheMiB(96));
    }

    @Test
    void labMiB_withoutForks_isTheBootedFigure() {
        Plan p = plan(5);
        LabForks none = new LabForks(new Templates(cache), Map.of());
        assertThat(none.labMiB(p, true)).isEqualTo(HostMemory.labMiB(p, true));
        assertThat(none.labMiB(p, false)).isEqualTo(HostMemory.labMiB(p, false));
    }
}

package dev.netloom.lab;

import dev.netloom.nodes.BadInputException;
import dev.netloom.scenario.ScenarioLoader;
import dev.netloom.topology.Plan;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Memory admission's arithmetic against this host's /proc/meminfo. */
class HostMemoryTest {

    private static Plan plan(int nodes, String memory) {
        return Lab.planOf(new ScenarioLoader(image -> true).load("""
                { "name": "mem", "defaults": { "image": "tiny", "memory": "%s" },
                  "generate": { "topology": "line", "nodes": %d } }
                """.formatted(memory, nodes), "mem.json"));
    }

    @Test
    void labMiB_isGuestMemoryPlusQemuOverheadPerNode() {
        assertThat(HostMemory.labMiB(plan(3, "96M"))).isEqualTo(3 * (96 + HostMemory.QEMU_OVERHEAD_MIB));
    }

    @Test
    void requirePossible_whenTheLabExceedsAllTheHostsMemory_refusesWithTheFigures() {
        Plan huge = plan(250, "4G");
        long total = HostMemory.meminfoMiB("MemTotal:");

        assertThatThrownBy(() -> HostMemory.requirePossible(huge))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("needs " + 250 * (4096 + HostMemory.QEMU_OVERHEAD_MIB) + " MiB for 250 nodes")
                .hasMessageContaining("this host has " + total + " MiB in all")
                .hasMessageContaining("use fewer nodes");
    }

    @Test
    void requirePossible_whenTheLabFits_passes() {
        HostMemory.requirePossible(plan(2, "96M"));
        assertThat(HostMemory.fit(plan(2, "96M")).impossible()).isFalse();
    }

    @Test
    void residentMiB_ofThisJvm_isPositive_andOfNoProcess_isZero() {
        assertThat(HostMemory.residentMiB(ProcessHandle.current().pid())).isPositive();
        assertThat(HostMemory.residentMiB(Integer.MAX_VALUE)).isZero();
    }
}

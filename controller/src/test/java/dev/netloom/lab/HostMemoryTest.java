package dev.netloom.lab;

import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.qemu.QemuCommandLine;
import dev.netloom.scenario.ScenarioLoader;
import dev.netloom.topology.Plan;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Memory admission's arithmetic: fixed hosts for the figures, this host's /proc for the rest. */
class HostMemoryTest {

    /** The development machines: 24 GiB, as /proc/meminfo gives it. */
    private static final long HOST_24G = 24105;

    private static Plan plan(int nodes, String memory) {
        return Lab.planOf(new ScenarioLoader(image -> true).load("""
                { "name": "mem", "defaults": { "image": "tiny", "memory": "%s" },
                  "generate": { "topology": "line", "nodes": %d } }
                """.formatted(memory, nodes), "mem.json"));
    }

    @Test
    void nodeMiB_tinyNode_isGuestPlusTranslationCachePlusQemu_withAThirdOfTheGuestWhenMerged() {
        Plan p = plan(2, "96M");
        assertThat(QemuCommandLine.tcgCacheMiB(96)).isEqualTo(16);
        assertThat(HostMemory.nodeMiB(p.nodes().get(0), false)).isEqualTo(96 + 16 + HostMemory.QEMU_OVERHEAD_MIB);
        assertThat(HostMemory.nodeMiB(p.nodes().get(0), true)).isEqualTo(32 + 16 + HostMemory.QEMU_OVERHEAD_MIB);
    }

    @Test
    void labMiB_isTheSumOverItsNodes() {
        assertThat(HostMemory.labMiB(plan(3, "96M"), false)).isEqualTo(3 * (96 + 16 + HostMemory.QEMU_OVERHEAD_MIB));
        assertThat(HostMemory.labMiB(plan(3, "512M"), true)).isEqualTo(3 * (171 + 85 + HostMemory.QEMU_OVERHEAD_MIB));
    }

    @Test
    void fit_200TinyNodesOn24GiB_fitWhenMerged_andNotWithout() {
        Plan twoHundred = plan(200, "96M");
        assertThat(HostMemory.fit(twoHundred, true, HOST_24G, HOST_24G).impossible()).isFalse();
        assertThat(HostMemory.fit(twoHundred, false, HOST_24G, HOST_24G).impossible()).isTrue();
    }

    @Test
    void fit_250TinyNodesMerged_fit_butNot250Of512MiB() {
        assertThat(HostMemory.fit(plan(250, "96M"), true, HOST_24G, HOST_24G).impossible()).isFalse();
        assertThat(HostMemory.fit(plan(250, "512M"), true, HOST_24G, HOST_24G).impossible()).isTrue();
    }

    @Test
    void fit_describe_saysHowItCounted() {
        assertThat(HostMemory.fit(plan(2, "96M"), true, HOST_24G, 20000).describe())
                .startsWith("needs " + 2 * (32 + 16 + HostMemory.QEMU_OVERHEAD_MIB) + " MiB for 2 nodes (a third of each guest's memory, merged by KSM,")
                .endsWith("this host has 24105 MiB in all, 20000 MiB available now");
        assertThat(HostMemory.fit(plan(2, "96M"), false, HOST_24G, 20000).describe()).contains("(guest memory + translation cache");
    }

    @Test
    void requirePossible_whenTheLabExceedsAllTheHostsMemory_refusesWithTheFigures() {
        Plan huge = plan(250, "4G");
        long total = HostMemory.meminfoMiB("MemTotal:");

        assertThatThrownBy(() -> HostMemory.requirePossible(huge, false))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("needs " + 250 * (4096 + 256 + HostMemory.QEMU_OVERHEAD_MIB) + " MiB for 250 nodes")
                .hasMessageContaining("this host has " + total + " MiB in all")
                .hasMessageContaining("use fewer nodes")
                .hasMessageContaining("let KSM merge");
        assertThatThrownBy(() -> HostMemory.requirePossible(huge, true))
                .isInstanceOf(BadInputException.class)
                .hasMessageNotContaining("let KSM merge");
    }

    @Test
    void requirePossible_whenTheLabFits_passes() {
        HostMemory.requirePossible(plan(2, "96M"), false);
        assertThat(HostMemory.fit(plan(2, "96M"), false).impossible()).isFalse();
    }

    @Test
    void unusedMiB_isWhatALabReservedAndDoesNotHoldYet_neverLessThanNothing() {
        assertThat(HostMemory.unusedMiB(13600, 8000)).isEqualTo(5600);
        assertThat(HostMemory.unusedMiB(13600, 20000)).as("unmerged nodes holding more than the reservation give no credit").isZero();
    }

    @Test
    void awaitHeadroom_forASmallNodeOnThisHost_returnsAtOnce() {
        long t0 = System.nanoTime();
        HostMemory.awaitHeadroom("mem", "n1", 1, false);
        assertThat(System.nanoTime() - t0).isLessThan(java.util.concurrent.TimeUnit.SECONDS.toNanos(5));
    }

    @Test
    void awaitHeadroom_forANodeLargerThanTheHost_isRefusedAtOnceWithoutMerging() {
        assertThatThrownBy(() -> HostMemory.awaitHeadroom("mem", "n1", 1L << 30, false))
                .isInstanceOf(dev.netloom.nodes.NetloomException.class)
                .hasMessageContaining("node n1 of lab mem is not started: the host has")
                .hasMessageNotContaining("after waiting");
    }

    @Test
    void awaitHeadroom_aClearCheckHoldsASecondForNodesNoLarger_butALargerNodeIsCheckedAgain() {
        HostMemory.forget("memc");
        HostMemory.awaitHeadroom("memc", "n1", 64, false);
        HostMemory.awaitHeadroom("memc", "n2", 64, false); // within the second, as large: not read again
        assertThatThrownBy(() -> HostMemory.awaitHeadroom("memc", "n3", 1L << 30, false))
                .isInstanceOf(dev.netloom.nodes.NetloomException.class).hasMessageContaining("node n3 of lab memc is not started");
        HostMemory.forget("memc");
    }

    @Test
    void heldMiB_isAnonymousResidentLessWhatKsmMerged() {
        String status = "Name:\tqemu-system-x86\nVmRSS:\t  180000 kB\nRssAnon:\t  102400 kB\nRssFile:\t   77600 kB\n";
        assertThat(HostMemory.heldMiB(status, "0\n")).isEqualTo(100);
        assertThat(HostMemory.heldMiB(status, "15360\n")).isEqualTo(40); // 60 MiB of 4 KiB pages merged
        assertThat(HostMemory.heldMiB(status, "30000")).isZero();
    }

    @Test
    void heldMiB_ofThisJvm_isPositive_andOfNoProcess_isZero() {
        assertThat(HostMemory.heldMiB(ProcessHandle.current().pid())).isPositive();
        assertThat(HostMemory.heldMiB(Integer.MAX_VALUE)).isZero();
    }
}

package dev.netloom.nodes.image;

import dev.netloom.nodes.NetloomException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KernelModulesTest {

    /** Shaped like a Debian kernel's modules.dep: compressed modules, dependencies in modprobe's order. */
    private static final String MODULES_DEP = """
            kernel/drivers/net/virtio_net.ko.xz: kernel/drivers/net/net_failover.ko.xz kernel/net/core/failover.ko.xz kernel/drivers/virtio/virtio.ko.xz kernel/drivers/virtio/virtio_ring.ko.xz
            kernel/drivers/net/net_failover.ko.xz: kernel/net/core/failover.ko.xz
            kernel/net/core/failover.ko.xz:
            kernel/drivers/virtio/virtio.ko.xz:
            kernel/drivers/virtio/virtio_ring.ko.xz: kernel/drivers/virtio/virtio.ko.xz
            kernel/net/8021q/8021q.ko.xz: kernel/net/802/garp.ko.xz kernel/net/802/stp.ko.xz kernel/net/802/mrp.ko.xz kernel/net/llc/llc.ko.xz
            kernel/net/802/garp.ko.xz: kernel/net/802/stp.ko.xz kernel/net/llc/llc.ko.xz
            kernel/net/802/stp.ko.xz: kernel/net/llc/llc.ko.xz
            kernel/net/802/mrp.ko.xz:
            kernel/net/llc/llc.ko.xz:
            kernel/net/sched/sch_netem.ko.xz:
            kernel/drivers/hid/hid-generic.ko.zst:

            """;

    @Test
    void parseModulesDep_readsEveryModuleAndItsDependenciesInOrder() {
        Map<String, List<String>> deps = KernelModules.parseModulesDep(MODULES_DEP);
        assertThat(deps).hasSize(12);
        assertThat(deps.get("kernel/net/8021q/8021q.ko.xz")).containsExactly(
                "kernel/net/802/garp.ko.xz", "kernel/net/802/stp.ko.xz", "kernel/net/802/mrp.ko.xz", "kernel/net/llc/llc.ko.xz");
        assertThat(deps.get("kernel/net/llc/llc.ko.xz")).isEmpty();
        assertThat(deps.get("kernel/drivers/hid/hid-generic.ko.zst")).isEmpty();
    }

    @Test
    void loadOrder_putsEveryModuleAfterAllItsDependencies() {
        Map<String, List<String>> deps = KernelModules.parseModulesDep(MODULES_DEP);
        List<String> order = KernelModules.loadOrder(deps, List.of("virtio_net", "8021q", "sch_netem"));

        assertThat(order).doesNotHaveDuplicates();
        assertThat(order).contains("kernel/drivers/net/virtio_net.ko.xz", "kernel/net/8021q/8021q.ko.xz",
                "kernel/net/sched/sch_netem.ko.xz");
        for (String module : order) {
            for (String dep : deps.get(module)) {
                assertThat(order).as("%s is loaded", dep).contains(dep);
                assertThat(order.indexOf(dep)).as("%s loads before %s", dep, module).isLessThan(order.indexOf(module));
            }
        }
        // nothing that was neither asked for nor needed
        assertThat(order).doesNotContain("kernel/drivers/hid/hid-generic.ko.zst");
        assertThat(order).hasSize(11);
    }

    @Test
    void loadOrder_loadsTheLastListedDependencyFirst() {
        Map<String, List<String>> deps = KernelModules.parseModulesDep(MODULES_DEP);
        assertThat(KernelModules.loadOrder(deps, List.of("8021q"))).containsExactly(
                "kernel/net/llc/llc.ko.xz", "kernel/net/802/mrp.ko.xz", "kernel/net/802/stp.ko.xz",
                "kernel/net/802/garp.ko.xz", "kernel/net/8021q/8021q.ko.xz");
    }

    @Test
    void loadOrder_sharedDependencyAskedForTwice_appearsOnce() {
        Map<String, List<String>> deps = KernelModules.parseModulesDep(MODULES_DEP);
        List<String> order = KernelModules.loadOrder(deps, List.of("stp", "garp", "llc", "garp"));
        assertThat(order).containsExactly("kernel/net/llc/llc.ko.xz", "kernel/net/802/stp.ko.xz", "kernel/net/802/garp.ko.xz");
    }

    @Test
    void loadOrder_dashedNameFindsTheModule() {
        Map<String, List<String>> deps = KernelModules.parseModulesDep(MODULES_DEP);
        assertThat(KernelModules.loadOrder(deps, List.of("hid-generic")))
                .containsExactly("kernel/drivers/hid/hid-generic.ko.zst");
    }

    @Test
    void loadOrder_dependencyCycle_terminatesWithEachModuleOnce() {
        Map<String, List<String>> deps = KernelModules.parseModulesDep("a.ko: b.ko\nb.ko: a.ko\n");
        assertThat(KernelModules.loadOrder(deps, List.of("a"))).containsExactlyInAnyOrder("a.ko", "b.ko");
    }

    @Test
    void loadOrder_unknownModule_failsNamingIt() {
        Map<String, List<String>> deps = KernelModules.parseModulesDep(MODULES_DEP);
        assertThatThrownBy(() -> KernelModules.loadOrder(deps, List.of("virtio_net", "no_such_mod")))
                .isInstanceOf(NetloomException.class)
                .hasMessageContaining("no_such_mod");
    }

    @Test
    void moduleName_stripsDirectoryAndCompressionAndTurnsDashesIntoUnderscores() {
        assertThat(KernelModules.moduleName("kernel/net/8021q/8021q.ko")).isEqualTo("8021q");
        assertThat(KernelModules.moduleName("kernel/drivers/net/virtio_net.ko.xz")).isEqualTo("virtio_net");
        assertThat(KernelModules.moduleName("kernel/net/sched/sch_netem.ko.zst")).isEqualTo("sch_netem");
        assertThat(KernelModules.moduleName("kernel/net/sched/sch_tbf.ko.gz")).isEqualTo("sch_tbf");
        assertThat(KernelModules.moduleName("kernel/drivers/hid/hid-generic.ko.zst")).isEqualTo("hid_generic");
        assertThat(KernelModules.moduleName("llc.ko")).isEqualTo("llc");
    }
}

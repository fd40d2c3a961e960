package dev.netloom.nodes.image;

import dev.netloom.nodes.NetloomException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TinyImageBuilderTest {

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
        Map<String, List<String>> deps = TinyImageBuilder.parseModulesDep(MODULES_DEP);
        assertThat(deps).hasSize(12);
        assertThat(deps.get("kernel/net/8021q/8021q.ko.xz")).containsExactly(
                "kernel/net/802/garp.ko.xz", "kernel/net/802/stp.ko.xz", "kernel/net/802/mrp.ko.xz", "kernel/net/llc/llc.ko.xz");
        assertThat(deps.get("kernel/net/llc/llc.ko.xz")).isEmpty();
        assertThat(deps.get("kernel/drivers/hid/hid-generic.ko.zst")).isEmpty();
    }

    @Test
    void loadOrder_putsEveryModuleAfterAllItsDependencies() {
        Map<String, List<String>> deps = TinyImageBuilder.parseModulesDep(MODULES_DEP);
        List<String> order = TinyImageBuilder.loadOrder(deps, List.of("virtio_net", "8021q", "sch_netem"));

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
        Map<String, List<String>> deps = TinyImageBuilder.parseModulesDep(MODULES_DEP);
        assertThat(TinyImageBuilder.loadOrder(deps, List.of("8021q"))).containsExactly(
                "kernel/net/llc/llc.ko.xz", "kernel/net/802/mrp.ko.xz", "kernel/net/802/stp.ko.xz",
                "kernel/net/802/garp.ko.xz", "kernel/net/8021q/8021q.ko.xz");
    }

    @Test
    void loadOrder_sharedDependencyAskedForTwice_appearsOnce() {
        Map<String, List<String>> deps = TinyImageBuilder.parseModulesDep(MODULES_DEP);
        List<String> order = TinyImageBuilder.loadOrder(deps, List.of("stp", "garp", "llc", "garp"));
        assertThat(order).containsExactly("kernel/net/llc/llc.ko.xz", "kernel/net/802/stp.ko.xz", "kernel/net/802/garp.ko.xz");
    }

    @Test
    void loadOrder_dashedNameFindsTheModule() {
        Map<String, List<String>> deps = TinyImageBuilder.parseModulesDep(MODULES_DEP);
        assertThat(TinyImageBuilder.loadOrder(deps, List.of("hid-generic")))
                .containsExactly("kernel/drivers/hid/hid-generic.ko.zst");
    }

    @Test
    void loadOrder_dependencyCycle_terminatesWithEachModuleOnce() {
        Map<String, List<String>> deps = TinyImageBuilder.parseModulesDep("a.ko: b.ko\nb.ko: a.ko\n");
        assertThat(TinyImageBuilder.loadOrder(deps, List.of("a"))).containsExactlyInAnyOrder("a.ko", "b.ko");
    }

    @Test
    void loadOrder_unknownModule_failsNamingIt() {
        Map<String, List<String>> deps = TinyImageBuilder.parseModulesDep(MODULES_DEP);
        assertThatThrownBy(() -> TinyImageBuilder.loadOrder(deps, List.of("virtio_net", "no_such_mod")))
                .isInstanceOf(NetloomException.class)
                .hasMessageContaining("no_such_mod");
    }

    @Test
    void moduleName_stripsDirectoryAndCompressionAndTurnsDashesIntoUnderscores() {
        assertThat(TinyImageBuilder.moduleName("kernel/net/8021q/8021q.ko")).isEqualTo("8021q");
        assertThat(TinyImageBuilder.moduleName("kernel/drivers/net/virtio_net.ko.xz")).isEqualTo("virtio_net");
        assertThat(TinyImageBuilder.moduleName("kernel/net/sched/sch_netem.ko.zst")).isEqualTo("sch_netem");
        assertThat(TinyImageBuilder.moduleName("kernel/net/sched/sch_tbf.ko.gz")).isEqualTo("sch_tbf");
        assertThat(TinyImageBuilder.moduleName("kernel/drivers/hid/hid-generic.ko.zst")).isEqualTo("hid_generic");
        assertThat(TinyImageBuilder.moduleName("llc.ko")).isEqualTo("llc");
    }

    @Test
    void parseMiB_acceptsMebibytesAndGibibytes() {
        assertThat(TinyImageBuilder.parseMiB("96M")).isEqualTo(96);
        assertThat(TinyImageBuilder.parseMiB("128MiB")).isEqualTo(128);
        assertThat(TinyImageBuilder.parseMiB("64 mb")).isEqualTo(64);
        assertThat(TinyImageBuilder.parseMiB(" 1G ")).isEqualTo(1024);
        assertThat(TinyImageBuilder.parseMiB("2GiB")).isEqualTo(2048);
        assertThat(TinyImageBuilder.parseMiB("96")).isEqualTo(96); // a bare number is MiB, as in scenarios
    }

    @Test
    void parseMiB_withUnknownUnitOrNoSize_failsNamingTheValue() {
        for (String bad : List.of("1T", "96K", "lots", "-5M")) {
            assertThatThrownBy(() -> TinyImageBuilder.parseMiB(bad))
                    .isInstanceOf(NetloomException.class)
                    .hasMessageContaining("'" + bad + "'");
        }
    }

    @Test
    void sha256_dependsOnThePartBoundaries() {
        String ab = TinyImageBuilder.sha256("ab".getBytes(), "c".getBytes());
        String a = TinyImageBuilder.sha256("a".getBytes(), "bc".getBytes());
        assertThat(ab).hasSize(64).isNotEqualTo(a);
        assertThat(TinyImageBuilder.sha256("ab".getBytes(), "c".getBytes())).isEqualTo(ab);
    }

    private static byte[] resource(String name) throws java.io.IOException {
        return java.nio.file.Files.readAllBytes(java.nio.file.Path.of("../images/tiny", name));
    }

    @Test
    void recipe_arm64_takesItsKernelArgumentsAndConsoleAndEverythingElseFromTinyJson() throws Exception {
        TinyImageBuilder.TinyRecipe x86 = TinyImageBuilder.recipe(resource("tiny.json"), null);
        TinyImageBuilder.TinyRecipe arm = TinyImageBuilder.recipe(resource("tiny.json"), resource("arm64.json"));

        assertThat(arm.kernelPackage()).isEqualTo("linux-image-cloud-arm64");
        assertThat(arm.kernelArgs()).startsWith("console=ttyAMA0 ");
        assertThat(arm.consoleTty()).isEqualTo("ttyAMA0");
        assertThat(arm.packages()).isEqualTo(x86.packages()).contains("busybox-static", "iproute2");
        assertThat(arm.binaries()).isEqualTo(x86.binaries());
        assertThat(arm.modules()).isEqualTo(x86.modules()).contains("virtio_pci", "virtio_net", "virtio_console");
        assertThat(arm.bootPattern()).isEqualTo(x86.bootPattern());
        assertThat(arm.promptPattern()).isEqualTo(x86.promptPattern());
        assertThat(arm.capabilities()).isEqualTo(x86.capabilities());
        assertThat(x86.consoleTty()).isNull();
        assertThat(arm.humanTty()).isEqualTo("hvc0");
        assertThat(x86.humanTty()).isNull();
    }

    @Test
    void consoleInit_putsTheShellOnTheRecipesConsole() throws Exception {
        byte[] init = resource("init");
        TinyImageBuilder.TinyRecipe x86 = TinyImageBuilder.recipe(resource("tiny.json"), null);
        TinyImageBuilder.TinyRecipe arm = TinyImageBuilder.recipe(resource("tiny.json"), resource("arm64.json"));

        assertThat(TinyImageBuilder.consoleInit(init, x86)).isSameAs(init);
        String armInit = new String(TinyImageBuilder.consoleInit(init, arm), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(armInit).contains("</dev/ttyAMA0 >/dev/ttyAMA0").doesNotContain("/dev/ttyS0");
        assertThat(armInit).contains("stty -F /dev/hvc0", "</dev/hvc0 >/dev/hvc0", "-n netloom-hvc0").doesNotContain("/dev/ttyS1");
    }

    @Test
    void nameFor_x86IsTinyAndOthersCarryTheirArchitecture() {
        assertThat(TinyImageBuilder.nameFor(dev.netloom.nodes.qemu.Arch.X86_64)).isEqualTo("tiny");
        assertThat(TinyImageBuilder.nameFor(dev.netloom.nodes.qemu.Arch.ARM64)).isEqualTo("tiny-arm64");
    }

    @Test
    void layout_namesEachArchitecturesLibraryDirectoryAndLoader() {
        var x86 = TinyImageBuilder.Layout.of(dev.netloom.nodes.qemu.Arch.X86_64);
        var arm = TinyImageBuilder.Layout.of(dev.netloom.nodes.qemu.Arch.ARM64);
        assertThat(x86.interpreter()).isEqualTo("lib64/ld-linux-x86-64.so.2");
        assertThat(x86.libDirs()).startsWith("lib/x86_64-linux-gnu", "usr/lib/x86_64-linux-gnu");
        assertThat(arm.interpreter()).isEqualTo("lib/ld-linux-aarch64.so.1");
        assertThat(arm.loader()).isEqualTo("ld-linux-aarch64.so.1");
        assertThat(arm.libDirs()).startsWith("lib/aarch64-linux-gnu", "usr/lib/aarch64-linux-gnu");
    }
}

package dev.netloom.nodes.image;

import dev.netloom.nodes.NetloomException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TinyImageBuilderTest {

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
}

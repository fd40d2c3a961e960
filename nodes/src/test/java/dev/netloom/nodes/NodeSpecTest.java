package dev.netloom.nodes;

import dev.netloom.nodes.image.ImageManifest;
import dev.netloom.nodes.qemu.Accel;
import dev.netloom.nodes.qemu.Arch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NodeSpecTest {

    private static final ImageManifest TINY = new ImageManifest("tiny", "tiny", "vmlinuz", "initrd.img", null, null,
            "console=ttyS0", 96, "boot complete", null, null, null, null, "# $", List.of(), "fp");
    private static final Path DIR = Path.of("/images/tiny");

    @ParameterizedTest
    @ValueSource(strings = {"", "1r", "R1", "r_1", "r.1", "-r", "r 1", "abcdefghijklmnop"})
    void new_badName_isRejectedNamingIt(String name) {
        assertThatThrownBy(() -> NodeSpec.of(name, TINY, DIR, Accel.TCG))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("'" + name + "'")
                .hasMessageContaining("1-15 characters");
    }

    @Test
    void new_nullName_isRejected() {
        assertThatThrownBy(() -> NodeSpec.of(null, TINY, DIR, Accel.TCG)).isInstanceOf(BadInputException.class);
    }

    @Test
    void new_goodNames_areAccepted() {
        assertThat(NodeSpec.of("r", TINY, DIR, Accel.TCG).name()).isEqualTo("r");
        assertThat(NodeSpec.of("edge-router-01a", TINY, DIR, Accel.KVM).name()).hasSize(15);
    }

    @Test
    void new_kvmForAnImageOfAnotherArchitecture_isRejected() {
        Arch other = Arch.host().orElse(Arch.X86_64) == Arch.X86_64 ? Arch.ARM64 : Arch.X86_64;
        ImageManifest foreign = new ImageManifest("tiny-x", "tiny", "vmlinuz", "initrd.img", null, null, null, 96,
                "boot", null, null, null, null, "# ", List.of(), null, other);
        assertThatThrownBy(() -> NodeSpec.of("r1", foreign, DIR, Accel.KVM))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("KVM cannot run " + other + " guests")
                .hasMessageContaining("TCG");
        assertThat(NodeSpec.of("r1", foreign, DIR, Accel.TCG).accel()).isEqualTo(Accel.TCG);
    }

    @Test
    void new_autoAccel_isRejected() {
        assertThatThrownBy(() -> NodeSpec.of("r1", TINY, DIR, Accel.AUTO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("AccelProbe");
    }

    @Test
    void withResources_tooLittleMemoryOrNoCpu_isRejectedWithTheValues() {
        NodeSpec spec = NodeSpec.of("r1", TINY, DIR, Accel.TCG);
        assertThatThrownBy(() -> spec.withResources(1, 15))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("r1")
                .hasMessageContaining("15 MiB");
        assertThatThrownBy(() -> spec.withResources(0, 96))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("0 CPUs");
        assertThat(spec.withResources(1, 16).memoryMiB()).isEqualTo(16);
    }

    @Test
    void of_takesTheImagesDefaults() {
        NodeSpec spec = NodeSpec.of("r1", TINY, DIR, Accel.TCG);
        assertThat(spec.cpus()).isEqualTo(1);
        assertThat(spec.memoryMiB()).isEqualTo(96);
        assertThat(spec.nics()).isEmpty();
        assertThat(spec.netns()).isNull();
        assertThat(spec.extraArgs()).isEmpty();
        assertThat(spec.stallTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(spec.bootBudget()).isEqualTo(Duration.ofSeconds(600));
        assertThat(spec.restartBudget()).isZero();
    }

    @Test
    void withNics_copiesTheList() {
        List<NodeSpec.Nic> nics = new ArrayList<>(List.of(new NodeSpec.Nic("t0", "52:54:00:00:00:01", 3)));
        NodeSpec spec = NodeSpec.of("r1", TINY, DIR, Accel.TCG).withNics(nics);
        nics.add(new NodeSpec.Nic("t1", "52:54:00:00:00:02", 4));
        assertThat(spec.nics()).hasSize(1);
        assertThatThrownBy(() -> spec.nics().add(null)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void withers_keepTheOtherFields() {
        NodeSpec spec = NodeSpec.of("r1", TINY, DIR, Accel.KVM)
                .withResources(2, 256)
                .withNetns(new dev.netloom.nodes.host.Netns.Named("nl-lab"))
                .withExtraArgs(List.of("-rtc", "base=utc"))
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(50), 2)
                .withNics(List.of(new NodeSpec.Nic("t0", "52:54:00:00:00:01", 3)));
        assertThat(spec.accel()).isEqualTo(Accel.KVM);
        assertThat(spec.cpus()).isEqualTo(2);
        assertThat(spec.memoryMiB()).isEqualTo(256);
        assertThat(spec.netns()).isEqualTo(new dev.netloom.nodes.host.Netns.Named("nl-lab"));
        assertThat(spec.extraArgs()).containsExactly("-rtc", "base=utc");
        assertThat(spec.stallTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(spec.bootBudget()).isEqualTo(Duration.ofSeconds(50));
        assertThat(spec.restartBudget()).isEqualTo(2);
        assertThat(spec.nics()).hasSize(1);
    }
}

package dev.netloom.nodes.fork;

import dev.netloom.nodes.NodeSpec;
import dev.netloom.nodes.image.ImageManifest;
import dev.netloom.nodes.qemu.Accel;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ForkKeyTest {

    private static final String QEMU = "QEMU emulator version 7.2.22";

    private static ImageManifest image(String fingerprint) {
        return image(fingerprint, List.of());
    }

    private static ImageManifest image(String fingerprint, List<String> capabilities) {
        return new ImageManifest("tiny", "tiny", "vmlinuz", "initrd.img", null, null, "console=ttyS0", 96,
                "boot complete", null, null, null, null, "# $", capabilities, fingerprint);
    }

    private static NodeSpec spec(String name, String mac, String tap, int slot) {
        return NodeSpec.of(name, image("f1"), Path.of("/images/tiny"), Accel.TCG).withNics(List.of(new NodeSpec.Nic(tap, mac, slot)));
    }

    @Test
    void nodesOfOneLayout_shareAKey_whateverTheirNamesTapsAndMacs() {
        ForkKey a = ForkKey.of(spec("a", "52:54:00:00:00:01", "nl-a-0", 3), QEMU);
        ForkKey b = ForkKey.of(spec("b", "52:54:00:00:00:02", "nl-b-0", 3), QEMU);
        assertThat(a).isEqualTo(b);
        assertThat(a.id()).isEqualTo(b.id()).startsWith("tiny-").matches("tiny-[0-9a-f]{24}");
    }

    @Test
    void anyChangeOfImageMemoryCpusNicsArgsQemuOrDevices_givesAnotherKey() {
        NodeSpec base = spec("a", "52:54:00:00:00:01", "nl-a-0", 3);
        String id = ForkKey.of(base, QEMU).id();
        List<ForkKey> others = List.of(
                ForkKey.of(NodeSpec.of("a", image("f2"), Path.of("/images/tiny"), Accel.TCG).withNics(base.nics()), QEMU),
                ForkKey.of(base.withResources(1, 128), QEMU),
                ForkKey.of(base.withResources(2, 96), QEMU),
                ForkKey.of(base.withNics(List.of()), QEMU),
                ForkKey.of(base.withNics(List.of(new NodeSpec.Nic("t", "52:54:00:00:00:01", 4))), QEMU),
                ForkKey.of(base.withExtraArgs(List.of("-rtc", "base=utc")), QEMU),
                ForkKey.of(base, "QEMU emulator version 8.0.0"),
                ForkKey.of(NodeSpec.of("a", image("f1"), Path.of("/images/tiny"), Accel.KVM).withNics(base.nics()), QEMU),
                // the same files said to have a console for people: the node gets a device more
                ForkKey.of(NodeSpec.of("a", image("f1", List.of(ImageManifest.HUMAN_CONSOLE)), Path.of("/images/tiny"), Accel.TCG)
                        .withNics(base.nics()), QEMU));
        assertThat(others).extracting(ForkKey::id).doesNotContain(id).doesNotHaveDuplicates();
    }

    @Test
    void templateSpec_keepsTheDevices_dropsTapsNamespaceMacsAndFirmwareFiles() {
        NodeSpec spec = spec("a", "52:54:00:00:00:09", "nl-a-0", 5).withNetns(new dev.netloom.nodes.host.Netns.Named("nl-lab"))
                .withFirmware(List.of(new NodeSpec.FirmwareFile("opt/dev.netloom/hosts", Path.of("/run/labs/lab/hosts"))));
        NodeSpec t = Templates.templateSpec(spec);
        assertThat(t.name()).isEqualTo("template");
        assertThat(t.netns()).isNull();
        assertThat(t.firmware()).as("each fork's own, not the template's").isEmpty();
        assertThat(t.nics()).containsExactly(new NodeSpec.Nic(null, "52:54:00:00:00:05", 5));
        assertThat(ForkKey.of(t, QEMU)).isEqualTo(ForkKey.of(spec, QEMU));
    }

    @Test
    void forkable_onlyForKernelImagesOfAForkableKindWithAFingerprint() {
        assertThat(Templates.forkable(spec("a", "52:54:00:00:00:01", "t", 3))).isTrue();
        NodeSpec noFingerprint = NodeSpec.of("a", image(null), Path.of("/images/tiny"), Accel.TCG);
        assertThat(Templates.forkable(noFingerprint)).isFalse();
        ImageManifest disk = new ImageManifest("deb", "debian", null, null, "disk.qcow2", "qcow2", null, 512,
                "login:", "login: $", "root", null, null, "# $", List.of(), "f");
        assertThat(Templates.forkable(NodeSpec.of("a", disk, Path.of("/images/deb"), Accel.TCG))).isFalse();
    }
}

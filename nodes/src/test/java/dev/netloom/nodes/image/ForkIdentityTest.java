package dev.netloom.nodes.image;

import dev.netloom.nodes.NodeSpec;
import dev.netloom.nodes.console.ExecFraming;
import dev.netloom.nodes.qemu.Accel;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ForkIdentityTest {

    private static final ImageManifest TINY = new ImageManifest("tiny", "tiny", "vmlinuz", "initrd.img", null, null, "console=ttyS0", 96,
            "boot complete", null, null, null, null, "# $", List.of(), "f");

    @Test
    void linuxCommand_setsHostnameMacsSeedAndClock_inOneLine() {
        NodeSpec spec = NodeSpec.of("r7", TINY, Path.of("/i"), Accel.TCG).withNics(List.of(
                new NodeSpec.Nic("t0", "52:54:00:00:07:00", 3), new NodeSpec.Nic("t1", "52:54:00:00:07:01", 4)));
        String line = ForkIdentity.linuxCommand(spec, "00ff", 1_800_000_000_999L);
        assertThat(line).isEqualTo("echo r7 > /proc/sys/kernel/hostname && echo r7 > /etc/hostname && echo '127.0.0.1 localhost r7' > /etc/hosts"
                + " && printf '%s\\n' 'link set dev eth0 address 52:54:00:00:07:00' 'link set dev eth1 address 52:54:00:00:07:01' | ip -batch -"
                + " && echo 00ff > /dev/urandom && date -u -s @1800000000 > /dev/null");
        assertThat(ExecFraming.problem(line)).isNull();
    }

    @Test
    void linuxCommand_withOneNic_runsOneIpWithoutABatch() {
        NodeSpec spec = NodeSpec.of("r7", TINY, Path.of("/i"), Accel.TCG).withNics(List.of(new NodeSpec.Nic("t0", "52:54:00:00:07:00", 3)));
        assertThat(ForkIdentity.linuxCommand(spec, "00ff", 0)).contains(" && ip link set dev eth0 address 52:54:00:00:07:00 && echo 00ff")
                .doesNotContain("-batch");
    }

    @Test
    void linuxCommand_withoutNics_setsNoMac() {
        NodeSpec spec = NodeSpec.of("r7", TINY, Path.of("/i"), Accel.TCG);
        assertThat(ForkIdentity.linuxCommand(spec, "00ff", 0)).doesNotContain("ip ").endsWith("date -u -s @0 > /dev/null");
    }

    @Test
    void tinyFork_withFirmwareFiles_loadsItsFwCfgDriverAgain_soThatItListsItsOwnQemusFiles() {
        NodeSpec spec = NodeSpec.of("r7", TINY, Path.of("/i"), Accel.TCG);
        ImageKind tiny = ImageKinds.forBoot("tiny");
        assertThat(tiny.forkIdentity(spec, "00ff", 0)).isEqualTo(ForkIdentity.linuxCommand(spec, "00ff", 0));
        String line = tiny.forkIdentity(spec.withFirmware(List.of(new NodeSpec.FirmwareFile("opt/dev.netloom/hosts", Path.of("/run/l/hosts")))), "00ff", 0);
        assertThat(line).isEqualTo(ForkIdentity.linuxCommand(spec, "00ff", 0)
                + " && if [ -d /sys/module/qemu_fw_cfg ]; then rmmod qemu_fw_cfg && insmod /lib/modules/qemu_fw_cfg.ko; fi");
        assertThat(ExecFraming.problem(line)).isNull();
    }

    @Test
    void freshSeed_isHexAndDiffersEachTime() {
        String a = ForkIdentity.freshSeed();
        assertThat(a).matches("[0-9a-f]{" + 2 * ForkIdentity.SEED_BYTES + "}");
        assertThat(ForkIdentity.freshSeed()).isNotEqualTo(a);
    }

    @Test
    void linuxCommand_refusesASeedThatIsNotHex() {
        NodeSpec spec = NodeSpec.of("r7", TINY, Path.of("/i"), Accel.TCG);
        assertThatThrownBy(() -> ForkIdentity.linuxCommand(spec, "ab; reboot", 0)).isInstanceOf(IllegalArgumentException.class);
    }
}

package dev.netloom.nodes.image;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NoCloudSeedTest {

    @Test
    void metaData_namesTheInstanceAndTheHost() {
        NoCloudSeed seed = NoCloudSeed.forNode("r1", "18c2a1f", null, List.of());
        assertThat(seed.metaData()).isEqualTo("instance-id: r1-18c2a1f\nlocal-hostname: r1\n");
    }

    @Test
    void userData_logsRootInOnTtyS0AndPrintsTheMarkerLast() {
        String userData = NoCloudSeed.forNode("r1", "1", null, List.of()).userData();
        assertThat(userData).startsWith("#cloud-config\n")
                .contains("\nhostname: r1\n")
                .contains("\npreserve_hostname: false\n")
                .contains("  - path: /etc/systemd/system/serial-getty@ttyS0.service.d/netloom-autologin.conf\n")
                .contains("      ExecStart=\n      ExecStart=-/sbin/agetty --autologin root --noclear --keep-baud 115200,57600,38400,9600 %I $TERM\n")
                .containsSubsequence("  - [systemctl, daemon-reload]\n",
                        "  - [systemctl, restart, serial-getty@ttyS0.service]\n",
                        "  - [systemd-run, --no-block, --unit=netloom-ready, --, /bin/sh, -c, \"timeout 40 systemctl is-system-running --wait"
                                + " >/dev/null 2>&1; dmesg -n 1; echo \\\"netloom-cloud: boot complete on $(hostname)\\\" > /dev/ttyS0\"]\n")
                .doesNotContain("ssh_authorized_keys", "disable_root");
    }

    @Test
    void userData_withAPeoplesTty_logsRootInThereToo_beforeTheMarker() {
        String userData = NoCloudSeed.forNode("r1", "1", null, List.of(), "ttyS1").userData();
        assertThat(userData)
                .contains("  - path: /etc/systemd/system/serial-getty@ttyS0.service.d/netloom-autologin.conf\n")
                .contains("  - path: /etc/systemd/system/serial-getty@ttyS1.service.d/netloom-autologin.conf\n")
                .containsSubsequence("  - [systemctl, restart, serial-getty@ttyS0.service]\n",
                        "  - [systemctl, restart, serial-getty@ttyS1.service]\n", "netloom-cloud: boot complete");
        assertThat(NoCloudSeed.forNode("r1", "1", null, List.of()).userData()).doesNotContain("ttyS1");
        assertThatThrownBy(() -> NoCloudSeed.forNode("r1", "1", null, List.of(), "ttyS1.service]\n  - [reboot"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void userData_withSshKey_authorisesItForRoot() {
        String key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIK0 \"lab\" user@host";
        String userData = NoCloudSeed.forNode("r1", "1", key + "\n", List.of()).userData();
        assertThat(userData).contains("disable_root: false\nssh_authorized_keys:\n"
                + "  - \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIK0 \\\"lab\\\" user@host\"\n");
    }

    @Test
    void userData_withNics_renamesThemToEthNByMacAtBoot() {
        String userData = NoCloudSeed.forNode("r1", "1", null, List.of("52:54:00:00:01:00", "52:54:00:00:01:01")).userData();
        assertThat(userData).contains("bootcmd:\n  - [sh, -c, " + NoCloudSeed.yamlString(NoCloudSeed.renameScript())
                + ", netloom-ifnames, \"52:54:00:00:01:00\", \"52:54:00:00:01:01\"]\n");
        assertThat(NoCloudSeed.forNode("r1", "1", null, List.of()).userData()).doesNotContain("bootcmd");
        assertThatThrownBy(() -> NoCloudSeed.forNode("r1", "1", null, List.of("52:54:00:00:01:00, evil")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void networkConfig_disablesCloudInitNetworking() {
        assertThat(NoCloudSeed.forNode("r1", "1", null, List.of()).networkConfig()).isEqualTo("config: disabled\n");
    }

    @Test
    void seed_rejectsWhatWouldBreakTheYaml() {
        assertThatThrownBy(() -> NoCloudSeed.forNode("r1", "1", "ssh-ed25519 AAAA\nruncmd: [reboot]", List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NoCloudSeed.forNode("R1: x", "1", null, List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NoCloudSeed.forNode("r1", "a b", null, List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void isoCommand_genisoimageAndXorriso_labelTheVolumeCidata() {
        Path dir = Path.of("/run/nl/r1/seed.iso.d");
        Path iso = Path.of("/run/nl/r1/seed.iso");
        assertThat(NoCloudSeed.isoCommand("genisoimage", dir, iso)).containsExactly(
                "genisoimage", "-quiet", "-volid", "cidata", "-joliet", "-rock", "-output", "/run/nl/r1/seed.iso", "/run/nl/r1/seed.iso.d");
        assertThat(NoCloudSeed.isoCommand("xorriso", dir, iso)).containsExactly(
                "xorriso", "-as", "mkisofs", "-quiet", "-volid", "cidata", "-joliet", "-rock", "-output", "/run/nl/r1/seed.iso",
                "/run/nl/r1/seed.iso.d");
    }

    @Test
    void yamlString_escapesQuotesAndBackslashes() {
        assertThat(NoCloudSeed.yamlString("a \"b\" \\c")).isEqualTo("\"a \\\"b\\\" \\\\c\"");
    }
}

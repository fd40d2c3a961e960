package dev.netloom.guest;

import dev.netloom.nodes.NetloomException;
import dev.netloom.topology.InterfacePlan;
import dev.netloom.topology.NodePlan;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GuestToolsTest {

    @Test
    void parse_readsTheProbeLine_amidOtherOutput() {
        GuestTools t = GuestTools.parse("noise\r\nnetloom-tools ip=busybox tc=no netem=no sysctl=yes shell=/bin/busybox\r\n");
        assertThat(t).isEqualTo(new GuestTools(GuestTools.Ip.BUSYBOX, false, false, true, "/bin/busybox"));
        assertThat(t.describe()).isEqualTo("ip busybox, no tc, shell /bin/busybox");
        GuestTools noIpv6 = GuestTools.parse("netloom-tools ip=busybox tc=no netem=no sysctl=yes ipv6=no shell=/bin/busybox");
        assertThat(noIpv6.ipv6()).isFalse();
        assertThat(noIpv6.describe()).isEqualTo("ip busybox, no tc, no IPv6, shell /bin/busybox");
        assertThat(GuestTools.parse("netloom-tools ip=busybox tc=no netem=no sysctl=yes ipv6=yes shell=/bin/sh").ipv6()).isTrue();
        assertThat(GuestTools.parse("netloom-tools ip=iproute2 tc=yes netem=yes sysctl=no shell=/usr/bin/bash").ip())
                .isEqualTo(GuestTools.Ip.IPROUTE2);
        GuestTools fwCfg = GuestTools.parse("netloom-tools ip=iproute2 tc=yes netem=yes sysctl=no ipv6=yes fwcfg=yes shell=/bin/sh");
        assertThat(fwCfg.fwCfg()).isTrue();
        assertThat(fwCfg.describe()).isEqualTo("ip iproute2, tc with netem, fw_cfg, shell /bin/sh");
        assertThat(t.fwCfg()).as("a guest that does not say").isFalse();
        assertThatThrownBy(() -> GuestTools.parse("sh: syntax error")).hasMessageContaining("did not answer");
    }

    /**
     * The probe is POSIX shell: the host's /bin/sh (dash on Debian) runs it and reports what this host
     * has; in a network namespace of its own, so that its netem try never touches the host's lo.
     */
    @Test
    void probe_runsInAPosixShell_andReportsWhatIsThere() throws Exception {
        Process p = new ProcessBuilder("unshare", "--net", "sh", "-c", GuestTools.PROBE).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        GuestTools t = GuestTools.parse(out);
        assertThat(t.ip()).isEqualTo(Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip"))
                ? GuestTools.Ip.IPROUTE2 : GuestTools.Ip.NONE);
        assertThat(t.shell()).isNotBlank();
        assertThat(t.ipv6()).isEqualTo(Files.isDirectory(Path.of("/proc/sys/net/ipv6")));
        assertThat(t.fwCfg()).isEqualTo(Files.isDirectory(Path.of("/sys/firmware/qemu_fw_cfg/by_name")));
    }

    @Test
    void noIp_isRefusedWithTheReason() {
        InterfacePlan eth0 = new InterfacePlan(0, "eth0", "a-b", "t0x0", "52:54:00:00:00:01", 3, "10.0.0.1/30");
        NodePlan n = new NodePlan("a", 0, "img", 96, 1, List.of(eth0), List.of(), Map.of("a", List.of("10.0.0.1")), List.of());
        GuestTools none = new GuestTools(GuestTools.Ip.NONE, false, false, false, "/bin/sh");
        assertThatThrownBy(() -> GuestConfig.configure(n, none)).isInstanceOf(NetloomException.class)
                .hasMessageContaining("node a has no ip command").hasMessageContaining("BusyBox");
    }

    @Test
    void ipv6AddressesOnAKernelWithoutIpv6_areRefusedWithTheReason() {
        InterfacePlan eth0 = new InterfacePlan(0, "eth0", "a-b", "t0x0", "52:54:00:00:00:01", 3, null, "fd00:1::1/64");
        NodePlan n = new NodePlan("a", 0, "img", 96, 1, List.of(eth0), List.of(), Map.of("a", List.of("fd00:1::1")), List.of());
        GuestTools noIpv6 = new GuestTools(GuestTools.Ip.BUSYBOX, false, false, false, "/bin/sh", false);
        assertThatThrownBy(() -> GuestConfig.configure(n, noIpv6)).isInstanceOf(NetloomException.class)
                .hasMessageContaining("node a has IPv6 addresses").hasMessageContaining("no /proc/sys/net/ipv6");
    }
}

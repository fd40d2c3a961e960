package dev.netloom.guest;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class GuestBatchTest {

    @Test
    void join_batchesConsecutiveIpCommands_andChainsTheRestInOrder() {
        List<String> execs = GuestBatch.join(List.of(
                "echo 1 > /proc/sys/net/ipv4/ip_forward",
                "ip link set dev eth0 up",
                "ip addr replace 10.0.0.1/30 dev eth0",
                "ip route replace 10.0.0.4/30 via 10.0.0.2 dev eth0",
                "printf '%s\\n' '127.0.0.1 localhost a' > /etc/hosts"), false, GuestTools.FULL);
        assertThat(execs).containsExactly("echo 1 > /proc/sys/net/ipv4/ip_forward"
                + " && printf '%s\\n' 'link set dev eth0 up' 'addr replace 10.0.0.1/30 dev eth0' 'route replace 10.0.0.4/30 via 10.0.0.2 dev eth0' | ip -batch -"
                + " && printf '%s\\n' '127.0.0.1 localhost a' > /etc/hosts");
    }

    @Test
    void join_tolerant_batchesQuietDeletesWithForce_andDoesNotStopOnFailure() {
        List<String> execs = GuestBatch.join(List.of(
                "ip route replace 10.0.0.8/30 via 10.0.0.2 dev eth0",
                "ip route del 10.0.0.4/30 2>/dev/null || true",
                "tc qdisc del dev eth0 root 2>/dev/null || true"), true, GuestTools.FULL);
        assertThat(execs).containsExactly("printf '%s\\n' 'route replace 10.0.0.8/30 via 10.0.0.2 dev eth0' 'route del 10.0.0.4/30' | ip -force -batch -"
                + "; tc qdisc del dev eth0 root 2>/dev/null || true");
    }

    @Test
    void join_keepsEveryExecUnderTheLineLimit_andLosesNothing() {
        List<String> commands = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            commands.add("ip route replace 10." + (i / 250) + "." + (i % 250) + ".0/30 via 10.255.0.2 dev eth1");
        }
        commands.add("echo done");
        List<String> execs = GuestBatch.join(commands, false, GuestTools.FULL);
        assertThat(execs).hasSizeGreaterThan(1).allMatch(e -> dev.netloom.nodes.console.ExecFraming.typedBytes(e) <= GuestBatch.MAX_LINE)
                .allMatch(e -> dev.netloom.nodes.console.ExecFraming.problem(e) == null);
        String all = String.join("\n", execs);
        for (int i = 0; i < 300; i++) {
            assertThat(all).contains("'route replace 10." + (i / 250) + "." + (i % 250) + ".0/30 via 10.255.0.2 dev eth1'");
        }
        assertThat(execs.get(execs.size() - 1)).endsWith("echo done");
    }

    @Test
    void join_leavesIpCommandsWithShellSyntaxAlone() {
        assertThat(GuestBatch.join(List.of("ip link set eth0 up; reboot"), false, GuestTools.FULL)).containsExactly("ip link set eth0 up; reboot");
    }

    @Test
    void join_forBusyBoxIp_chainsEachIpCommand_withoutBatchOrForce() {
        GuestTools busybox = new GuestTools(GuestTools.Ip.BUSYBOX, false, false, false, "/bin/busybox");
        assertThat(GuestBatch.join(List.of("ip link set dev eth0 up", "ip route replace 10.0.0.4/30 via 10.0.0.2 dev eth0"), false, busybox))
                .containsExactly("ip link set dev eth0 up && ip route replace 10.0.0.4/30 via 10.0.0.2 dev eth0");
        assertThat(GuestBatch.join(List.of("ip route replace 10.0.0.8/30 via 10.0.0.2 dev eth0", "ip route del 10.0.0.4/30 2>/dev/null || true"),
                true, busybox)).containsExactly("ip route replace 10.0.0.8/30 via 10.0.0.2 dev eth0; ip route del 10.0.0.4/30 2>/dev/null || true");
    }
}

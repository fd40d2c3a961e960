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
                + " && { printf '%s\\n' 'link set dev eth0 up' 'addr replace 10.0.0.1/30 dev eth0';"
                + " for s in 10.0.0.4/30; do echo \"route replace $s via 10.0.0.2 dev eth0\"; done; } | ip -batch -"
                + " && printf '%s\\n' '127.0.0.1 localhost a' > /etc/hosts");
    }

    @Test
    void join_tolerant_batchesQuietDeletesWithForce_andDoesNotStopOnFailure() {
        List<String> execs = GuestBatch.join(List.of(
                "ip route replace 10.0.0.8/30 via 10.0.0.2 dev eth0",
                "ip route del 10.0.0.4/30 2>/dev/null || true",
                "tc qdisc del dev eth0 root 2>/dev/null || true"), true, GuestTools.FULL);
        assertThat(execs).containsExactly("{ for s in 10.0.0.8/30; do echo \"route replace $s via 10.0.0.2 dev eth0\"; done;"
                + " printf '%s\\n' 'route del 10.0.0.4/30'; } | ip -force -batch -"
                + "; tc qdisc del dev eth0 root 2>/dev/null || true");
    }

    @Test
    void join_keepsEveryExecUnderTheLineLimit_andLosesNothing() throws Exception {
        List<String> commands = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            commands.add("ip route replace 10." + (i / 250) + "." + (i % 250) + ".0/30 via 10.255.0.2 dev eth1");
        }
        commands.add("echo done");
        List<String> execs = GuestBatch.join(commands, false, GuestTools.FULL);
        assertThat(execs).hasSizeGreaterThan(1).allMatch(e -> dev.netloom.nodes.console.ExecFraming.typedBytes(e) <= GuestBatch.MAX_LINE)
                .allMatch(e -> dev.netloom.nodes.console.ExecFraming.problem(e) == null);
        List<String> lines = ipLines(execs);
        for (int i = 0; i < 300; i++) {
            assertThat(lines).contains("route replace 10." + (i / 250) + "." + (i % 250) + ".0/30 via 10.255.0.2 dev eth1");
        }
        assertThat(execs.get(execs.size() - 1)).endsWith("echo done");
    }

    @Test
    void join_typesRoutesThroughOneGatewayAsALoop_whichPrintsTheSameLinesToIp() throws Exception {
        List<String> commands = new ArrayList<>(List.of("ip link set dev eth0 up", "ip addr replace 10.0.0.1/30 dev eth0",
                "ip link set dev eth1 up", "ip addr replace 10.0.0.5/30 dev eth1"));
        List<String> expected = new ArrayList<>(commands.stream().map(c -> c.substring(3)).toList());
        for (int i = 0; i < 400; i++) {
            String route = "route replace 10.1." + (i / 200) + "." + (i % 200) + "/32 via " + (i % 3 == 0 ? "10.0.0.2 dev eth0" : "10.0.0.6 dev eth1");
            commands.add("ip " + route);
            expected.add(route);
        }
        commands.add("ip route replace fd00:0:0:3::/64 via fd00:0:0:1::2 dev eth0");
        expected.add("route replace fd00:0:0:3::/64 via fd00:0:0:1::2 dev eth0");
        commands.add("ip route replace 10.1.0.0/32 via 10.0.0.6 dev eth1"); // the same destination again: after its first route
        expected.add("route replace 10.1.0.0/32 via 10.0.0.6 dev eth1");
        List<String> execs = GuestBatch.join(commands, false, GuestTools.FULL);
        assertThat(execs).allMatch(e -> dev.netloom.nodes.console.ExecFraming.typedBytes(e) <= GuestBatch.MAX_LINE);
        int typed = execs.stream().mapToInt(dev.netloom.nodes.console.ExecFraming::typedBytes).sum();
        int plain = expected.stream().mapToInt(l -> l.length() + 6).sum(); // as 'line' arguments of printf
        assertThat(typed).as("bytes typed for 400 routes through two gateways").isLessThan(plain / 3);

        List<String> printed = ipLines(execs);
        assertThat(printed).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(printed.subList(0, 4)).containsExactlyElementsOf(expected.subList(0, 4)); // links and addresses before any route
        assertThat(printed.get(printed.size() - 1)).isEqualTo("route replace 10.1.0.0/32 via 10.0.0.6 dev eth1");
    }

    /** What the execs feed to ip, in order: each run by sh with cat in ip's place. */
    private static List<String> ipLines(List<String> execs) throws Exception {
        List<String> out = new ArrayList<>();
        for (String e : execs) {
            Process p = new ProcessBuilder("sh", "-c", e.replace(" | ip -batch -", " | cat").replace(" | ip -force -batch -", " | cat"))
                    .redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(p.waitFor()).isZero();
            text.lines().filter(l -> !l.equals("done")).forEach(out::add);
        }
        return out;
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

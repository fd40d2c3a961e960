package dev.netloom.topology;

import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.NetloomException;
import dev.netloom.scenario.Impairment;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.netloom.topology.TestScenarios.lan;
import static dev.netloom.topology.TestScenarios.link;
import static dev.netloom.topology.TestScenarios.plan;
import static dev.netloom.topology.TestScenarios.scenario;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GuestConfigTest {

    private static final Impairment ALL = new Impairment(Duration.ofMillis(10).plusNanos(500_000), Duration.ofMillis(2),
            1.5, 1_000_000L, 0.1, 0.01, 25.0);

    @Test
    void interface_isBroughtUpAndAddressed() {
        InterfacePlan eth1 = new InterfacePlan(1, "eth1", "a-b", "t0x1", "52:54:00:00:00:01", 4, "10.0.0.1/30");
        assertThat(GuestConfig.interfaceCommands(eth1)).containsExactly(
                "ip link set dev eth1 up",
                "ip addr replace 10.0.0.1/30 dev eth1");
    }

    @Test
    void route_usesGatewayAndDevice() {
        assertThat(GuestConfig.routeCommand(new Route("10.0.3.0/24", "10.0.0.2", "eth0")))
                .isEqualTo("ip route replace 10.0.3.0/24 via 10.0.0.2 dev eth0");
    }

    @Test
    void netem_withEveryField() {
        assertThat(GuestConfig.impairmentCommand("eth2", ALL)).isEqualTo(
                "tc qdisc replace dev eth2 root netem delay 10.5ms 2ms loss 1.5% rate 1000kbit duplicate 0.1% corrupt 0.01% reorder 25%");
    }

    @Test
    void netem_withSomeFields_andOddRates() {
        Impairment lossy = new Impairment(null, null, 100.0, 1_500L, null, null, null);
        assertThat(GuestConfig.impairmentCommand("eth0", lossy)).isEqualTo("tc qdisc replace dev eth0 root netem loss 100% rate 1500bit");
        Impairment micro = new Impairment(Duration.ofNanos(1_250), null, 0.0, null, null, null, null);
        assertThat(GuestConfig.impairmentCommand("eth0", micro)).isEqualTo("tc qdisc replace dev eth0 root netem delay 0.001ms loss 0%");
    }

    @Test
    void none_removesTheQdiscQuietly() {
        assertThat(GuestConfig.impairmentCommand("eth0", Impairment.NONE)).isEqualTo("tc qdisc del dev eth0 root 2>/dev/null || true");
    }

    @Test
    void netem_rejectsWhatTcWouldRefuse() {
        assertThatThrownBy(() -> GuestConfig.impairmentCommand("eth0", new Impairment(null, Duration.ofMillis(1), null, null, null, null, null)))
                .isInstanceOf(BadInputException.class).hasMessageContaining("need a delay");
        assertThatThrownBy(() -> GuestConfig.impairmentCommand("eth0", new Impairment(null, null, 101.0, null, null, null, null)))
                .isInstanceOf(BadInputException.class).hasMessageContaining("0..100");
        assertThatThrownBy(() -> GuestConfig.impairmentCommand("eth0; reboot", ALL)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void hostEngine_shapesAtoBOnBsTap() {
        Impairment aToB = new Impairment(Duration.ofMillis(20), null, null, null, null, null, null);
        var s = scenario(List.of("a", "b"),
                List.of(new dev.netloom.scenario.Scenario.LinkDef("ab", new dev.netloom.scenario.Scenario.Endpoint("a", null),
                        new dev.netloom.scenario.Scenario.Endpoint("b", null), aToB, Impairment.NONE)), List.of());
        SegmentPlan ab = plan(s).segment("ab");
        String bTap = plan(s).node("b").interfaces().get(0).tap();

        assertThat(ab.hostTap("a->b")).isEqualTo(bTap).isEqualTo("t1x0");
        assertThat(GuestConfig.hostImpairmentCommands(ab.hostTap("a->b"), ab.impairments().get("a->b"), true))
                .containsExactly("qdisc replace dev t1x0 root netem delay 20ms");
        assertThat(GuestConfig.hostImpairmentCommands(ab.hostTap("b->a"), ab.impairments().get("b->a"), true))
                .containsExactly("qdisc replace dev t0x0 root pfifo_fast");
    }

    @Test
    void hostEngine_withoutNetem_doesRateWithTbfAndRefusesTheRest() {
        Impairment rate = new Impairment(null, null, null, 10_000_000L, null, null, null);
        assertThat(GuestConfig.hostImpairmentCommands("t3x0", rate, false))
                .containsExactly("qdisc replace dev t3x0 root tbf rate 10000kbit burst 12500 latency 50ms");
        assertThat(GuestConfig.hostImpairmentCommands("t3x0", new Impairment(null, null, null, 64_000L, null, null, null), false))
                .containsExactly("qdisc replace dev t3x0 root tbf rate 64kbit burst 1600 latency 50ms");
        assertThatThrownBy(() -> GuestConfig.hostImpairmentCommands("t3x0", ALL, false))
                .isInstanceOf(NetloomException.class).hasMessageContaining("sch_netem").hasMessageContaining("guest engine");
        assertThatThrownBy(() -> GuestConfig.hostImpairmentCommands("eth0", rate, false)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void hosts_keepLocalhostAndOwnNameThenListTheOthers() {
        Map<String, String> hosts = new LinkedHashMap<>();
        hosts.put("a", "10.0.0.1");
        hosts.put("b", "10.0.0.2");
        hosts.put("c", "10.0.1.2");
        assertThat(GuestConfig.hostsCommands("b", hosts)).containsExactly(
                "printf '%s\\n' '127.0.0.1 localhost b' '10.0.0.1 a' '10.0.1.2 c' > /etc/hosts");
    }

    @Test
    void hosts_manyNodes_areSplitIntoShortCommandsThatAppend() {
        Map<String, String> hosts = new LinkedHashMap<>();
        for (int i = 0; i < 300; i++) {
            hosts.put("node-" + i, "10.1." + (i / 250) + "." + (i % 250 + 1));
        }
        List<String> commands = GuestConfig.hostsCommands("node-0", hosts);
        assertThat(commands).hasSizeGreaterThan(1).allMatch(c -> c.length() < 1100);
        assertThat(commands.get(0)).endsWith(" > /etc/hosts").contains("'127.0.0.1 localhost node-0'");
        assertThat(commands.subList(1, commands.size())).allMatch(c -> c.endsWith(" >> /etc/hosts") && c.startsWith("printf '%s\\n' '"));
        assertThat(String.join("\n", commands)).contains("'10.1.1.50 node-299'").doesNotContain("node-0'  ");
    }

    @Test
    void configure_setsForwardingThenInterfacesThenRoutesThenHosts() {
        Plan plan = plan(scenario(List.of("a", "b", "c"), List.of(link("a", "b"), link("b", "c")), List.of(lan("lan", "a", "c"))));
        assertThat(GuestConfig.configure(plan.node("a"))).containsExactly(
                "echo 1 > /proc/sys/net/ipv4/ip_forward",
                "ip link set dev eth0 up",
                "ip addr replace 10.0.0.1/24 dev eth0",
                "ip link set dev eth1 up",
                "ip addr replace 10.0.2.1/24 dev eth1",
                "ip route replace 10.0.1.0/24 via 10.0.0.2 dev eth0",
                "printf '%s\\n' '127.0.0.1 localhost a' '10.0.0.2 b' '10.0.1.2 c' > /etc/hosts");
    }

    @Test
    void millis_keepUpToThreeDecimals() {
        assertThat(GuestConfig.millis(Duration.ofMillis(100))).isEqualTo("100ms");
        assertThat(GuestConfig.millis(Duration.ofMillis(1).plusNanos(250_000))).isEqualTo("1.25ms");
        assertThat(GuestConfig.millis(Duration.ZERO)).isEqualTo("0ms");
        assertThat(GuestConfig.millis(Duration.ofSeconds(2))).isEqualTo("2000ms");
    }
}

package dev.netloom.guest;

import dev.netloom.topology.InterfacePlan;
import dev.netloom.topology.Plan;
import dev.netloom.topology.Route;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.netloom.topology.TestScenarios.dualStack;
import static dev.netloom.topology.TestScenarios.ipv6Only;
import static dev.netloom.topology.TestScenarios.lan;
import static dev.netloom.topology.TestScenarios.link;
import static dev.netloom.topology.TestScenarios.plan;
import static dev.netloom.topology.TestScenarios.scenario;
import static org.assertj.core.api.Assertions.assertThat;

class GuestConfigTest {

    /** A full guest that does not read QEMU's firmware configuration: its /etc/hosts is typed. */
    static final GuestTools NO_FW_CFG = new GuestTools(GuestTools.Ip.IPROUTE2, true, true, true, "sh", true, false);

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
    void configure_setsForwardingThenInterfacesThenRoutesThenHosts() {
        Plan plan = plan(scenario(List.of("a", "b", "c"), List.of(link("a", "b"), link("b", "c")), List.of(lan("lan", "a", "c"))));
        assertThat(GuestConfig.configure(plan.node("a"), GuestTools.FULL)).containsExactly(
                "echo 1 > /proc/sys/net/ipv4/ip_forward",
                "echo a > /proc/sys/kernel/hostname",
                "ip link set dev eth0 up",
                "ip addr replace 10.0.0.1/24 dev eth0",
                "ip link set dev eth1 up",
                "ip addr replace 10.0.2.1/24 dev eth1",
                "ip route replace 10.0.0.0/23 via 10.0.0.2 dev eth0", // b-c via b, merged with a-b (its own)
                HostsFile.fromFirmware("a", plan.hosts()));
        assertThat(GuestConfig.configure(plan.node("a"), NO_FW_CFG)).last()
                .isEqualTo("printf '%s\\n' '127.0.0.1 localhost a' '10.0.0.2 b' '10.0.1.2 c' > /etc/hosts");
    }

    @Test
    void ipv6Interface_getsDadOffAndKeepsItsAddressWhileDown_beforeTheAddressGoesOn() {
        InterfacePlan eth1 = new InterfacePlan(1, "eth1", "a-b", "t0x1", "52:54:00:00:00:01", 4, "10.0.0.1/30", "fd00:1::1/64");
        assertThat(GuestConfig.ipv6Settings(eth1)).containsExactly(
                "echo 0 > /proc/sys/net/ipv6/conf/eth1/accept_dad",
                "echo 1 > /proc/sys/net/ipv6/conf/eth1/keep_addr_on_down");
        assertThat(GuestConfig.interfaceCommands(eth1)).containsExactly(
                "ip link set dev eth1 up",
                "ip addr replace 10.0.0.1/30 dev eth1",
                "ip addr replace fd00:1::1/64 dev eth1");
        InterfacePlan v4only = new InterfacePlan(1, "eth1", "a-b", "t0x1", "52:54:00:00:00:01", 4, "10.0.0.1/30");
        assertThat(GuestConfig.ipv6Settings(v4only)).isEmpty();
    }

    @Test
    void route_ofEitherFamily_andAMixedOneIsRefused() {
        assertThat(GuestConfig.routeCommand(new Route("fd00:1:0:3::/64", "fd00:1::2", "eth0")))
                .isEqualTo("ip route replace fd00:1:0:3::/64 via fd00:1::2 dev eth0");
        assertThat(GuestConfig.routeCommand(new Route("FD00:1:0:3:0:0:0:0/64", "FD00:1:0:0:0:0:0:2", "eth0")))
                .isEqualTo("ip route replace fd00:1:0:3::/64 via fd00:1::2 dev eth0");
        assertThat(GuestConfig.routeDeleteCommand("fd00:1::2/128")).isEqualTo("ip route del fd00:1::2/128 2>/dev/null || true");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> GuestConfig.routeCommand(new Route("fd00:1:0:3::/64", "10.0.0.2", "eth0")))
                .hasMessageContaining("differ in family");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> GuestConfig.routeCommand(new Route("fd00:1:0:3::/64", "fd00::2;reboot", "eth0")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void configure_dualStack_turnsOnIpv6Forwarding_addsBothFamilies_andHostsForBoth() {
        Plan plan = dualStack(scenario(List.of("a", "b", "c"), List.of(link("a", "b"), link("b", "c")), List.of()));
        assertThat(GuestConfig.configure(plan.node("a"), GuestTools.FULL)).containsExactly(
                "echo 1 > /proc/sys/net/ipv4/ip_forward",
                "echo 1 > /proc/sys/net/ipv6/conf/all/forwarding",
                "echo a > /proc/sys/kernel/hostname",
                "echo 0 > /proc/sys/net/ipv6/conf/eth0/accept_dad",
                "echo 1 > /proc/sys/net/ipv6/conf/eth0/keep_addr_on_down",
                "ip link set dev eth0 up",
                "ip addr replace 10.0.0.1/24 dev eth0",
                "ip addr replace fd00:0:0:1::1/64 dev eth0",
                "ip route replace 10.0.0.0/23 via 10.0.0.2 dev eth0", // b-c via b, merged with a-b (its own)
                "ip route replace fd00:0:0:2::/64 via fd00:0:0:1::2 dev eth0",
                HostsFile.fromFirmware("a", plan.hosts()));
        assertThat(GuestConfig.configure(plan.node("a"), NO_FW_CFG)).last().isEqualTo(
                "printf '%s\\n' '127.0.0.1 localhost a' '::1 localhost a' '10.0.0.2 b' 'fd00:0:0:1::2 b' '10.0.1.2 c' 'fd00:0:0:2::2 c' > /etc/hosts");
    }

    @Test
    void configure_ipv6Only_hasNoIpv4AddressesOrRoutes() {
        Plan plan = ipv6Only(scenario(List.of("a", "b", "c"), List.of(link("a", "b"), link("b", "c")), List.of()));
        List<String> commands = GuestConfig.configure(plan.node("c"), NO_FW_CFG);
        assertThat(commands).contains("ip addr replace fd00:0:0:2::2/64 dev eth0", "ip route replace fd00:0:0:1::/64 via fd00:0:0:2::1 dev eth0",
                "printf '%s\\n' '127.0.0.1 localhost c' '::1 localhost c' 'fd00:0:0:1::1 a' 'fd00:0:0:1::2 b' > /etc/hosts");
        assertThat(commands).noneMatch(c -> c.matches(".*\\b10\\.0\\..*"));
    }

    @Test
    void loopbacks_goOnLo_beforeTheInterfaces_andALoopback6NeedsAKernelWithIpv6() {
        dev.netloom.scenario.Scenario base = scenario(List.of("a", "b"), List.of(link("a", "b")), List.of());
        dev.netloom.scenario.Scenario s = new dev.netloom.scenario.Scenario(base.name(), base.defaults(), base.nodes(), base.links(),
                base.lans(), new dev.netloom.scenario.Scenario.Addressing("10.0.0.0/16", null, "10.255.0.0/24", "fd00:ff::/64"),
                base.routing(), base.commands(), base.timeline(), base.checks(), base.duration());
        Plan plan = plan(s);
        List<String> commands = GuestConfig.configure(plan.node("b"), GuestTools.FULL);
        assertThat(commands).containsSubsequence("echo 1 > /proc/sys/net/ipv6/conf/all/forwarding", "ip link set dev lo up",
                "ip addr replace 10.255.0.2/32 dev lo", "ip addr replace fd00:ff::2/128 dev lo", "ip link set dev eth0 up");
        assertThat(GuestConfig.loopbackCommands(plan(base).node("a"))).isEmpty();
    }
}

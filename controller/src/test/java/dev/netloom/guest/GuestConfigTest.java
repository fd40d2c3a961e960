package dev.netloom.guest;

import dev.netloom.topology.InterfacePlan;
import dev.netloom.topology.Plan;
import dev.netloom.topology.Route;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.netloom.topology.TestScenarios.lan;
import static dev.netloom.topology.TestScenarios.link;
import static dev.netloom.topology.TestScenarios.plan;
import static dev.netloom.topology.TestScenarios.scenario;
import static org.assertj.core.api.Assertions.assertThat;

class GuestConfigTest {

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
        assertThat(GuestConfig.configure(plan.node("a"), GuestTools.FULL)).containsExactly(
                "echo 1 > /proc/sys/net/ipv4/ip_forward",
                "echo a > /proc/sys/kernel/hostname",
                "ip link set dev eth0 up",
                "ip addr replace 10.0.0.1/24 dev eth0",
                "ip link set dev eth1 up",
                "ip addr replace 10.0.2.1/24 dev eth1",
                "ip route replace 10.0.1.0/24 via 10.0.0.2 dev eth0",
                "printf '%s\\n' '127.0.0.1 localhost a' '10.0.0.2 b' '10.0.1.2 c' > /etc/hosts");
    }
}

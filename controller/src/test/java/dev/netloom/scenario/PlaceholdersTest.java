package dev.netloom.scenario;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlaceholdersTest {

    @Test
    void find_andExpand_fillOurPlaceholders_andLeaveShellVariablesAlone() {
        String text = "router ${node} id ${eth0.ipv4}; peer ${eth1.peer} at ${eth1.peer.ipv4}; net ${eth0.subnet4} ${HOME} $${node} ${nodes}";
        assertThat(Placeholders.find(text)).extracting(Placeholders.Placeholder::text)
                .containsExactly("${node}", "${eth0.ipv4}", "${eth1.peer}", "${eth1.peer.ipv4}", "${eth0.subnet4}");
        String out = Placeholders.expand(text, p -> "<" + p.fact().key() + (p.iface() >= 0 ? "@" + p.iface() : "") + ">");
        assertThat(out).isEqualTo("router <node> id <ipv4@0>; peer <peer@1> at <peer.ipv4@1>; net <subnet4@0> ${HOME} ${node} ${nodes}");
        assertThat(Placeholders.expand("$ and \\ and $1", p -> "x")).isEqualTo("$ and \\ and $1");
    }

    @Test
    void ipv6AndLoopbackPlaceholders_nameTheirFamily() {
        assertThat(Placeholders.find("${eth2.ipv6} ${eth0.cidr6} ${eth0.subnet6} ${eth1.peer.ipv6} ${lo.ipv4} ${lo.ipv6} ${lo} ${local}"))
                .extracting(p -> p.fact() + "@" + p.iface() + ":" + p.fact().family())
                .containsExactly("IPV6@2:IPv6", "CIDR6@0:IPv6", "SUBNET6@0:IPv6", "PEER_IPV6@1:IPv6", "LO_IPV4@-1:IPv4", "LO_IPV6@-1:IPv6");
    }

    @Test
    void aTypoInOneOfOurs_isAnError() {
        assertThatThrownBy(() -> Placeholders.find("${lo.ipv5}")).hasMessageContaining("unknown placeholder ${lo.ipv5}");
        assertThatThrownBy(() -> Placeholders.find("${eth0.lo.ipv4}")).hasMessageContaining("unknown placeholder");
        assertThatThrownBy(() -> Placeholders.find("${eth0.ipv5}")).hasMessageContaining("unknown placeholder ${eth0.ipv5}");
        assertThatThrownBy(() -> Placeholders.find("${node.name}")).hasMessageContaining("unknown placeholder ${node.name}");
        assertThatThrownBy(() -> Placeholders.find("${eth0}")).hasMessageContaining("placeholders are ${node}");
    }
}

package dev.netloom.scenario;

import static dev.netloom.scenario.ScenarioLoaderTest.assertError;
import static dev.netloom.scenario.ScenarioLoaderTest.load;
import static org.assertj.core.api.Assertions.assertThat;

import dev.netloom.scenario.Cidr.Family;
import java.util.List;
import org.junit.jupiter.api.Test;

/** "pool6", "address6" and the checks' "family": what loads, and every mistake at its line:column. */
class DualStackLoadTest {

    @Test
    void pool6_withPool_isDualStack_andWithoutIt_ipv6Only() {
        Scenario dual = load("""
                {"name": "x", "nodes": ["a", "b"], "links": [{"between": ["a", "b"]}],
                 "addressing": {"pool": "10.1.0.0/16", "pool6": "FD00:1::/48"}, "checks": [{"ping": "all"}]}
                """);
        assertThat(dual.addressing()).isEqualTo(new Scenario.Addressing("10.1.0.0/16", "fd00:1::/48"));
        assertThat(dual.checks().get(0).families()).containsExactly(Family.IPV4);

        Scenario only6 = load("""
                {"name": "x", "nodes": ["a", "b"], "links": [{"between": ["a", "b"]}],
                 "addressing": {"pool6": "fd00:1::/48"}, "checks": [{"ping": "all"}, {"ping": "all", "family": "ipv6"}]}
                """);
        assertThat(only6.addressing().ipv4()).isFalse();
        assertThat(only6.checks()).extracting(Check::families).containsExactly(List.of(Family.IPV6), List.of(Family.IPV6));
        assertThat(AddressPlan.allocate(only6)).isEmpty();
        assertThat(AddressPlan.allocate6(only6)).containsEntry("a-b", List.of("fd00:1::1/64", "fd00:1::2/64"));

        assertThat(load("{\"name\": \"x\", \"nodes\": [\"a\"], \"addressing\": {}}").addressing()).isEqualTo(Scenario.Addressing.DEFAULT);
    }

    @Test
    void family_both_pingsIpv4ThenIpv6() {
        Scenario s = load("""
                {"name": "x", "nodes": ["a", "b"], "links": [{"between": ["a", "b"]}], "addressing": {"pool6": "fd00:1::/48", "pool": "10.0.0.0/16"},
                 "checks": [{"ping": {"from": "a", "to": "b", "count": 2}, "family": "both"}]}
                """);
        assertThat(s.checks()).containsExactly(new Check(null, null, Check.Ping.of("a", "b", 2), List.of(Family.IPV4, Family.IPV6)));
    }

    @Test
    void explicitAddress6_isKept_andTheOtherEndFilledIn() {
        Scenario s = load("""
                {"name": "x", "nodes": ["a", "b", "c"], "addressing": {"pool6": "fd00:1::/48"},
                 "links": [{"endpoints": [{"node": "a", "address6": "fd00:99::a/64"}, "b"]}, {"between": ["b", "c"]}],
                 "lans": [{"name": "l", "members": ["a", {"node": "c", "address6": "fd00:1::1/64"}, "b"]}]}
                """);
        assertThat(s.links().get(0).a()).isEqualTo(new Scenario.Endpoint("a", null, "fd00:99::a/64"));
        // the LAN's explicit /64 is the pool's first: the link b-c takes the next one
        assertThat(AddressPlan.allocate6(s)).containsExactly(
                java.util.Map.entry("a-b", List.of("fd00:99::a/64", "fd00:99::1/64")),
                java.util.Map.entry("b-c", List.of("fd00:1:0:1::1/64", "fd00:1:0:1::2/64")),
                java.util.Map.entry("l", List.of("fd00:1::2/64", "fd00:1::1/64", "fd00:1::3/64")));
    }

    @Test
    void address6_withoutPool6_isAnError() {
        assertError("""
                {"name": "x", "nodes": ["a", "b"], "links": [{"endpoints": [{"node": "a", "address6": ^^"fd00:1::1/64"}, "b"]}]}
                """, "/links/0/endpoints/0/address6", "the lab has no IPv6", "add \"pool6\": \"fd00:1::/48\" to \"addressing\"");
    }

    @Test
    void address_inAnIpv6OnlyLab_isAnError() {
        assertError("""
                {"name": "x", "nodes": ["a", "b"], "addressing": {"pool6": "fd00:1::/48"},
                 "links": [{"endpoints": [{"node": "a", "address": ^^"10.9.0.1/24"}, "b"]}]}
                """, "/links/0/endpoints/0/address", "the lab has no IPv4", "add \"pool\": \"10.0.0.0/16\"");
    }

    @Test
    void aFamilyUnderTheOtherKey_namesTheRightKey() {
        assertError("""
                {"name": "x", "nodes": ["a", "b"], "links": [{"endpoints": [{"node": "a", "address": ^^"fd00:1::1/64"}, "b"]}]}
                """, "/links/0/endpoints/0/address", "\"fd00:1::1/64\" looks like an IPv6 address, and \"address\" is IPv4; write IPv6 under \"address6\"");
        assertError("""
                {"name": "x", "nodes": ["a"], "addressing": {"pool6": ^^"10.0.0.0/16"}}
                """, "/addressing/pool6", "looks like an IPv4 address, and \"pool6\" is IPv6; write IPv4 under \"pool\"");
    }

    @Test
    void address6_strictSyntax_errorsSayWhatIsWrong() {
        String template = """
                {"name": "x", "nodes": ["a", "b"], "addressing": {"pool6": "fd00:1::/48"},
                 "links": [{"endpoints": [{"node": "a", "address6": ^^"%s"}, "b"]}]}
                """;
        assertError(template.formatted("fe80::1%eth0/64"), "/links/0/endpoints/0/address6", "has a zone (%eth0)");
        assertError(template.formatted("::ffff:10.0.0.1/96"), "/links/0/endpoints/0/address6", "embeds an IPv4 address");
        assertError(template.formatted("fd00::1::2/64"), "/links/0/endpoints/0/address6", "\"::\" more than once");
        assertError(template.formatted("fd00:2::1"), "/links/0/endpoints/0/address6", "not an IPv6 address with a prefix length",
                "write it like \"fd00:1::1/64\"");
    }

    @Test
    void address6_specialRanges_areRefused_suggestingUla() {
        String template = """
                {"name": "x", "nodes": ["a", "b"], "addressing": {"pool6": "fd00:1::/48"},
                 "links": [{"endpoints": [{"node": "a", "address6": ^^"%s"}, "b"]}]}
                """;
        assertError(template.formatted("fe80::1/64"), "/links/0/endpoints/0/address6", "fe80::/10, the link-local range",
                "fd00:1::/48");
        assertError(template.formatted("::1/64"), "/links/0/endpoints/0/address6", "::/8, the reserved", "loopback ::1");
        assertError(template.formatted("ff02::1/64"), "/links/0/endpoints/0/address6", "ff00::/8, the multicast range");
        assertError(template.formatted("fec0::1/64"), "/links/0/endpoints/0/address6", "site-local");
    }

    @Test
    void address6_rulesOfOneSubnetPerSegment_uniqueness_overlap_anycast_slash128() {
        assertError("""
                {"name": "x", "nodes": ["a", "b"], "addressing": {"pool6": "fd00:1::/48"},
                 "links": [{"endpoints": [{"node": "a", "address6": "fd00:9::1/64"}, {"node": "b", "address6": ^^"fd00:8::2/64"}]}]}
                """, "/links/0/endpoints/1/address6", "fd00:8::2/64 is not in fd00:9::/64 like /links/0/endpoints/0/address6");
        assertError("""
                {"name": "x", "nodes": ["a", "b", "c"], "addressing": {"pool6": "fd00:1::/48"},
                 "links": [{"endpoints": [{"node": "a", "address6": "fd00:9::1/64"}, "b"]},
                           {"endpoints": [{"node": "b", "address6": ^^"fd00:9::1/64"}, "c"]}]}
                """, "/links/1/endpoints/0/address6", "address fd00:9::1 is already used at /links/0/endpoints/0/address6");
        assertError("""
                {"name": "x", "nodes": ["a", "b", "c"], "addressing": {"pool6": "fd00:1::/48"},
                 "links": [{"endpoints": [{"node": "a", "address6": "fd00:9::1/64"}, "b"]},
                           {"endpoints": [{"node": "b", "address6": ^^"fd00:9::5/60"}, "c"]}]}
                """, "/links/1/endpoints/0/address6", "subnet fd00:9::/60 overlaps fd00:9::/64");
        assertError("""
                {"name": "x", "nodes": ["a", "b"], "addressing": {"pool6": "fd00:1::/48"},
                 "links": [{"endpoints": [{"node": "a", "address6": ^^"fd00:9::/64"}, "b"]}]}
                """, "/links/0/endpoints/0/address6", "fd00:9::/64 is the subnet-router anycast address of fd00:9::/64; use a host address from fd00:9::1 on");
        assertError("""
                {"name": "x", "nodes": ["a", "b"], "addressing": {"pool6": "fd00:1::/48"},
                 "links": [{"endpoints": [{"node": "a", "address6": ^^"fd00:9::1/128"}, "b"]}]}
                """, "/links/0/endpoints/0/address6", "/128 leaves no room for the other end; use /64, e.g. \"fd00:9::1/64\"");
        // a /127 has room for exactly a link's two ends, both usable (RFC 6164)
        assertThat(AddressPlan.allocate6(load("""
                {"name": "x", "nodes": ["a", "b"], "addressing": {"pool6": "fd00:1::/48"},
                 "links": [{"endpoints": [{"node": "a", "address6": "fd00:9::/127"}, "b"]}]}
                """))).containsEntry("a-b", List.of("fd00:9::/127", "fd00:9::1/127"));
    }

    @Test
    void pool6_rules() {
        assertError("{\"name\": \"x\", \"nodes\": [\"a\"], \"addressing\": {\"pool6\": ^^\"fd00:1::1/48\"}}", "/addressing/pool6",
                "pool6 fd00:1::1/48 has host bits set; write the network address, \"fd00:1::/48\"");
        assertError("{\"name\": \"x\", \"nodes\": [\"a\"], \"addressing\": {\"pool6\": ^^\"fd00:1::/96\"}}", "/addressing/pool6",
                "pool6 prefix /96 is out of range; use /8 to /64", "(every link and LAN gets a /64 of it)");
        assertError("{\"name\": \"x\", \"nodes\": [\"a\"], \"addressing\": {\"pool6\": ^^\"fe80::/16\"}}", "/addressing/pool6",
                "fe80::/10, the link-local range", "use a unique local range (fd00::/8) such as fd00:1::/48");
        assertError("{\"name\": \"x\", \"nodes\": [\"a\"], \"addressing\": {\"pool6\": \"fd00::/48\", ^^\"pool7\": 1}}", "/addressing/pool7",
                "valid keys are pool, pool6");
    }

    @Test
    void pool6TooSmall_saysHowBigItMustBe() {
        assertError("""
                {"name": "x", "nodes": ["a", "b", "c"], "links": [{"between": ["a", "b"]}, {"between": ["b", "c"]}],
                 "lans": [{"name": "l", "members": ["a", "b", "c"]}],
                 "addressing": {"pool6": ^^"fd00:1::/63"}}
                """, "/addressing/pool6", "pool6 fd00:1::/63 is too small: 1 LAN and 2 links need a /64 each;"
                + " use /62 or larger, e.g. \"pool6\": \"fd00:1::/62\"");
    }

    @Test
    void checkFamily_mustBeOneTheLabHas() {
        assertError("""
                {"name": "x", "nodes": ["a", "b"], "links": [{"between": ["a", "b"]}], "checks": [{"ping": "all", "family": ^^"ipv6"}]}
                """, "/checks/0/family", "the lab has no IPv6 addresses; add \"pool6\"");
        assertError("""
                {"name": "x", "nodes": ["a", "b"], "links": [{"between": ["a", "b"]}], "addressing": {"pool6": "fd00::/48"},
                 "checks": [{"ping": "all", "family": ^^"both"}]}
                """, "/checks/0/family", "the lab has no IPv4 addresses");
        assertError("""
                {"name": "x", "nodes": ["a", "b"], "checks": [{"ping": "all", "family": ^^"inet6"}]}
                """, "/checks/0/family", "unknown family \"inet6\"; family is ipv4, ipv6 or both");
    }
}

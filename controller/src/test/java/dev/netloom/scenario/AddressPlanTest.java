package dev.netloom.scenario;

import dev.netloom.impairment.Impairment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AddressPlanTest {

    private static Scenario load(String json) {
        return new ScenarioLoader(ImageCheck.ANY).load(json, "t.json");
    }

    @Test
    void allocate_lansFirstThenLinks_inScenarioOrder() {
        Scenario s = load("""
                {"name": "x", "nodes": ["a", "b", "c", "d"],
                 "links": [{"between": ["a", "b"]}, {"between": ["b", "c"]}],
                 "lans": [{"name": "l1", "members": ["a", "b", "c"]}, {"name": "l2", "members": ["c", "d"]}]}
                """);

        Map<String, List<String>> plan = AddressPlan.allocate(s);

        assertThat(plan.keySet()).containsExactly("a-b", "b-c", "l1", "l2");
        assertThat(plan.get("l1")).containsExactly("10.0.0.1/24", "10.0.0.2/24", "10.0.0.3/24");
        assertThat(plan.get("l2")).containsExactly("10.0.1.1/24", "10.0.1.2/24");
        assertThat(plan.get("a-b")).containsExactly("10.0.2.1/30", "10.0.2.2/30");
        assertThat(plan.get("b-c")).containsExactly("10.0.2.5/30", "10.0.2.6/30");
    }

    @Test
    void allocate_isDeterministic() {
        String json = "{\"name\": \"x\", \"generate\": {\"topology\": \"random\", \"nodes\": 20, \"seed\": 3}}";

        assertThat(AddressPlan.allocate(load(json))).isEqualTo(AddressPlan.allocate(load(json)));
    }

    @Test
    void allocate_skipsBlocksThatOverlapExplicitSubnets() {
        Scenario s = load("""
                {"name": "x", "nodes": ["a", "b", "c"],
                 "links": [{"endpoints": [{"node": "a", "address": "10.0.0.5/30"}, "b"]}, {"between": ["b", "c"]}],
                 "lans": [{"name": "l", "members": ["a", "c", {"node": "b", "address": "10.0.1.1/24"}]},
                          {"name": "m", "members": ["a", "b"]}]}
                """);

        Map<String, List<String>> plan = AddressPlan.allocate(s);

        // 10.0.0.0/24 holds the explicit /30 and 10.0.1.0/24 is explicit: the automatic LAN takes 10.0.2.0/24
        assertThat(plan.get("m")).containsExactly("10.0.2.1/24", "10.0.2.2/24");
        assertThat(plan.get("b-c")).containsExactly("10.0.3.1/30", "10.0.3.2/30");
        // explicit segments keep their addresses; the other ends take the lowest free hosts of that subnet
        assertThat(plan.get("a-b")).containsExactly("10.0.0.5/30", "10.0.0.6/30");
        assertThat(plan.get("l")).containsExactly("10.0.1.2/24", "10.0.1.3/24", "10.0.1.1/24");
    }

    @Test
    void allocate_slash30sSkipAnExplicitSubnetInsideThePool() {
        Scenario s = load("""
                {"name": "x", "nodes": ["a", "b", "c"], "addressing": {"pool": "192.168.0.0/24"},
                 "links": [{"between": ["a", "b"]}, {"endpoints": [{"node": "b", "address": "192.168.0.5/30"}, "c"]},
                           {"between": ["a", "c"]}]}
                """);

        Map<String, List<String>> plan = AddressPlan.allocate(s);

        assertThat(plan.get("a-b")).containsExactly("192.168.0.1/30", "192.168.0.2/30");
        assertThat(plan.get("b-c")).containsExactly("192.168.0.5/30", "192.168.0.6/30");
        assertThat(plan.get("a-c")).containsExactly("192.168.0.9/30", "192.168.0.10/30");
    }

    @Test
    void allocate_poolTooSmall_suggestsALargerPool() {
        Scenario tooBig = new Scenario("x", Scenario.Defaults.BUILT_IN,
                List.of(new Scenario.NodeDef("a", "tiny", 96, 1, List.of()), new Scenario.NodeDef("b", "tiny", 96, 1, List.of())),
                List.of(), List.of(new Scenario.LanDef("l", List.of(new Scenario.Endpoint("a", null), new Scenario.Endpoint("b", null)),
                        Impairment.NONE)),
                new Scenario.Addressing("10.0.0.0/25"), Scenario.Routing.STATIC, List.of(), List.of(), List.of(), null);

        assertThatThrownBy(() -> AddressPlan.allocate(tooBig))
                .isInstanceOf(AddressPlan.PoolTooSmallException.class)
                .hasMessage("pool 10.0.0.0/25 is too small: 1 LAN needs a /24 each, 256 addresses; use /24 or larger, e.g. \"pool\": \"10.0.0.0/24\"");
    }

    @Test
    void allocate6_aSlash64PerSegment_lansFirstThenLinks_likeIpv4() {
        Scenario s = load("""
                {"name": "x", "nodes": ["a", "b", "c", "d"], "addressing": {"pool": "10.0.0.0/16", "pool6": "fd00:1::/48"},
                 "links": [{"between": ["a", "b"]}, {"between": ["b", "c"]}],
                 "lans": [{"name": "l1", "members": ["a", "b", "c"]}, {"name": "l2", "members": ["c", "d"]}]}
                """);

        Map<String, List<String>> plan = AddressPlan.allocate6(s);

        assertThat(plan.keySet()).containsExactly("a-b", "b-c", "l1", "l2");
        assertThat(plan.get("l1")).containsExactly("fd00:1::1/64", "fd00:1::2/64", "fd00:1::3/64");
        assertThat(plan.get("l2")).containsExactly("fd00:1:0:1::1/64", "fd00:1:0:1::2/64");
        assertThat(plan.get("a-b")).containsExactly("fd00:1:0:2::1/64", "fd00:1:0:2::2/64");
        assertThat(plan.get("b-c")).containsExactly("fd00:1:0:3::1/64", "fd00:1:0:3::2/64");
        // the IPv4 blocks are those of a lab without pool6
        assertThat(AddressPlan.allocate(s).get("a-b")).containsExactly("10.0.2.1/30", "10.0.2.2/30");
    }

    @Test
    void allocate6_skipsALargeExplicitSubnetInOneStep() {
        // an explicit /52 holds 4096 /64s of the pool: the automatic blocks go round it
        Scenario s = load("""
                {"name": "x", "nodes": ["a", "b", "c"], "addressing": {"pool6": "fd00:1::/48"},
                 "links": [{"between": ["a", "b"]}, {"endpoints": [{"node": "b", "address6": "fd00:1::1/52"}, "c"]},
                           {"between": ["a", "c"]}]}
                """);

        Map<String, List<String>> plan = AddressPlan.allocate6(s);

        assertThat(plan.get("a-b")).containsExactly("fd00:1:0:1000::1/64", "fd00:1:0:1000::2/64");
        assertThat(plan.get("b-c")).containsExactly("fd00:1::1/52", "fd00:1::2/52");
        assertThat(plan.get("a-c")).containsExactly("fd00:1:0:1001::1/64", "fd00:1:0:1001::2/64");
        assertThat(AddressPlan.allocate(s)).isEmpty();
    }

    @Test
    void allocate6_isEmptyWithoutPool6() {
        assertThat(AddressPlan.allocate6(load("{\"name\": \"x\", \"nodes\": [\"a\", \"b\"], \"links\": [{\"between\": [\"a\", \"b\"]}]}")))
                .isEmpty();
    }

    @Test
    void allocate6_poolTooSmall_suggestsALargerPool() {
        Scenario tooBig = new Scenario("x", Scenario.Defaults.BUILT_IN,
                List.of(new Scenario.NodeDef("a", "tiny", 96, 1, List.of()), new Scenario.NodeDef("b", "tiny", 96, 1, List.of())),
                List.of(new Scenario.LinkDef("a-b", new Scenario.Endpoint("a", null), new Scenario.Endpoint("b", null), Impairment.NONE,
                        Impairment.NONE)),
                List.of(new Scenario.LanDef("l", List.of(new Scenario.Endpoint("a", null), new Scenario.Endpoint("b", null)),
                        Impairment.NONE)),
                new Scenario.Addressing(null, "fd00:1::/64"), Scenario.Routing.STATIC, List.of(), List.of(), List.of(), null);

        assertThatThrownBy(() -> AddressPlan.allocate6(tooBig))
                .isInstanceOf(AddressPlan.PoolTooSmallException.class)
                .hasMessage("pool6 fd00:1::/64 is too small: 1 LAN and 1 link need a /64 each; use /63 or larger, e.g. \"pool6\": \"fd00:1::/63\"");
    }
}

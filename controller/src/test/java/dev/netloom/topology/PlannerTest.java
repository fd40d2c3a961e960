package dev.netloom.topology;

import dev.netloom.impairment.Impairment;
import dev.netloom.scenario.Cidr;
import dev.netloom.scenario.Scenario;
import dev.netloom.scenario.Scenario.Endpoint;
import dev.netloom.scenario.Scenario.LanDef;
import dev.netloom.scenario.Scenario.LinkDef;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.netloom.topology.TestScenarios.addresses;
import static dev.netloom.topology.TestScenarios.lan;
import static dev.netloom.topology.TestScenarios.line;
import static dev.netloom.topology.TestScenarios.link;
import static dev.netloom.topology.TestScenarios.nodes;
import static dev.netloom.topology.TestScenarios.plan;
import static dev.netloom.topology.TestScenarios.ring;
import static dev.netloom.topology.TestScenarios.scenario;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlannerTest {

    @Test
    void maxInterfaces_fillsExactlyTheFreePciSlotsUpTo0x1f() {
        assertThat(Planner.FIRST_PCI_SLOT + Planner.MAX_INTERFACES - 1).isEqualTo(0x1f);
    }


    @Test
    void interfaces_followLinksInOrderThenLansInOrder() {
        Scenario s = scenario(List.of("a", "b", "c"),
                List.of(link("b", "c"), link("a", "b"), link("c", "a")),
                List.of(lan("lan1", "c", "b"), lan("lan2", "b")));
        Plan plan = plan(s);

        assertThat(plan.node("a").interfaces()).extracting(InterfacePlan::segment).containsExactly("a-b", "c-a");
        assertThat(plan.node("b").interfaces()).extracting(InterfacePlan::segment).containsExactly("b-c", "a-b", "lan1", "lan2");
        assertThat(plan.node("c").interfaces()).extracting(InterfacePlan::segment).containsExactly("b-c", "c-a", "lan1");
        assertThat(plan.node("b").interfaces()).extracting(InterfacePlan::guestName).containsExactly("eth0", "eth1", "eth2", "eth3");
        assertThat(plan.node("b").interfaces()).extracting(InterfacePlan::index).containsExactly(0, 1, 2, 3);
        assertThat(plan.segments()).extracting(SegmentPlan::name).containsExactly("b-c", "a-b", "c-a", "lan1", "lan2");
        assertThat(plan.segment("lan1").members()).extracting(SegmentPlan.Member::node, SegmentPlan.Member::interfaceIndex)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("c", 2), org.assertj.core.groups.Tuple.tuple("b", 2));
    }

    @Test
    void plan_isDeterministic() {
        Scenario s = scenario(nodes("r", 6), ring(nodes("r", 6)), List.of(lan("core", "r1", "r3", "r5")));
        assertThat(plan(s)).isEqualTo(plan(s));
    }

    @Test
    void macs_areLocallyAdministeredUnicastDeterministicAndUniqueInTheLab() {
        List<String> names = nodes("n", 12);
        List<LinkDef> mesh = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            for (int j = i + 1; j < names.size(); j++) {
                mesh.add(link(names.get(i), names.get(j)));
            }
        }
        Scenario s = scenario(names, mesh, List.of(lan("all", names.toArray(String[]::new))));
        Plan plan = plan(s);

        List<String> macs = plan.nodes().stream().flatMap(n -> n.interfaces().stream()).map(InterfacePlan::mac).toList();
        assertThat(macs).hasSize(12 * 12).doesNotHaveDuplicates().doesNotContain(Planner.QEMU_DEFAULT_MAC);
        assertThat(macs).allMatch(m -> m.matches("52:54(:[0-9a-f]{2}){4}"));
        assertThat(Planner.plan(s, addresses(s)).nodes().get(3).interfaces().get(5).mac()).isEqualTo(macs.get(3 * 12 + 5));
        // the MAC depends on lab, node and interface index only
        assertThat(Planner.mac("lab", "n4", 5, new HashSet<>())).isEqualTo(plan.node("n4").interfaces().get(5).mac());
        assertThat(Planner.mac("other", "n4", 5, new HashSet<>())).isNotEqualTo(plan.node("n4").interfaces().get(5).mac());
    }

    @Test
    void mac_whenTaken_picksTheNextDerivedOneDeterministically() {
        String first = Planner.mac("lab", "a", 0, new HashSet<>());
        Set<String> used = new HashSet<>(Set.of(first));
        String second = Planner.mac("lab", "a", 0, used);
        assertThat(second).isNotEqualTo(first).matches("52:54(:[0-9a-f]{2}){4}");
        assertThat(Planner.mac("lab", "a", 0, new HashSet<>(Set.of(first)))).isEqualTo(second);
    }

    @Test
    void pciSlots_startAtThreeAndFollowTheInterfaceIndex() {
        Plan plan = plan(scenario(List.of("a", "b"), List.of(link("l1", "a", "b"), link("l2", "a", "b"), link("l3", "a", "b")), List.of()));
        assertThat(plan.node("a").interfaces()).extracting(InterfacePlan::pciSlot).containsExactly(3, 4, 5);
        assertThat(plan.node("a").nics()).extracting(n -> n.pciSlot()).containsExactly(3, 4, 5);
        assertThat(plan.node("a").nics().get(1).tap()).isEqualTo("t0x1");
    }

    @Test
    void devices_areNamedFromIndexesOnlyAndFitInFifteenCharacters() {
        List<String> names = List.of("a-very-long-nam", "b");
        Scenario s = scenario(names, List.of(link("x.y_z-lonely-long-link-name-0123", "a-very-long-nam", "b")), List.of(lan("lan", "a-very-long-nam", "b")));
        Plan plan = plan(s);

        assertThat(plan.node("a-very-long-nam").interfaces()).extracting(InterfacePlan::tap).containsExactly("t0x0", "t0x1");
        assertThat(plan.node("b").interfaces()).extracting(InterfacePlan::tap).containsExactly("t1x0", "t1x1");
        assertThat(plan.segments()).extracting(SegmentPlan::bridge).containsExactly(null, "b1"); // a link has no bridge, a LAN has b<segment>
        assertThat(plan.segment("lan").members()).extracting(SegmentPlan.Member::tap).containsExactly("t0x1", "t1x1");
        assertThat(Planner.tap(999_999, 28)).hasSizeLessThanOrEqualTo(15);
    }

    @Test
    void ring4_routesEveryNodeToEveryOtherSubnetOverShortestPaths() {
        List<String> names = nodes("r", 4);
        Scenario s = scenario(names, ring(names), List.of());
        Plan plan = plan(s);
        assertShortestStaticRoutes(s, plan);
        // r1 has r1-r2 (eth0) and r4-r1 (eth1): r2-r3 is one hop away through r2, r3-r4 through r4
        assertThat(plan.node("r1").routes()).containsExactly(
                new Route("10.0.1.0/24", "10.0.0.2", "eth0"),   // r2-r3 via r2
                new Route("10.0.2.0/24", "10.0.3.1", "eth1"));  // r3-r4 via r4
    }

    @Test
    void line5_routesToTheFarEndGoHopByHop() {
        List<String> names = nodes("r", 5);
        Scenario s = scenario(names, line(names), List.of());
        Plan plan = plan(s);
        assertShortestStaticRoutes(s, plan);
        assertThat(plan.node("r1").routes()).containsExactly(
                new Route("10.0.1.0/24", "10.0.0.2", "eth0"),
                new Route("10.0.2.0/24", "10.0.0.2", "eth0"),
                new Route("10.0.3.0/24", "10.0.0.2", "eth0"));
        assertThat(plan.node("r3").routes()).containsExactly(
                new Route("10.0.0.0/24", "10.0.1.1", "eth0"),
                new Route("10.0.3.0/24", "10.0.2.2", "eth1"));
        assertThat(Forwarding.path(plan, "r1", plan.node("r5").interfaces().get(0).ip())).containsExactly("r1", "r2", "r3", "r4", "r5");
    }

    @Test
    void ring5_equalPaths_preferTheNeighbourWithTheLowerNodeIndex() {
        List<String> names = nodes("r", 5);
        Scenario s = scenario(names, ring(names), List.of());
        Plan plan = plan(s);
        assertShortestStaticRoutes(s, plan);
        // r1 to the opposite link r3-r4: two hops through r2 or through r5; r2 wins
        assertThat(plan.node("r1").routes()).contains(new Route("10.0.2.0/24", "10.0.0.2", "eth0"));
        // r3 to r5-r1: two hops through r2 or through r4; r2 wins
        assertThat(plan.node("r3").routes()).contains(new Route("10.0.4.0/24", "10.0.1.1", "eth0"));
    }

    @Test
    void lanOfThreePlusLink_routesViaTheLanMemberAddress() {
        Scenario s = scenario(List.of("a", "b", "c", "d"), List.of(link("c", "d")), List.of(lan("lan", "a", "b", "c")));
        Plan plan = plan(s);
        assertShortestStaticRoutes(s, plan);
        // lan is segment 1: 10.0.1.0/24 with a=.1, b=.2, c=.3; c-d is 10.0.0.0/24 with c=.1, d=.2
        assertThat(plan.node("a").routes()).containsExactly(new Route("10.0.0.0/24", "10.0.1.3", "eth0"));
        assertThat(plan.node("b").routes()).containsExactly(new Route("10.0.0.0/24", "10.0.1.3", "eth0"));
        assertThat(plan.node("c").routes()).isEmpty();
        assertThat(plan.node("d").routes()).containsExactly(new Route("10.0.1.0/24", "10.0.0.1", "eth0"));
        assertThat(plan.segment("lan").kind()).isEqualTo(SegmentPlan.Kind.LAN);
        assertThat(plan.segment("lan").subnet()).isEqualTo("10.0.1.0/24");
    }

    @Test
    void parallelLinks_getOneInterfaceEachAndRoutesUseTheFirst() {
        Scenario s = scenario(List.of("a", "b", "c"),
                List.of(link("a-b", "a", "b"), link("a-b-2", "a", "b"), link("b-c", "b", "c")), List.of());
        Plan plan = plan(s);
        assertShortestStaticRoutes(s, plan);
        assertThat(plan.node("a").interfaces()).extracting(InterfacePlan::segment).containsExactly("a-b", "a-b-2");
        assertThat(plan.node("b").interfaces()).extracting(InterfacePlan::segment).containsExactly("a-b", "a-b-2", "b-c");
        assertThat(plan.node("a").routes()).containsExactly(new Route("10.0.2.0/24", "10.0.0.2", "eth0"));
        assertThat(plan.node("c").routes()).containsExactly(
                new Route("10.0.0.0/24", "10.0.2.1", "eth0"),
                new Route("10.0.1.0/24", "10.0.2.1", "eth0"));
    }

    @Test
    void routingNone_installsNoRoutes() {
        List<String> names = nodes("r", 5);
        Plan plan = plan(scenario(names, line(names), List.of(), Scenario.Routing.NONE));
        assertThat(plan.nodes()).allSatisfy(n -> assertThat(n.routes()).isEmpty());
        assertThat(plan.node("r1").interfaces()).hasSize(1);
    }

    @Test
    void hosts_mapEveryNodeToItsFirstAddress() {
        Scenario s = scenario(List.of("a", "b", "c", "lonely"), List.of(link("a", "b"), link("b", "c")), List.of());
        Plan plan = plan(s);
        assertThat(plan.nodes()).allSatisfy(n -> assertThat(n.hosts()).containsExactly(
                Map.entry("a", List.of("10.0.0.1")), Map.entry("b", List.of("10.0.0.2")), Map.entry("c", List.of("10.0.1.2"))));
    }

    @Test
    void nodeResourcesAndCommands_comeFromTheScenario() {
        Scenario s = new Scenario("lab", Scenario.Defaults.BUILT_IN,
                List.of(new Scenario.NodeDef("a", "debian", 256, 2, List.of("echo a"))), List.of(), List.of(),
                Scenario.Addressing.DEFAULT, Scenario.Routing.STATIC, List.of("echo all"), List.of(), List.of(), null);
        NodePlan a = Planner.plan(s, Map.of()).node("a");
        assertThat(a.image()).isEqualTo("debian");
        assertThat(a.memoryMiB()).isEqualTo(256);
        assertThat(a.cpus()).isEqualTo(2);
        assertThat(a.commands()).containsExactly("echo all", "echo a");
        assertThat(a.interfaces()).isEmpty();
        assertThat(a.hosts()).isEmpty();
    }

    @Test
    void moreThan29Interfaces_areAProgrammingError_theLoaderRejectsThemFirst() {
        List<String> leaves = nodes("leaf", 30);
        List<String> all = new ArrayList<>(List.of("hub"));
        all.addAll(leaves);
        List<LinkDef> star = leaves.stream().map(l -> link("hub", l)).toList();
        Scenario tooMany = scenario(all, star, List.of());
        assertThatThrownBy(() -> plan(tooMany)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("node hub").hasMessageContaining("30 interfaces").hasMessageContaining("29");

        Scenario justFits = scenario(all.subList(0, 30), star.subList(0, 29), List.of());
        assertThat(plan(justFits).node("hub").interfaces()).hasSize(29).last().extracting(InterfacePlan::pciSlot).isEqualTo(0x1f);
    }

    @Test
    void impairments_haveBothLinkDirectionsAndOneEntryPerLanMember() {
        Impairment slow = new Impairment(Duration.ofMillis(10), null, null, null, null, null, null);
        Scenario s = scenario(List.of("a", "b", "c"),
                List.of(new LinkDef("ab", new Endpoint("a", null), new Endpoint("b", null), slow, null)),
                List.of(new LanDef("lan", List.of(new Endpoint("a", null), new Endpoint("b", null), new Endpoint("c", null)), slow)));
        Plan plan = plan(s);
        assertThat(plan.segment("ab").impairments()).containsExactly(Map.entry("a->b", slow), Map.entry("b->a", Impairment.NONE));
        assertThat(plan.segment("lan").impairments()).containsOnlyKeys("a", "b", "c").containsValue(slow);
    }

    @Test
    void hostEngine_shapesAtoBOnBsTap_guestEngineOnAsInterface() {
        Scenario s = scenario(List.of("a", "b", "c"), List.of(link("a", "b")), List.of(lan("lan", "a", "b", "c")));
        SegmentPlan ab = plan(s).segment("a-b");
        assertThat(ab.hostTap("a->b")).isEqualTo("t1x0");       // b's tap: a->b traffic is redirected to its egress
        assertThat(ab.hostTap("b->a")).isEqualTo("t0x0");
        assertThat(ab.guestMember("a->b").node()).isEqualTo("a");
        assertThat(ab.guestMember("a->b").dev()).isEqualTo("eth0");
        SegmentPlan lan = plan(s).segment("lan");
        assertThat(lan.hostTap("c")).isEqualTo("t2x0");
        assertThat(lan.guestMember("b").dev()).isEqualTo("eth1");
        assertThatThrownBy(() -> ab.hostTap("a->c")).hasMessageContaining("a->b, b->a");
    }

    @Test
    void addresses_areTakenAsGiven_theLoaderChecksThem() {
        // one subnet per segment, unique addresses and no overlaps are the loader's rules (ScenarioLoaderTest)
        Scenario s = scenario(List.of("a", "b", "c"), List.of(link("a", "b"), link("b", "c")), List.of());
        Map<String, List<String>> junk = new HashMap<>(addresses(s));
        junk.put("a-b", List.of("10.0.0.1/24", "10.0.0.2; reboot"));
        assertThatThrownBy(() -> Planner.plan(s, junk)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("link a-b").hasMessageContaining("not an IPv4 address with a prefix length");

        Map<String, List<String>> missing = new HashMap<>(addresses(s));
        missing.remove("b-c");
        assertThatThrownBy(() -> Planner.plan(s, missing)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("link b-c: expected 2 IPv4 addresses, got none");

        Map<String, List<String>> slash31 = new HashMap<>(addresses(s));
        slash31.put("a-b", List.of("10.9.0.0/31", "10.9.0.1/31"));
        assertThat(Planner.plan(s, slash31).node("a").interfaces().get(0).address()).isEqualTo("10.9.0.0/31");
    }

    @Test
    void ring8_followingRoutesHopByHop_reachesEveryAddressOfEveryNode() {
        List<String> names = nodes("r", 8);
        Scenario s = scenario(names, ring(names), List.of());
        Plan plan = plan(s);
        assertShortestStaticRoutes(s, plan);
        Topology topology = Topology.of(s);
        for (NodePlan from : plan.nodes()) {
            for (NodePlan to : plan.nodes()) {
                for (InterfacePlan target : to.interfaces()) {
                    List<String> path = Forwarding.path(plan, from.name(), target.ip());
                    assertThat(path.get(path.size() - 1)).isEqualTo(to.name());
                    assertThat(path.size() - 1).isLessThanOrEqualTo(topology.hops(from.name(), to.name()) + 1);
                }
            }
        }
    }

    @Test
    void randomMeshWithLans_forwardingReachesEverything() {
        List<String> names = nodes("n", 14);
        java.util.Random random = new java.util.Random(7);
        List<LinkDef> links = new ArrayList<>(line(names.subList(0, 8)));
        for (int i = 0; i < 10; i++) {
            int a = random.nextInt(14);
            int b = random.nextInt(14);
            if (a != b) {
                links.add(link("x" + i, names.get(a), names.get(b)));
            }
        }
        Scenario s = scenario(names, links, List.of(lan("l1", "n8", "n9", "n10", "n11"), lan("l2", "n11", "n12", "n13", "n14"), lan("l3", "n3", "n12")));
        Plan plan = plan(s);
        assertShortestStaticRoutes(s, plan);
        for (NodePlan from : plan.nodes()) {
            for (NodePlan to : plan.nodes()) {
                to.interfaces().forEach(t -> assertThat(Forwarding.path(plan, from.name(), t.ip())).last().isEqualTo(to.name()));
            }
        }
    }

    @Test
    void dualStack_everyInterfaceHasBothFamilies_andIpv6RoutesFollowTheSameNextHops() {
        List<String> names = nodes("r", 4);
        Scenario s = scenario(names, ring(names), List.of());
        Plan plan = TestScenarios.dualStack(s);
        assertThat(plan.node("r1").interfaces()).extracting(InterfacePlan::address, InterfacePlan::address6).containsExactly(
                org.assertj.core.groups.Tuple.tuple("10.0.0.1/24", "fd00:0:0:1::1/64"),
                org.assertj.core.groups.Tuple.tuple("10.0.3.2/24", "fd00:0:0:4::2/64"));
        assertThat(plan.segment("r1-r2").subnet6()).isEqualTo("fd00:0:0:1::/64");
        // IPv4 routes first, then the IPv6 ones, each in segment order, through the same neighbours
        assertThat(plan.node("r1").routes()).containsExactly(
                new Route("10.0.1.0/24", "10.0.0.2", "eth0"),
                new Route("10.0.2.0/24", "10.0.3.1", "eth1"),
                new Route("fd00:0:0:2::/64", "fd00:0:0:1::2", "eth0"),
                new Route("fd00:0:0:3::/64", "fd00:0:0:4::1", "eth1"));
        assertThat(plan.node("r1").routes()).extracting(Route::family)
                .containsExactly(Cidr.Family.IPV4, Cidr.Family.IPV4, Cidr.Family.IPV6, Cidr.Family.IPV6);
        assertThat(plan.node("r3").hosts()).containsEntry("r1", List.of("10.0.0.1", "fd00:0:0:1::1"));
        assertShortestStaticRoutes(s, plan);
    }

    @Test
    void ipv6Only_hasNoIpv4AnywhereInThePlan() {
        List<String> names = nodes("r", 5);
        Scenario s = scenario(names, line(names), List.of(lan("lan", "r1", "r3", "r5")));
        Plan plan = TestScenarios.ipv6Only(s);
        assertThat(plan.nodes()).flatExtracting(NodePlan::interfaces).allSatisfy(i -> {
            assertThat(i.address()).isNull();
            assertThat(i.ip()).isNull();
            assertThat(i.addresses()).containsExactly(i.address6());
        });
        assertThat(plan.nodes()).flatExtracting(NodePlan::routes).allMatch(r -> r.family() == Cidr.Family.IPV6).isNotEmpty();
        assertThat(plan.segment("lan").subnet()).isNull();
        assertThat(plan.segment("lan").members()).extracting(SegmentPlan.Member::ip6)
                .containsExactly("fd00:0:0:5::1", "fd00:0:0:5::2", "fd00:0:0:5::3");
        assertThat(plan.node("r2").hosts()).containsEntry("r5", List.of("fd00:0:0:4::2"));
        assertShortestStaticRoutes(s, plan);
        for (NodePlan from : plan.nodes()) {
            for (NodePlan to : plan.nodes()) {
                to.interfaces().forEach(t -> assertThat(Forwarding.path(plan, from.name(), t.ip6())).last().isEqualTo(to.name()));
            }
        }
    }

    @Test
    void plan_withAFamilyMapPartlyMissing_isAProgrammingError() {
        Scenario s = scenario(List.of("a", "b", "c"), List.of(link("a", "b"), link("b", "c")), List.of());
        Map<String, List<String>> missing = new HashMap<>(TestScenarios.addresses6(s));
        missing.remove("b-c");
        assertThatThrownBy(() -> Planner.plan(s, addresses(s), missing)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("link b-c: expected 2 IPv6 addresses, got none");
        Map<String, List<String>> wrongFamily = new HashMap<>(TestScenarios.addresses6(s));
        wrongFamily.put("a-b", List.of("10.0.0.1/24", "10.0.0.2/24"));
        assertThatThrownBy(() -> Planner.plan(s, Map.of(), wrongFamily)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not an IPv6 address");
        assertThatThrownBy(() -> Planner.plan(s, Map.of(), Map.of())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no addresses of either family");
    }

    @Test
    void randomMeshWithLans_dualStack_forwardingReachesEveryAddressOfBothFamilies() {
        List<String> names = nodes("n", 14);
        java.util.Random random = new java.util.Random(9);
        List<LinkDef> links = new ArrayList<>(line(names.subList(0, 8)));
        for (int i = 0; i < 10; i++) {
            int a = random.nextInt(14);
            int b = random.nextInt(14);
            if (a != b) {
                links.add(link("x" + i, names.get(a), names.get(b)));
            }
        }
        Scenario s = scenario(names, links, List.of(lan("l1", "n8", "n9", "n10", "n11"), lan("l2", "n11", "n12", "n13", "n14"), lan("l3", "n3", "n12")));
        Plan plan = TestScenarios.dualStack(s);
        assertShortestStaticRoutes(s, plan);
        for (NodePlan from : plan.nodes()) {
            for (NodePlan to : plan.nodes()) {
                for (InterfacePlan t : to.interfaces()) {
                    List<String> v4 = Forwarding.path(plan, from.name(), t.ip());
                    assertThat(v4).last().isEqualTo(to.name());
                    assertThat(Forwarding.path(plan, from.name(), t.ip6())).isEqualTo(v4); // the same path in both families
                }
            }
        }
    }

    @Test
    void planOfTheLoadedScenario_takesBothFamiliesFromItsPools() {
        Scenario s = new dev.netloom.scenario.ScenarioLoader(dev.netloom.scenario.ImageCheck.ANY).load("""
                {"name": "x", "nodes": ["a", "b", "c"], "links": [{"between": ["a", "b"]}, {"between": ["b", "c"]}],
                 "addressing": {"pool": "10.1.0.0/16", "pool6": "fd00:1::/48"}}
                """, "t.json");
        Plan plan = Planner.plan(s);
        assertThat(plan.node("b").interfaces()).extracting(InterfacePlan::address, InterfacePlan::address6).containsExactly(
                org.assertj.core.groups.Tuple.tuple("10.1.0.2/30", "fd00:1::2/64"),
                org.assertj.core.groups.Tuple.tuple("10.1.0.5/30", "fd00:1:0:1::1/64"));
        assertThat(plan.node("a").routes()).containsExactly(new Route("10.1.0.4/30", "10.1.0.2", "eth0"),
                new Route("fd00:1:0:1::/64", "fd00:1::2", "eth0"));
    }

    /**
     * Every node has exactly one route to every subnet it is not on (in segment order), its gateway is on
     * the segment of its dev, and that neighbour is one hop closer to the subnet than the node.
     */
    private static void assertShortestStaticRoutes(Scenario scenario, Plan plan) {
        Topology topology = Topology.of(scenario);
        for (NodePlan node : plan.nodes()) {
            for (Cidr.Family family : Cidr.Family.values()) {
                Set<String> attached = new HashSet<>();
                node.interfaces().forEach(i -> attached.add(plan.segment(i.segment()).subnet(family)));
                List<String> expected = plan.segments().stream().map(sp -> sp.subnet(family))
                        .filter(sub -> sub != null && !attached.contains(sub)).toList();
                List<Route> routes = node.routes().stream().filter(r -> r.family() == family).toList();
                assertThat(routes).as("%s routes of %s", family, node.name()).extracting(Route::destination).containsExactlyElementsOf(expected);
                for (Route route : routes) {
                    InterfacePlan out = node.interfaces().stream().filter(i -> i.guestName().equals(route.dev())).findFirst().orElseThrow();
                    SegmentPlan shared = plan.segment(out.segment());
                    SegmentPlan.Member hop = shared.members().stream().filter(m -> route.via().equals(m.ip(family))).findFirst()
                            .orElseThrow(() -> new AssertionError(node.name() + ": next hop " + route.via() + " is not on " + shared.name()));
                    assertThat(hop.node()).isNotEqualTo(node.name());
                    SegmentPlan target = plan.segments().stream().filter(sp -> route.destination().equals(sp.subnet(family))).findFirst().orElseThrow();
                    assertThat(distance(topology, hop.node(), target)).as("%s -> %s via %s", node.name(), route.destination(), hop.node())
                            .isEqualTo(distance(topology, node.name(), target) - 1);
                }
            }
        }
    }

    private static int distance(Topology topology, String from, SegmentPlan to) {
        return to.members().stream().mapToInt(m -> topology.hops(from, m.node())).filter(d -> d >= 0).min().orElse(-1);
    }
}

package dev.netloom.guest;

import dev.netloom.scenario.Scenario;
import dev.netloom.topology.NodePlan;
import dev.netloom.topology.Outages;
import dev.netloom.topology.Plan;
import dev.netloom.topology.Planner;
import dev.netloom.topology.Route;
import dev.netloom.topology.RouteAggregation;
import dev.netloom.topology.StaticRoutes;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static dev.netloom.topology.TestScenarios.addresses;
import static dev.netloom.topology.TestScenarios.addresses6;
import static dev.netloom.topology.TestScenarios.dualStack;
import static dev.netloom.topology.TestScenarios.ipv6Only;
import static dev.netloom.topology.TestScenarios.lan;
import static dev.netloom.topology.TestScenarios.link;
import static dev.netloom.topology.TestScenarios.nodes;
import static dev.netloom.topology.TestScenarios.plan;
import static dev.netloom.topology.TestScenarios.scenario;
import static org.assertj.core.api.Assertions.assertThat;

class RerouteTest {

    /** a-b-c in a line, and a-c as a shortcut: a reaches c's far subnet directly until the shortcut fails. */
    private static final Scenario TRIANGLE = scenario(List.of("a", "b", "c", "d"),
            List.of(link("a", "b"), link("b", "c"), link("a", "c"), link("c", "d")), List.of());

    @Test
    void shortcutDown_routesGoTheLongWay_andTheShortcutsAddressesStayReachable() {
        Plan plan = plan(TRIANGLE);
        assertThat(plan.node("a").routes()).contains(new Route("10.0.3.0/24", "10.0.2.2", "eth1")); // c-d via c on a-c

        Map<String, List<String>> cmds = Reroute.commands(plan, Outages.NONE, Outages.whole(Set.of("a-c")), Set.of("a-c"));
        assertThat(cmds.get("a")).contains(
                "ip route replace 10.0.0.0/23 via 10.0.0.2 dev eth0",  // b-c via b, merged with a-b (a's own)
                "ip route replace 10.0.3.0/24 via 10.0.0.2 dev eth0",  // c-d via b now
                "ip route replace 10.0.2.2/32 via 10.0.0.2 dev eth0"); // c's address on the failed link, via b
        assertThat(cmds.get("a")).noneMatch(c -> c.contains("10.0.2.0/24 via"));
        assertThat(cmds.get("d")).contains("ip route replace 10.0.2.1/32 via 10.0.3.1 dev eth0");
        // the members of the failed link do not route to their own address
        assertThat(cmds.get("c")).noneMatch(c -> c.contains("10.0.2.2/32"));
    }

    @Test
    void shortcutDownOneWay_onlyThatDirectionsTrafficGoesTheLongWay_andTheWayBackStays() {
        Plan plan = plan(TRIANGLE); // a: eth0 on a-b (10.0.0.1), eth1 on a-c (10.0.2.1); c is 10.0.2.2 on a-c
        Outages aToC = new Outages(Set.of(), Map.of("a-c", "a->c"));

        Map<String, List<Route>> routes = StaticRoutes.of(plan, aToC);
        assertThat(routes.get("a")).contains(new Route("10.0.3.0/24", "10.0.0.2", "eth0")); // a to c-d: via b now
        assertThat(routes.get("c")).contains(new Route("10.0.0.0/24", "10.0.2.1", "eth1"));  // c to a-b: still straight to a
        assertThat(routes.values()).allSatisfy(list -> assertThat(list).noneMatch(r -> r.destination().equals("10.0.2.0/24")));

        Map<String, List<String>> cmds = Reroute.commands(plan, Outages.NONE, aToC, Set.of("a-c"));
        assertThat(cmds.get("a")).contains("ip route replace 10.0.2.2/32 via 10.0.0.2 dev eth0"); // c's address on a-c: via b
        assertThat(cmds.get("c")).contains("ip route del 10.0.2.1/32 2>/dev/null || true");       // a's: connected, c->a passes
        assertThat(cmds.get("d")).contains("ip route replace 10.0.2.1/32 via 10.0.3.1 dev eth0",  // both via c
                "ip route replace 10.0.2.2/32 via 10.0.3.1 dev eth0");
        // the interfaces stay up, so IPv6 addresses need no holding on lo
        assertThat(Reroute.commands(dualStack(TRIANGLE), Outages.NONE, aToC, Set.of("a-c")).values())
                .allSatisfy(list -> assertThat(list).noneMatch(c -> c.startsWith("ip addr replace")));
    }

    @Test
    void fromDownToDownOneWay_releasesTheAddressesHeldOnLo() {
        Plan plan = dualStack(TRIANGLE);
        Map<String, List<String>> cmds = Reroute.commands(plan, Outages.NONE, new Outages(Set.of(), Map.of("a-c", "c->a")), Set.of("a-c"));
        assertThat(cmds.get("a")).contains("ip addr del fd00:0:0:3::1/128 dev lo 2>/dev/null || true");
        assertThat(cmds.get("c")).contains("ip addr del fd00:0:0:3::2/128 dev lo 2>/dev/null || true");
        assertThat(cmds.get("c")).contains("ip route replace 10.0.2.1/32 via 10.0.1.1 dev eth0"); // c's traffic to a: via b
    }

    @Test
    void shortcutBackUp_restoresThePlansRoutes_andDropsTheHostRoutes() {
        Plan plan = plan(TRIANGLE);
        Map<String, List<String>> cmds = Reroute.commands(plan, Outages.whole(Set.of("a-c")), Outages.whole(Set.of()), Set.of("a-c"));
        for (Route r : RouteAggregation.of(plan.node("a"), plan.node("a").routes(), Outages.NONE)) {
            assertThat(cmds.get("a")).contains(GuestConfig.routeCommand(r));
        }
        assertThat(cmds.get("a")).contains("ip route replace 10.0.2.0/23 via 10.0.2.2 dev eth1"); // a-c (a's own) and c-d via c again
        assertThat(cmds.get("a")).contains("ip route del 10.0.2.2/32 2>/dev/null || true");
        // while a-c was down, c-d went via b: that more specific route must go, or it would keep winning
        assertThat(cmds.get("a")).contains("ip route del 10.0.3.0/24 2>/dev/null || true");
        assertThat(cmds.get("a")).noneMatch(c -> c.startsWith("ip route del 10.0.0.0/23"));
    }

    @Test
    void cutOff_nodeLosesTheRoutesItCannotUse() {
        Plan plan = plan(TRIANGLE);
        Map<String, List<String>> cmds = Reroute.commands(plan, Outages.NONE, Outages.whole(Set.of("c-d")), Set.of("c-d"));
        assertThat(cmds.get("d")).contains("ip route del 10.0.0.0/22 2>/dev/null || true", "ip route del 10.0.3.1/32 2>/dev/null || true"); // its one merged route
        assertThat(cmds.get("a")).contains("ip route del 10.0.3.2/32 2>/dev/null || true");
    }

    @Test
    void dualStack_shortcutDown_reroutesIpv6Too_withSlash128HostRoutes() {
        Plan plan = dualStack(TRIANGLE);
        Map<String, List<String>> cmds = Reroute.commands(plan, Outages.NONE, Outages.whole(Set.of("a-c")), Set.of("a-c"));
        assertThat(cmds.get("a")).contains(
                "ip route replace 10.0.3.0/24 via 10.0.0.2 dev eth0",
                "ip route replace fd00:0:0:2::/64 via fd00:0:0:1::2 dev eth0",     // b-c via b
                "ip route replace fd00:0:0:4::/64 via fd00:0:0:1::2 dev eth0",     // c-d via b now
                "ip route replace 10.0.2.2/32 via 10.0.0.2 dev eth0",
                "ip route replace fd00:0:0:3::2/128 via fd00:0:0:1::2 dev eth0");  // c's IPv6 address on the failed link
        assertThat(cmds.get("d")).contains("ip route replace fd00:0:0:3::1/128 via fd00:0:0:4::1 dev eth0");
        assertThat(cmds.get("c")).noneMatch(c -> c.contains("fd00:0:0:3::2/128 via"));
        // the ends of the failed link hold their IPv6 address on lo meanwhile (on a down interface it is tentative)
        assertThat(cmds.get("c")).contains("ip addr replace fd00:0:0:3::2/128 dev lo");
        assertThat(cmds.get("a")).contains("ip addr replace fd00:0:0:3::1/128 dev lo");
        assertThat(cmds.get("b")).noneMatch(c -> c.contains("dev lo"));

        Map<String, List<String>> back = Reroute.commands(plan, Outages.whole(Set.of("a-c")), Outages.whole(Set.of()), Set.of("a-c"));
        RouteAggregation.of(plan.node("a"), plan.node("a").routes(), Outages.NONE).forEach(r -> assertThat(back.get("a")).contains(GuestConfig.routeCommand(r)));
        assertThat(back.get("a")).contains("ip route del 10.0.2.2/32 2>/dev/null || true", "ip route del fd00:0:0:3::2/128 2>/dev/null || true");
        assertThat(back.get("a")).contains("ip addr del fd00:0:0:3::1/128 dev lo 2>/dev/null || true");
        assertThat(Reroute.commands(plan(TRIANGLE), Outages.NONE, Outages.whole(Set.of("a-c")), Set.of("a-c")).values())
                .allSatisfy(list -> assertThat(list).noneMatch(c -> c.contains("dev lo"))); // IPv4 needs none of this
    }

    @Test
    void ipv6Only_cutOff_deletesTheIpv6RoutesThatLeadNowhere() {
        Plan plan = ipv6Only(TRIANGLE);
        Map<String, List<String>> cmds = Reroute.commands(plan, Outages.NONE, Outages.whole(Set.of("c-d")), Set.of("c-d"));
        assertThat(cmds.get("d")).contains("ip route del fd00:0:0:1::/64 2>/dev/null || true", "ip route del fd00:0:0:4::1/128 2>/dev/null || true");
        assertThat(cmds.get("a")).contains("ip route del fd00:0:0:4::2/128 2>/dev/null || true");
        assertThat(cmds.values()).allSatisfy(list -> assertThat(list).noneMatch(c -> c.contains("10.0.")));
    }

    /**
     * The routes with links down are those of the plan of the scenario without those links (what
     * rerouting used to compute by re-planning a reduced scenario), for random meshes with LANs, half
     * of them dual-stack (their IPv6 routes included).
     */
    @Test
    void routesWithLinksDown_equalThePlanOfTheScenarioWithoutThem() {
        Random random = new Random(11);
        for (int round = 0; round < 200; round++) {
            List<String> names = nodes("n", 3 + random.nextInt(8));
            List<Scenario.LinkDef> links = new ArrayList<>();
            for (int i = 1; i < names.size(); i++) {
                links.add(link("l" + links.size(), names.get(random.nextInt(i)), names.get(i)));
            }
            for (int extra = random.nextInt(5); extra > 0; extra--) {
                int a = random.nextInt(names.size());
                int b = random.nextInt(names.size());
                if (a != b) {
                    links.add(link("l" + links.size(), names.get(a), names.get(b)));
                }
            }
            List<Scenario.LanDef> lans = random.nextBoolean() ? List.of(lan("lan", names.get(0), names.get(names.size() - 1), names.get(1)))
                    : List.of();
            Scenario full = scenario(names, links, lans);
            boolean dual = round % 2 == 1; // every other round with IPv6 too
            Plan plan = dual ? dualStack(full) : plan(full);
            Set<String> down = new HashSet<>();
            plan.segments().forEach(s -> {
                if (random.nextInt(4) == 0) {
                    down.add(s.name());
                }
            });

            Scenario reduced = scenario(names, links.stream().filter(l -> !down.contains(l.name())).toList(),
                    lans.stream().filter(l -> !down.contains(l.name())).toList());
            Map<String, List<String>> fullAddresses = addresses(full);
            Plan live = Planner.plan(reduced, fullAddresses, dual ? addresses6(full) : Map.of());
            Map<String, List<Route>> routes = StaticRoutes.of(plan, Outages.whole(down));
            for (NodePlan n : live.nodes()) {
                List<Route> expected = n.routes().stream().map(r -> {
                    String segment = n.interfaces().stream().filter(i -> i.guestName().equals(r.dev())).findFirst().orElseThrow().segment();
                    return new Route(r.destination(), r.via(), plan.node(n.name()).interfaceOn(segment).orElseThrow().guestName());
                }).toList();
                assertThat(routes.get(n.name())).as("round %d node %s down %s", round, n.name(), down).isEqualTo(expected);
            }
        }
    }
}

package dev.netloom.topology;

import dev.netloom.guest.Reroute;
import dev.netloom.scenario.Scenario;
import dev.netloom.scenario.ScenarioLoader;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** A link model's shared medium (lan mode): its plan, its pairs apart as outages, and host routes via neighbours. */
public class MediumTest {

    /** Four nodes 20 m apart on a line, range 30: each hears only the next one. */
    static final String LINE = """
            {"name": "med", "nodes": [{"name": "a", "position": {"x": 0, "y": 0}}, {"name": "b", "position": {"x": 20, "y": 0}},
              {"name": "c", "position": {"x": 40, "y": 0}}, {"name": "d", "position": {"x": 60, "y": 0}}],
             "addressing": {"pool": "10.7.0.0/16"}, "linkModel": {"kind": "range", "mode": "lan"}}""";

    public static Plan plan() {
        Scenario s = new ScenarioLoader(image -> true).load(LINE, "line");
        return Planner.plan(s);
    }

    /** The pairs of a line a-b-c-d that are not neighbours, both ways. */
    public static final Set<String> APART = Set.of("a->c", "c->a", "a->d", "d->a", "b->d", "d->b");

    @Test
    void plan_isOneMediumWithOneInterfacePerNode_inOneSubnet_andNoBridge() {
        Plan plan = plan();
        assertThat(plan.segments()).hasSize(1);
        SegmentPlan m = plan.segments().get(0);
        assertThat(m.kind()).isEqualTo(SegmentPlan.Kind.MEDIUM);
        assertThat(m.bridge()).isNull();
        assertThat(m.members()).extracting(SegmentPlan.Member::address).containsExactly("10.7.0.1/24", "10.7.0.2/24", "10.7.0.3/24", "10.7.0.4/24");
        assertThat(plan.nodes()).allSatisfy(n -> assertThat(n.interfaces()).hasSize(1));
        assertThat(m.pairDirections()).hasSize(12).contains("a->b", "d->c");
        assertThat(plan.node("a").routes()).isEmpty(); // everyone is on the medium's subnet
    }

    @Test
    void pairsApart_passNothing_andTheMediumIsNotIntact() {
        Plan plan = plan();
        Outages o = Outages.of(plan, Map.of("medium", APART));
        assertThat(o.passes("medium", "a", "b")).isTrue();
        assertThat(o.passes("medium", "a", "c")).isFalse();
        assertThat(o.isDown("medium")).isFalse();
        assertThat(o.intact("medium")).isFalse();
        assertThat(Outages.of(plan, Map.of("medium", Set.of())).isEmpty()).isTrue();
    }

    @Test
    void nonNeighbours_getHostRoutesViaTheNeighbourTowardsThem_neighboursNone() {
        Plan plan = plan();
        Outages line = Outages.of(plan, Map.of("medium", APART));
        Map<String, List<String>> cmds = Reroute.commands(plan, Outages.NONE, line, Set.of("medium"));
        assertThat(cmds.get("a")).contains(
                "ip route replace 10.7.0.3/32 via 10.7.0.2 dev eth0",  // c via b
                "ip route replace 10.7.0.4/32 via 10.7.0.2 dev eth0"); // d via b (two hops)
        assertThat(cmds.get("a")).noneMatch(c -> c.startsWith("ip route replace 10.7.0.2/32"));
        assertThat(cmds.get("b")).contains("ip route replace 10.7.0.4/32 via 10.7.0.3 dev eth0");
        assertThat(cmds.get("d")).contains("ip route replace 10.7.0.1/32 via 10.7.0.3 dev eth0");
    }

    @Test
    void aMove_reroutes_andAllTogetherAgain_dropsEveryHostRoute() {
        Plan plan = plan();
        Outages line = Outages.of(plan, Map.of("medium", APART));
        // d moves next to a: a-d neighbours, b-d still apart, c-d apart now
        Outages moved = Outages.of(plan, Map.of("medium", Set.of("a->c", "c->a", "b->d", "d->b", "c->d", "d->c")));
        Map<String, List<String>> cmds = Reroute.commands(plan, line, moved, Set.of("medium"));
        assertThat(cmds.get("a")).contains("ip route replace 10.7.0.3/32 via 10.7.0.2 dev eth0");
        assertThat(cmds.get("a")).noneMatch(c -> c.startsWith("ip route replace 10.7.0.4/32"));
        assertThat(cmds.get("c")).contains("ip route replace 10.7.0.4/32 via 10.7.0.2 dev eth0"); // via b, then a (lowest index first)
        assertThat(cmds.get("b")).contains("ip route replace 10.7.0.4/32 via 10.7.0.1 dev eth0");

        Map<String, List<String>> back = Reroute.commands(plan, moved, Outages.NONE, Set.of("medium"));
        assertThat(back.get("a")).noneMatch(c -> c.startsWith("ip route replace"));
        assertThat(back.get("a")).anyMatch(c -> c.contains("10.7.0.3/32") && c.startsWith("ip route del"));
    }

    @Test
    void aNodeWithoutNeighbours_hasNoRouteToAnyone() {
        Plan plan = plan();
        Outages alone = Outages.of(plan, Map.of("medium", Set.of("a->b", "b->a", "a->c", "c->a", "a->d", "d->a")));
        assertThat(StaticRoutes.nextHop(plan, alone, "a", "c", dev.netloom.scenario.Cidr.Family.IPV4)).isNull();
        assertThat(StaticRoutes.nextHop(plan, alone, "b", "d", dev.netloom.scenario.Cidr.Family.IPV4).via()).isEqualTo("10.7.0.4"); // b hears d
        assertThat(Reroute.commands(plan, Outages.NONE, alone, Set.of("medium")).get("a")).noneMatch(c -> c.startsWith("ip route replace"));
    }

    /** a, b, c on a line under the WiFi model: a-b 12 m (k 3), b-c 8 m (k 2), a-c 20 m (k 5); d 40 m from everyone, apart. */
    static final String WIFI = """
            {"name": "wmed", "nodes": [{"name": "a", "position": {"x": 0, "y": 0}}, {"name": "b", "position": {"x": 12, "y": 0}},
              {"name": "c", "position": {"x": 20, "y": 0}}, {"name": "d", "position": {"x": 60, "y": 0}}],
             "addressing": {"pool": "10.7.0.0/16"}, "linkModel": {"kind": "wifi-exponential", "mode": "lan"}}""";

    @Test
    void wifiModel_givesEachPairOfTheMediumItsImpairmentAtTheStart_bothWays_andItsReceiversMac() {
        Plan plan = Planner.plan(new ScenarioLoader(image -> true).load(WIFI, "wifi"));
        SegmentPlan m = plan.segment("medium");
        assertThat(m.impairments().keySet()).containsExactlyElementsOf(m.pairDirections()); // a medium's directions are its pairs
        assertThat(m.impairments().get("a->b").describe()).isEqualTo("delay 8ms jitter 800us rate 6750kbit");
        assertThat(m.impairments().get("b->a")).isEqualTo(m.impairments().get("a->b"));
        assertThat(m.impairments().get("b->c").describe()).isEqualTo("delay 4ms jitter 400us rate 13500kbit");
        assertThat(m.impairments().get("c->a").describe()).startsWith("delay 32ms jitter 3200us rate 1687");
        assertThat(m.impairments().get("a->d").isNone()).isTrue(); // apart: nothing to shape
        dev.netloom.impairment.Target ac = m.target("a->c");
        assertThat(ac.guestNode()).isEqualTo("a");
        assertThat(ac.guestDev()).isEqualTo("eth0");
        assertThat(ac.hostTap()).isEqualTo(m.member("c").tap());
        assertThat(ac.peer().mac()).isEqualTo(plan.node("c").interfaces().get(0).mac());
        assertThat(ac.peer().index()).isEqualTo(2);
    }

    @Test
    void dualStack_nonNeighboursGetIpv6HostRoutesToo() {
        Scenario s = new ScenarioLoader(image -> true).load(LINE.replace("\"pool\": \"10.7.0.0/16\"", "\"pool\": \"10.7.0.0/16\", \"pool6\": \"fd00:7::/48\""), "line");
        Plan plan = Planner.plan(s);
        Map<String, List<String>> cmds = Reroute.commands(plan, Outages.NONE, Outages.of(plan, Map.of("medium", APART)), Set.of("medium"));
        assertThat(cmds.get("a")).contains("ip route replace 10.7.0.3/32 via 10.7.0.2 dev eth0", "ip route replace fd00:7::3/128 via fd00:7::2 dev eth0");
    }
}

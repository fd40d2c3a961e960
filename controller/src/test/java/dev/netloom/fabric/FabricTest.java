package dev.netloom.fabric;

import dev.netloom.impairment.Impairment;
import dev.netloom.topology.Plan;
import dev.netloom.topology.Planner;
import dev.netloom.topology.SegmentPlan;
import dev.netloom.topology.TestScenarios;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.netloom.topology.TestScenarios.lan;
import static dev.netloom.topology.TestScenarios.link;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The batches a lab's fabric is made of: taps (and LAN bridges) for {@code ip -batch}, link redirects for {@code tc -batch}. */
class FabricTest {

    /** a - b (link 0), b - c (link 1), LAN of a, b, c (segment 2). */
    private static Plan linksAndLan() {
        var s = TestScenarios.scenario(List.of("a", "b", "c"), List.of(link("a", "b"), link("b", "c")), List.of(lan("lan", "a", "b", "c")));
        return Planner.plan(s, TestScenarios.addresses(s));
    }

    @Test
    void wiring_linksAreTapsOnly_aLanIsABridgeWithItsMembersTaps() {
        assertThat(Fabric.wiring(linksAndLan())).isEqualTo("""
                link set lo up
                tuntap add dev t0x0 mode tap
                link set t0x0 addrgenmode none
                link set t0x0 up
                tuntap add dev t1x0 mode tap
                link set t1x0 addrgenmode none
                link set t1x0 up
                tuntap add dev t1x1 mode tap
                link set t1x1 addrgenmode none
                link set t1x1 up
                tuntap add dev t2x0 mode tap
                link set t2x0 addrgenmode none
                link set t2x0 up
                link add b2 type bridge stp_state 0 forward_delay 0 mcast_snooping 0
                link set b2 addrgenmode none
                link set b2 up
                tuntap add dev t0x1 mode tap
                link set t0x1 addrgenmode none
                link set t0x1 master b2
                link set t0x1 up
                tuntap add dev t1x2 mode tap
                link set t1x2 addrgenmode none
                link set t1x2 master b2
                link set t1x2 up
                tuntap add dev t2x1 mode tap
                link set t2x1 addrgenmode none
                link set t2x1 master b2
                link set t2x1 up
                """);
    }

    @Test
    void redirects_joinEachLinksTwoTapsBothWays_andLeaveLansToTheirBridge() {
        assertThat(Fabric.redirects(linksAndLan())).isEqualTo("""
                qdisc add dev t0x0 ingress
                filter add dev t0x0 parent ffff: protocol all prio 1 u32 match u32 0 0 at -12 action mirred egress redirect dev t1x0
                qdisc add dev t1x0 ingress
                filter add dev t1x0 parent ffff: protocol all prio 1 u32 match u32 0 0 at -12 action mirred egress redirect dev t0x0
                qdisc add dev t1x1 ingress
                filter add dev t1x1 parent ffff: protocol all prio 1 u32 match u32 0 0 at -12 action mirred egress redirect dev t2x0
                qdisc add dev t2x0 ingress
                filter add dev t2x0 parent ffff: protocol all prio 1 u32 match u32 0 0 at -12 action mirred egress redirect dev t1x1
                """);
    }

    @Test
    void oneDirectionDown_isTheSendersRedirectGone_andTheTapsStayUp() {
        SegmentPlan ab = linksAndLan().segment("a-b"); // a on t0x0, b on t1x0
        Fabric.StateChange down = Fabric.stateChange(ab, Set.of(), Set.of("a->b"));
        assertThat(down.tc()).isEqualTo("filter del dev t0x0 parent ffff: protocol all prio 1\n");
        assertThat(down.ip()).isEmpty();
        Fabric.StateChange back = Fabric.stateChange(ab, Set.of("a->b"), Set.of());
        assertThat(back.tc()).isEqualTo("filter add dev t0x0 parent ffff: protocol all prio 1 u32 match u32 0 0 at -12 action mirred egress redirect dev t1x0\n");
        assertThat(back.ip()).isEmpty();
        // the other direction's sender is b
        assertThat(Fabric.stateChange(ab, Set.of(), Set.of("b->a")).tc()).isEqualTo("filter del dev t1x0 parent ffff: protocol all prio 1\n");
    }

    @Test
    void bothDirectionsDown_alsoTakesTheTapsDown_whicheverWayItGotThere() {
        SegmentPlan ab = linksAndLan().segment("a-b");
        Fabric.StateChange whole = Fabric.stateChange(ab, Set.of(), Set.of("a->b", "b->a"));
        assertThat(whole.tc()).isEqualTo("filter del dev t0x0 parent ffff: protocol all prio 1\nfilter del dev t1x0 parent ffff: protocol all prio 1\n");
        assertThat(whole.ip()).isEqualTo("link set t0x0 down\nlink set t1x0 down\n");
        // the second direction down after the first: its redirect goes and the taps go down
        Fabric.StateChange second = Fabric.stateChange(ab, Set.of("a->b"), Set.of("a->b", "b->a"));
        assertThat(second.tc()).isEqualTo("filter del dev t1x0 parent ffff: protocol all prio 1\n");
        assertThat(second.ip()).isEqualTo("link set t0x0 down\nlink set t1x0 down\n");
        // one direction back from down: taps up, the other direction stays without its redirect
        Fabric.StateChange oneBack = Fabric.stateChange(ab, Set.of("a->b", "b->a"), Set.of("a->b"));
        assertThat(oneBack.tc()).isEqualTo("filter add dev t1x0 parent ffff: protocol all prio 1 u32 match u32 0 0 at -12 action mirred egress redirect dev t0x0\n");
        assertThat(oneBack.ip()).isEqualTo("link set t0x0 up\nlink set t1x0 up\n");
        // nothing changes, nothing to run
        assertThat(Fabric.stateChange(ab, Set.of("a->b"), Set.of("a->b"))).isEqualTo(new Fabric.StateChange("", ""));
    }

    @Test
    void aLanDown_isItsTapsDown_withoutFilters() {
        SegmentPlan lan = linksAndLan().segment("lan");
        Fabric.StateChange down = Fabric.stateChange(lan, Set.of(), lan.impairments().keySet());
        assertThat(down.tc()).isEmpty();
        assertThat(down.ip()).isEqualTo("link set t0x1 down\nlink set t1x2 down\nlink set t2x1 down\n");
    }

    @Test
    void redirects_ofALanOnlyLab_areNone() {
        var s = TestScenarios.scenario(List.of("a", "b"), List.of(), List.of(lan("lan", "a", "b")));
        assertThat(Fabric.redirects(Planner.plan(s, TestScenarios.addresses(s)))).isEmpty();
    }

    @Test
    void aThousandLinks_areOneIpBatchAndOneTcBatch_withoutABridge() {
        Plan plan = chain(1000);
        String ip = Fabric.wiring(plan);
        String tc = Fabric.redirects(plan);
        assertThat(ip.lines()).hasSize(1 + 2000 * 3).noneMatch(l -> l.contains("bridge") || l.contains("master"));
        assertThat(tc.lines()).hasSize(2000 * 2);
        assertThat(tc.lines().filter(l -> l.startsWith("qdisc add dev ") && l.endsWith(" ingress"))).hasSize(2000);
        // every tap redirects to exactly one other, and is the target of exactly that one: pairs, nothing shared
        assertThat(tc.lines().filter(l -> l.startsWith("filter")).map(l -> l.substring(l.lastIndexOf(' ') + 1)).distinct()).hasSize(2000);
    }

    @Test
    void wiring_withTunnelledTaps_setsThemUpWithoutMakingTaps() {
        Plan plan = chain(2);
        String far = plan.segments().get(0).members().get(1).tap();
        String ip = Fabric.wiring(plan, Set.of(far));
        assertThat(ip).doesNotContain("tuntap add dev " + far + " ").contains("link set " + far + " addrgenmode none\n", "link set " + far + " up\n");
        assertThat(ip.lines().filter(l -> l.startsWith("tuntap add"))).hasSize(Fabric.wiring(plan).lines().filter(l -> l.startsWith("tuntap add")).toList().size() - 1);
        assertThat(Fabric.redirects(plan)).contains("redirect dev " + far + "\n"); // the redirects join a local tap to the tunnel as to a tap
    }

    @Test
    void batchError_namesTheKernelsWordsAndTheFailedLine() {
        String lines = "qdisc add dev t0x0 ingress\nfilter add dev t0x0 parent ffff: u32 match u32 0 0 action mirred egress redirect dev t1x0\n";
        assertThat(Fabric.batchError("Error: Specified qdisc kind is unknown.\nCommand failed -:2\n", lines))
                .isEqualTo("Error: Specified qdisc kind is unknown.; Command failed -:2 (`" + lines.lines().toList().get(1) + "`)");
        assertThat(Fabric.batchError("RTNETLINK answers: File exists\n", lines)).isEqualTo("RTNETLINK answers: File exists");
        assertThat(Fabric.batchError("Command failed -:9\n", lines)).isEqualTo("Command failed -:9");
        assertThat(Fabric.batchError("  \n", lines)).isEqualTo("no error message");
    }

    @Test
    void segmentPlan_aLinkHasNoBridge_aLanNeedsOne() {
        List<SegmentPlan.Member> two = List.of(new SegmentPlan.Member("a", 0, "t0x0", "10.0.0.1/30"), new SegmentPlan.Member("b", 0, "t1x0", "10.0.0.2/30"));
        Map<String, Impairment> none = Map.of();
        assertThatThrownBy(() -> new SegmentPlan("a-b", 0, SegmentPlan.Kind.LINK, "b0", two, none)).hasMessageContaining("has no bridge");
        assertThatThrownBy(() -> new SegmentPlan("lan", 0, SegmentPlan.Kind.LAN, null, two, none)).hasMessageContaining("needs a bridge");
    }

    /** A line of {@code links + 1} nodes, as the wiring benchmark builds it. */
    static Plan chain(int links) {
        List<SegmentPlan> segments = new java.util.ArrayList<>();
        for (int k = 0; k < links; k++) {
            segments.add(new SegmentPlan("l" + k, k, SegmentPlan.Kind.LINK, null, List.of(
                    new SegmentPlan.Member("n" + k, k == 0 ? 0 : 1, "t" + k + "x" + (k == 0 ? 0 : 1), "10.0.0.1/30"),
                    new SegmentPlan.Member("n" + (k + 1), 0, "t" + (k + 1) + "x0", "10.0.0.2/30")), Map.of()));
        }
        return new Plan("lab", List.of(), segments);
    }

    @Test
    void medium_eachTapMirrorsToEveryOtherAtFirst_theLastByRedirect_andHasNoBridge() {
        Plan plan = dev.netloom.topology.MediumTest.plan();
        assertThat(Fabric.wiring(plan)).doesNotContain("type bridge").contains("tuntap add dev t0x0 mode tap\n");
        assertThat(Fabric.redirects(plan)).startsWith("""
                qdisc add dev t0x0 ingress
                filter add dev t0x0 parent ffff: protocol all prio 1 u32 match u32 0 0 at -12 \
                action mirred egress mirror dev t1x0 pipe action mirred egress mirror dev t2x0 pipe action mirred egress redirect dev t3x0
                qdisc add dev t1x0 ingress
                """);
    }

    @Test
    void mediumChange_rewritesOnlyTheFiltersOfSendersWhoseNeighboursChanged() {
        SegmentPlan m = dev.netloom.topology.MediumTest.plan().segments().get(0);
        String line = Fabric.mediumChange(m, Set.of(), dev.netloom.topology.MediumTest.APART);
        assertThat(line).isEqualTo("""
                filter del dev t0x0 parent ffff: protocol all prio 1
                filter add dev t0x0 parent ffff: protocol all prio 1 u32 match u32 0 0 at -12 action mirred egress redirect dev t1x0
                filter del dev t1x0 parent ffff: protocol all prio 1
                filter add dev t1x0 parent ffff: protocol all prio 1 u32 match u32 0 0 at -12 \
                action mirred egress mirror dev t0x0 pipe action mirred egress redirect dev t2x0
                filter del dev t2x0 parent ffff: protocol all prio 1
                filter add dev t2x0 parent ffff: protocol all prio 1 u32 match u32 0 0 at -12 \
                action mirred egress mirror dev t1x0 pipe action mirred egress redirect dev t3x0
                filter del dev t3x0 parent ffff: protocol all prio 1
                filter add dev t3x0 parent ffff: protocol all prio 1 u32 match u32 0 0 at -12 action mirred egress redirect dev t2x0
                """);
        // d leaves c: only c's and d's filters change; d has no neighbour left, so no filter
        Set<String> after = new java.util.HashSet<>(dev.netloom.topology.MediumTest.APART);
        after.addAll(Set.of("c->d", "d->c"));
        assertThat(Fabric.mediumChange(m, dev.netloom.topology.MediumTest.APART, after)).isEqualTo("""
                filter del dev t2x0 parent ffff: protocol all prio 1
                filter add dev t2x0 parent ffff: protocol all prio 1 u32 match u32 0 0 at -12 action mirred egress redirect dev t1x0
                filter del dev t3x0 parent ffff: protocol all prio 1
                """);
        assertThat(Fabric.stateChange(m, dev.netloom.topology.MediumTest.APART, after).ip()).isEmpty(); // the taps stay up
    }

    @Test
    void mediumFilter_refusesMoreReceiversThanTheKernelsActionsPerFilter() {
        List<String> taps = java.util.stream.IntStream.range(0, 33).mapToObj(i -> "t" + i + "x0").toList();
        assertThat(Fabric.mediumFilter("t99x0", taps.subList(0, 32), true)).contains("redirect dev t31x0");
        assertThatThrownBy(() -> Fabric.mediumFilter("t99x0", taps, true)).hasMessageContaining("1 to 32");
    }
}

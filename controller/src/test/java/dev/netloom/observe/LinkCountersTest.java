package dev.netloom.observe;

import dev.netloom.lab.Lab;
import dev.netloom.scenario.Scenario;
import dev.netloom.scenario.ScenarioLoader;
import dev.netloom.topology.Plan;
import dev.netloom.topology.SegmentPlan;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Counters per direction from the two tools' JSON: which tap and which side each figure comes from. */
class LinkCountersTest {

    private static final Plan PLAN = plan();

    private static Plan plan() {
        Scenario s = new ScenarioLoader(Set.of("tiny")::contains).load("""
                {"name": "obs", "nodes": ["a", "b", "c"], "links": [{"between": ["a", "b"]}], "lans": [{"name": "hall", "members": ["a", "c"]}]}
                """, "t.json");
        return Lab.planOf(s);
    }

    private static String tap(String name, long rxP, long rxB, long rxD, long txP, long txB, long txD) {
        return """
                {"ifname": "%s", "stats64": {"rx": {"bytes": %d, "packets": %d, "dropped": %d}, "tx": {"bytes": %d, "packets": %d, "dropped": %d}}}"""
                .formatted(name, rxB, rxP, rxD, txB, txP, txD);
    }

    @Test
    void linkDirection_isSendersRx_receiversTx_andReceiversRootQdisc() {
        SegmentPlan ab = PLAN.segment("a-b");
        String tapA = ab.members().get(0).tap();
        String tapB = ab.members().get(1).tap();
        String ip = "[" + tap(tapA, 10, 1000, 1, 7, 700, 0) + "," + tap(tapB, 5, 500, 0, 8, 800, 2) + "]";
        String tc = """
                [{"kind": "tbf", "handle": "1:", "root": true, "dev": "%s", "bytes": 800, "packets": 8, "drops": 3, "backlog": 1500, "qlen": 1},
                 {"kind": "netem", "handle": "10:", "parent": "1:1", "dev": "%s", "drops": 99, "backlog": 0, "qlen": 0},
                 {"kind": "ingress", "handle": "ffff:", "parent": "ffff:fff1", "dev": "%s", "drops": 50}]
                """.formatted(tapB, tapB, tapA);
        List<LinkCounters.Direction> all = LinkCounters.of(PLAN, ip, tc);
        LinkCounters.Direction aToB = all.stream().filter(d -> d.direction().equals("a->b")).findFirst().orElseThrow();
        // entered at a's tap (rx 10), delivered by b's tap (tx 8); drops: a's rx 1 + b's tx 2 + b's root qdisc 3 (the child's and ingress's not again)
        assertThat(aToB).isEqualTo(new LinkCounters.Direction("a-b", "link", "a->b", 10, 1000, 8, 800, 6, 1, 1500));
        LinkCounters.Direction bToA = all.stream().filter(d -> d.direction().equals("b->a")).findFirst().orElseThrow();
        assertThat(bToA).isEqualTo(new LinkCounters.Direction("a-b", "link", "b->a", 5, 500, 7, 700, 0, 0, 0));
    }

    @Test
    void lanMember_hasBothDirections_andMissingDevicesReadAsZero() {
        SegmentPlan hall = PLAN.segment("hall");
        String tapC = hall.members().stream().filter(m -> m.node().equals("c")).findFirst().orElseThrow().tap();
        List<LinkCounters.Direction> all = LinkCounters.of(PLAN, "[" + tap(tapC, 4, 400, 0, 6, 600, 1) + "]", "[]");
        assertThat(all).extracting(LinkCounters.Direction::direction)
                .containsExactly("a->b", "b->a", "a->hall", "hall->a", "c->hall", "hall->c");
        assertThat(all).filteredOn(d -> d.direction().equals("c->hall")).singleElement()
                .isEqualTo(new LinkCounters.Direction("hall", "lan", "c->hall", 4, 400, 4, 400, 0, 0, 0));
        assertThat(all).filteredOn(d -> d.direction().equals("hall->c")).singleElement()
                .isEqualTo(new LinkCounters.Direction("hall", "lan", "hall->c", 7, 600, 6, 600, 1, 0, 0));
        assertThat(all).filteredOn(d -> d.direction().equals("a->hall")).singleElement().extracting(LinkCounters.Direction::packets).isEqualTo(0L);
    }

    @Test
    void unreadableOutput_namesTheTool() {
        assertThatThrownBy(() -> LinkCounters.of(PLAN, "{not json", "[]")).hasMessageContaining("ip -s -j link show printed JSON that cannot be read");
        assertThatThrownBy(() -> LinkCounters.of(PLAN, "[]", "{}")).hasMessageContaining("tc -s -j qdisc show printed no JSON array");
    }
}

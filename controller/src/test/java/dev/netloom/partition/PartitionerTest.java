package dev.netloom.partition;

import dev.netloom.lab.HostMemory;
import dev.netloom.lab.Lab;
import dev.netloom.nodes.BadInputException;
import dev.netloom.scenario.ImageCheck;
import dev.netloom.scenario.ScenarioLoader;
import dev.netloom.topology.Plan;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PartitionerTest {

    static Plan plan(String json) {
        return Lab.planOf(new ScenarioLoader(ImageCheck.ANY).load(json, "test.json"));
    }

    static Plan ring(int nodes) {
        return plan("{\"name\": \"r\", \"generate\": {\"topology\": \"ring\", \"nodes\": " + nodes + "}}");
    }

    @Test
    void ring_onTwoEqualHosts_splitsInHalvesWithTwoCrossingLinks() {
        Plan plan = ring(8);
        Partition p = Partitioner.partition(plan, HostSpec.parseList("2"), true);
        assertThat(p.nodesOn("h1")).hasSize(4);
        assertThat(p.nodesOn("h2")).hasSize(4);
        assertThat(p.crossings(plan)).hasSize(2); // a ring cut in two arcs: the least possible
        assertThat(p.crossings(plan)).allSatisfy(c -> assertThat(c.vni()).isEqualTo(Partition.FIRST_VNI + plan.segment(c.link()).index()));
    }

    @Test
    void twoCliquesJoinedByOneLink_areCutAtThatLink() {
        // a1..a4 fully meshed, b1..b4 fully meshed, one bridge a1-b1; nodes listed interleaved so that growth alone is not enough
        StringBuilder links = new StringBuilder();
        for (String side : List.of("a", "b")) {
            for (int i = 1; i <= 4; i++) {
                for (int j = i + 1; j <= 4; j++) {
                    links.append("{\"between\": [\"").append(side).append(i).append("\", \"").append(side).append(j).append("\"]},");
                }
            }
        }
        Plan plan = plan("{\"name\": \"c\", \"nodes\": [\"a1\", \"b2\", \"a2\", \"b1\", \"a3\", \"b3\", \"a4\", \"b4\"],"
                + " \"links\": [" + links + "{\"between\": [\"a1\", \"b1\"]}]}");
        Partition p = Partitioner.partition(plan, HostSpec.parseList("x,y"), true);
        assertThat(p.crossings(plan)).extracting(Partition.Crossing::link).containsExactly("a1-b1");
        assertThat(p.nodesOn("x")).hasSize(4);
    }

    @Test
    void memory_isRespected_andAFasterHostGetsMore() {
        Plan plan = ring(12);
        long node = HostMemory.nodeMiB(plan.nodes().get(0), true);
        // small holds 3 nodes at most (90 % of its memory); big is also faster
        HostSpec small = new HostSpec("small", null, (long) Math.ceil(3.5 * node / HostMemory.USABLE_SHARE), 8, false);
        HostSpec big = new HostSpec("big", null, 0, 8, true);
        Partition p = Partitioner.partition(plan, List.of(small, big), true);
        assertThat(p.loadMiB().get("small")).isLessThanOrEqualTo((long) (small.memoryMiB() * HostMemory.USABLE_SHARE));
        assertThat(p.nodesOn("small")).hasSizeLessThanOrEqualTo(3);
        assertThat(p.nodesOn("big")).hasSizeGreaterThanOrEqualTo(9);
        assertThat(p.crossings(plan)).hasSizeLessThanOrEqualTo(2);
    }

    @Test
    void lanMembers_stayOnOneHost() {
        Plan plan = plan("{\"name\": \"l\", \"nodes\": [\"a\", \"b\", \"c\", \"d\", \"e\", \"f\"],"
                + " \"lans\": [{\"name\": \"lan1\", \"members\": [\"a\", \"c\", \"e\"]}, {\"name\": \"lan2\", \"members\": [\"b\", \"d\", \"f\"]}],"
                + " \"links\": [{\"between\": [\"a\", \"b\"]}]}");
        Partition p = Partitioner.partition(plan, HostSpec.parseList("2"), true);
        assertThat(List.of("a", "c", "e")).extracting(p.hostOf()::get).containsOnly(p.hostOf().get("a"));
        assertThat(List.of("b", "d", "f")).extracting(p.hostOf()::get).containsOnly(p.hostOf().get("b"));
        assertThat(p.hostOf().get("a")).isNotEqualTo(p.hostOf().get("b"));
    }

    @Test
    void fewerNodesPerHostThanAWholeShare_stillFit() {
        Plan plan = ring(4); // a share of 4/3 node per host
        Partition p = Partitioner.partition(plan, HostSpec.parseList("3"), true);
        assertThat(p.hostOf()).hasSize(4);
        assertThat(p.crossings(plan)).hasSizeLessThanOrEqualTo(3);
    }

    @Test
    void aLabTooLargeForTheHosts_isBadInputNamingWhatItNeeds() {
        Plan plan = ring(6);
        assertThatThrownBy(() -> Partitioner.partition(plan, HostSpec.parseList("a:memory=200M,b:memory=200M"), true))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("does not fit on these hosts").hasMessageContaining("memory=SIZE");
    }

    @Test
    void hostSpecs_parseAndRejectWithTheGrammar() {
        HostSpec a = HostSpec.parse("a@10.9.0.1:memory=8G:cores=4:kvm=yes");
        assertThat(a).isEqualTo(new HostSpec("a", "10.9.0.1", 8192, 4, true));
        assertThat(HostSpec.parse("b@[fd00::2]").address()).isEqualTo("fd00:0:0:0:0:0:0:2");
        assertThat(HostSpec.parse("c@10.9.0.3:api=127.0.0.1:port=7001").apiAddress()).isEqualTo(new java.net.InetSocketAddress("127.0.0.1", 7001));
        assertThat(HostSpec.parse("d@10.9.0.4").apiAddress().getPort()).isEqualTo(HostSpec.DEFAULT_PORT);
        assertThatThrownBy(() -> HostSpec.parse("e:port=70000")).isInstanceOf(BadInputException.class).hasMessageContaining("not a TCP port");
        assertThat(HostSpec.parseList("3")).extracting(HostSpec::name).containsExactly("h1", "h2", "h3");
        assertThatThrownBy(() -> HostSpec.parse("a@example.com")).isInstanceOf(BadInputException.class).hasMessageContaining("IPv4 or IPv6");
        assertThatThrownBy(() -> HostSpec.parse("a@10.1.1")).isInstanceOf(BadInputException.class);
        assertThatThrownBy(() -> HostSpec.parse("a:mem=1G")).isInstanceOf(BadInputException.class).hasMessageContaining("keys: memory, cores, kvm, api, port");
        assertThatThrownBy(() -> HostSpec.parse("A;rm")).isInstanceOf(BadInputException.class).hasMessageContaining("bad host name");
        assertThatThrownBy(() -> HostSpec.parseList("a,a")).isInstanceOf(BadInputException.class).hasMessageContaining("twice");
        assertThatThrownBy(() -> HostSpec.parseList("0")).isInstanceOf(BadInputException.class);
    }

    @Test
    void describe_showsAssignmentAndCut() {
        Plan plan = ring(4);
        Partition p = Partitioner.partition(plan, HostSpec.parseList("2"), true);
        assertThat(p.describe(plan)).contains("host h1: 2 nodes").contains("cut: 2 links cross hosts").contains("VNI 42");
    }
}

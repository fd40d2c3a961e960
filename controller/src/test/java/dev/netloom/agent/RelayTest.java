package dev.netloom.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.netloom.lab.Lab;
import dev.netloom.nodes.Json;
import dev.netloom.observe.LabStats;
import dev.netloom.scenario.ImageCheck;
import dev.netloom.scenario.ScenarioLoader;
import dev.netloom.topology.Plan;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The coordinator's lab.stats from its agents' readings: each node from its host, each direction from its sender's host. */
class RelayTest {

    private static final Plan PLAN = Lab.planOf(new ScenarioLoader(ImageCheck.ANY).load(
            "{\"name\": \"r\", \"defaults\": {\"image\": \"tiny\"}, \"nodes\": [{\"name\": \"a\"}, {\"name\": \"b\"}], \"links\": [{\"between\": [\"a\", \"b\"]}]}", "r.json"));

    @Test
    void eachDirection_fromItsSendersHost_andEachNode_fromItsOwn() throws Exception {
        Map<String, JsonNode> readings = new LinkedHashMap<>();
        // each host sees both directions of the crossing link (its tap and its tunnel), but only its sender's counts
        readings.put("h1", reading("a", 10, "READY", 101));
        readings.put("h2", reading("b", 20, "READY", 202));
        LabStats s = Relay.stats("r", PLAN, Map.of("a", "h1", "b", "h2"), readings);
        assertThat(s.link("a-b", "a->b").packets()).isEqualTo(10);
        assertThat(s.link("a-b", "b->a").packets()).isEqualTo(20);
        assertThat(s.nodes()).extracting(u -> u.node() + " " + u.pid()).containsExactly("a 101", "b 202");
    }

    @Test
    void aLostHostsNodes_areFailed_andItsDirectionsMissing() throws Exception {
        LabStats s = Relay.stats("r", PLAN, Map.of("a", "h1", "b", "h2"), Map.of("h1", reading("a", 10, "READY", 101)));
        assertThat(s.nodes()).extracting(u -> u.node() + " " + u.state()).containsExactly("a READY", "b FAILED");
        assertThat(s.link("a-b", "b->a")).isNull();
    }

    /** A host's lab.stats where {@code sender} sent {@code packets} and the other end's counters say 999. */
    private static JsonNode reading(String sender, long packets, String state, long pid) throws Exception {
        String other = sender.equals("a") ? "b" : "a";
        return Json.MAPPER.readTree("""
                {"lab": "r-x", "at": "2026-01-01T00:00:00Z", "links": [
                  {"link": "a-b", "kind": "link", "direction": "%s->%s", "packets": %d, "bytes": 1, "delivered": 1, "deliveredBytes": 1, "drops": 0, "backlogPackets": 0, "backlogBytes": 0},
                  {"link": "a-b", "kind": "link", "direction": "%s->%s", "packets": 999, "bytes": 1, "delivered": 1, "deliveredBytes": 1, "drops": 0, "backlogPackets": 0, "backlogBytes": 0}],
                 "nodes": [{"node": "%s", "state": "%s", "pid": %d, "cpuSeconds": 1.5, "rssBytes": 1, "pssBytes": 1},
                           {"node": "%s", "state": "DEFINED", "pid": -1, "cpuSeconds": 0, "rssBytes": 0, "pssBytes": 0}]}
                """.formatted(sender, other, packets, other, sender, sender, state, pid, other));
    }
}

package dev.netloom.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.netloom.fabric.Tunnel;
import dev.netloom.impairment.Impairment;
import dev.netloom.lab.LabEvent;
import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.Json;
import dev.netloom.nodes.NodeState;
import dev.netloom.partition.HostSpec;
import dev.netloom.scenario.ImageCheck;
import dev.netloom.scenario.Scenario;
import dev.netloom.scenario.ScenarioLoader;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AgentPlanTest {

    static final Scenario RING = new ScenarioLoader(ImageCheck.ANY).load(
            "{\"name\": \"ring\", \"generate\": {\"topology\": \"ring\", \"nodes\": 4, \"delay\": \"2ms\"}, \"routing\": \"static\"}", "ring.json");
    static final List<HostSpec> HOSTS = HostSpec.parseList("a@10.250.0.1:api=127.0.0.1:port=7001,b@10.250.0.2:api=127.0.0.1:port=7002");

    @Test
    void eachHost_runsItsNodes_andTunnelsTheFarEndOfEveryCrossingLink() {
        AgentPlan a = AgentPlan.of(RING, HOSTS, "a", "u0", "hosta");
        AgentPlan b = AgentPlan.of(RING, HOSTS, "b", null, null);
        assertThat(a.part().nodes()).containsExactlyInAnyOrder("n1", "n2");
        assertThat(b.part().nodes()).containsExactlyInAnyOrder("n3", "n4");
        assertThat(a.scenario().name()).isEqualTo("ring-a");
        assertThat(b.scenario().name()).isEqualTo("ring-b");
        // n1-n4 and n2-n3 cross: on a, the tunnels stand for n4's and n3's taps; on b, for n1's and n2's; same VNIs both sides
        assertThat(a.part().tunnels()).extracting(Tunnel::tap)
                .containsExactly(a.plan().segment("n1-n4").member("n4").tap(), a.plan().segment("n2-n3").member("n3").tap());
        assertThat(b.part().tunnels()).extracting(Tunnel::tap)
                .containsExactly(b.plan().segment("n1-n4").member("n1").tap(), b.plan().segment("n2-n3").member("n2").tap());
        assertThat(a.part().tunnels()).extracting(Tunnel::vni).isEqualTo(b.part().tunnels().stream().map(Tunnel::vni).toList());
        Tunnel t = a.part().tunnels().get(0);
        assertThat(List.of(t.local(), t.remote(), t.underlay(), t.hostNetns())).containsExactly("10.250.0.1", "10.250.0.2", "u0", "hosta");
        assertThat(b.part().tunnels().get(0).local()).isEqualTo("10.250.0.2");
    }

    @Test
    void tunnelCommands_areExactArgumentLists() {
        Tunnel t = new Tunnel("t3x1", 4201, "10.250.0.1", "10.250.0.2", "u0", "hosta");
        assertThat(t.addCommand()).containsExactly("ip", "-n", "hosta", "link", "add", "nlvx4201", "type", "vxlan", "id", "4201",
                "remote", "10.250.0.2", "local", "10.250.0.1", "dstport", "4789", "dev", "u0");
        assertThat(t.moveCommand("nl-ring-a")).containsExactly("ip", "-n", "hosta", "link", "set", "dev", "nlvx4201", "netns", "nl-ring-a", "name", "t3x1");
        assertThat(new Tunnel("t3x1", 7, "10.0.0.1", "10.0.0.2", null, null).addCommand()).containsExactly("ip", "link", "add", "nlvx7",
                "type", "vxlan", "id", "7", "remote", "10.0.0.2", "local", "10.0.0.1", "dstport", "4789");
        assertThatThrownBy(() -> new Tunnel("t3x1", 7, "10.0.0.1", "10.0.0.2", "eth0;reboot", null)).isInstanceOf(BadInputException.class);
        assertThatThrownBy(() -> new Tunnel("t3x1", 1 << 24, "10.0.0.1", "10.0.0.2", null, null)).isInstanceOf(BadInputException.class);
    }

    @Test
    void aCrossingLinkWithoutHostAddresses_isBadInput() {
        assertThatThrownBy(() -> AgentPlan.of(RING, HostSpec.parseList("a,b"), "a", null, null))
                .isInstanceOf(BadInputException.class).hasMessageContaining("NAME@ADDRESS");
        assertThatThrownBy(() -> AgentPlan.of(RING, HOSTS, "c", null, null)).isInstanceOf(BadInputException.class).hasMessageContaining("hosts: a, b");
    }

    @Test
    void labNames_fitTheLabNameRule() {
        assertThat(AgentPlan.labName("ring", "a")).isEqualTo("ring-a");
        assertThat(AgentPlan.labName("averylongname", "host12")).isEqualTo("avery-host12").hasSizeLessThanOrEqualTo(12);
    }

    @Test
    void agentEventsAndImpairments_readBackAsTheLabs() throws Exception {
        JsonNode e = Json.MAPPER.readTree("{\"at\": \"2026-01-01T00:00:00Z\", \"kind\": \"node\", \"subject\": \"n3\", \"detail\": \"READY\", \"state\": \"READY\"}");
        LabEvent ev = Relay.event(e);
        assertThat(ev.kind()).isEqualTo(LabEvent.Kind.NODE);
        assertThat(ev.state()).isEqualTo(NodeState.READY);
        assertThat(ev.subject()).isEqualTo("n3");
        Impairment imp = Relay.impairment(Json.MAPPER.readTree("{\"delay\": \"20ms\", \"loss\": \"1%\"}"));
        assertThat(imp.delay()).isEqualTo(Duration.ofMillis(20));
        assertThat(imp.lossPercent()).isEqualTo(1.0);
    }
}

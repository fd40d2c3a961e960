package dev.netloom.lab;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netloom.convert.CoreImport;
import dev.netloom.convert.MiniWorldFiles;
import dev.netloom.convert.MiniWorldImport;
import dev.netloom.nodes.ExecResult;
import dev.netloom.nodes.Json;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * MiniWorld's own example nb_bridged_lan.json (3 nodes, "lan" core mode: CORE's links decide who is
 * connected; the chain, cycle and wheel of five as steps, 0 s each), imported with --image tiny and
 * run on real tiny nodes: among nodes 1-3 the chain and the cycle connect n1-n2-n3, the wheel adds
 * n1-n3, so n1 reaches n3 in two hops, still two after the first step, and in one after the second.
 */
@Tag("e2e")
class MiniWorldE2ETest {

    private static final Duration T = Duration.ofSeconds(30);
    private static final Path MW = Path.of("src", "test", "resources", "miniworld");

    @Test
    void nbBridgedLan_runsOnTinyNodes_andItsStepsChangeTheNeighbours() throws Exception {
        MiniWorldFiles files = new MiniWorldFiles(MW.resolve("examples/nb_bridged_lan.json"), MW.resolve("core_topologies"));
        CoreImport.Result r = MiniWorldImport.convert(files.scenario(), "mwlan", "tiny", files);
        ObjectNode s = r.scenario();
        // its commands take OpenWrt's br-lan apart (and wait for it): the tiny image has none
        assertThat(s.get("commands").toString()).contains("brctl delbr br-lan");
        s.remove("commands");
        assertThat(s.at("/checks/0/ping").asText()).isEqualTo("all");
        try (Lab lab = LabFixture.up(Json.PRETTY.writeValueAsString(s))) {
            assertThat(Checks.run(lab, lab.scenario().checks())).isNotEmpty().allMatch(Checks.Result::ok);
            String n3 = LabFixture.addressOn(lab, "n1-n3", "n3"); // its address on the pair link that the wheel brings up
            assertThat(LabFixture.hops(lab.exec("n1", "traceroute -n -w 2 -q 1 " + n3, T).output())).isEqualTo(2);
            assertThat(lab.linkUp("n1-n3")).isFalse();

            assertThat(lab.step(null)).startsWith("step 2 (cycle5): 0 link(s) up, 0 down");
            assertThat(lab.step(null)).startsWith("step 3 (wheel5): 1 link(s) up, 0 down");
            assertThat(lab.linkUp("n1-n3")).isTrue();
            ExecResult after = lab.exec("n1", "ping -c 2 -w 8 " + n3 + " && traceroute -n -w 2 -q 1 " + n3, T);
            assertThat(after.exitCode()).as(after.output()).isZero();
            assertThat(LabFixture.hops(after.output())).as(after.output()).isEqualTo(1);
            ExecResult neigh = lab.exec("n1", "ip neigh show", T);
            assertThat(neigh.output()).as("n1 has talked to n3 directly").contains(n3);
        }
    }
}

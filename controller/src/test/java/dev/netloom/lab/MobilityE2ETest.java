package dev.netloom.lab;

import dev.netloom.convert.CoreImport;
import dev.netloom.convert.CoreXml;
import dev.netloom.nodes.ExecResult;
import dev.netloom.nodes.Json;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * MiniWorld's chain of five, imported from its CORE XML with the wheel of five as the next step, on
 * real tiny nodes: CORE's addresses are kept, ping all passes, and stepping to the wheel brings up
 * the hub's links to every node (n1 reaches n4 in one hop, which the chain could not).
 */
@Tag("e2e")
class MobilityE2ETest {

    private static final Duration T = Duration.ofSeconds(30);
    private static final Path DIR = Path.of("src", "test", "resources", "miniworld", "core_topologies");

    @Test
    void chain5_keepsCoresAddresses_pingsAll_andSteppingToTheWheelChangesNeighbours() throws Exception {
        CoreImport.Result r = CoreImport.convert("mwstep", "tiny",
                List.of(CoreXml.read(DIR.resolve("chain5.xml")), CoreXml.read(DIR.resolve("wheel5.xml"))));
        try (Lab lab = LabFixture.up(Json.PRETTY.writeValueAsString(r.scenario()))) {
            assertThat(Checks.run(lab, lab.scenario().checks())).isNotEmpty().allMatch(Checks.Result::ok);
            ExecResult addr = lab.exec("n1", "ip -4 addr; ip -6 addr", T);
            assertThat(addr.output()).contains("inet 10.0.0.20/24").contains("inet6 2001::20/64");
            assertThat(lab.exec("n3", "ip -4 addr", T).output()).contains("inet 10.0.1.21/24").contains("inet 10.0.2.20/24");

            String n4OnHubLink = LabFixture.addressOn(lab, "n1-n4", "n4");
            ExecResult before = lab.exec("n1", "ip route get " + n4OnHubLink + "; traceroute -n -w 2 -q 1 " + n4OnHubLink, T);
            assertThat(LabFixture.hops(before.output())).as(before.output()).isEqualTo(3); // n1 n2 n3 n4 along the chain
            assertThat(lab.linkUp("n1-n4")).isFalse();

            String changed = lab.step(null);
            assertThat(changed).startsWith("step 2 (wheel5): 4 link(s) up, 0 down");
            assertThat(lab.linkUp("n1-n4")).isTrue();
            assertThat(lab.linkUp("n3-n4")).isTrue(); // in both
            ExecResult after = lab.exec("n1", "ping -c 2 -w 8 " + n4OnHubLink + " && traceroute -n -w 2 -q 1 " + n4OnHubLink, T);
            assertThat(after.exitCode()).as(after.output()).isZero();
            assertThat(LabFixture.hops(after.output())).as(after.output()).isEqualTo(1);
            assertThat(Checks.run(lab, lab.scenario().checks())).allMatch(Checks.Result::ok);
        }
    }
}

package dev.netloom.guest;

import dev.netloom.nodes.console.ExecFraming;
import dev.netloom.scenario.Scenario;
import dev.netloom.topology.Plan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.netloom.topology.TestScenarios.lan;
import static dev.netloom.topology.TestScenarios.link;
import static dev.netloom.topology.TestScenarios.plan;
import static org.assertj.core.api.Assertions.assertThat;

class NodeFilesTest {

    @Test
    void render_fillsPlaceholdersFromThePlan() {
        Scenario base = dev.netloom.topology.TestScenarios.scenario(List.of("a", "b", "c"), List.of(link("a", "b")), List.of(lan("l", "a", "c")));
        List<Scenario.NodeDef> nodes = new ArrayList<>(base.nodes());
        nodes.set(0, new Scenario.NodeDef("a", "tiny", 96, 1, List.of(), List.of(new Scenario.NodeFile("/etc/frr/frr.conf",
                "hostname ${node}\nrouter-id ${eth0.ipv4}\nnetwork ${eth0.subnet4}\nnetwork ${eth1.subnet4}\nneighbor ${eth0.peer.ipv4} # ${eth0.peer}\n"
                        + "addr ${eth1.cidr4} $${literal} ${HOME}\n", "0640"))));
        Scenario s = new Scenario(base.name(), base.defaults(), nodes, base.links(), base.lans(), base.addressing(), base.routing(),
                base.commands(), base.timeline(), base.checks(), base.duration());
        Plan plan = plan(s);
        List<NodeFiles.Rendered> files = NodeFiles.render(plan.node("a"), plan);
        assertThat(files).hasSize(1);
        assertThat(new String(files.get(0).bytes(), StandardCharsets.UTF_8)).isEqualTo(
                "hostname a\nrouter-id 10.0.0.1\nnetwork 10.0.0.0/24\nnetwork 10.0.1.0/24\nneighbor 10.0.0.2 # b\naddr 10.0.1.1/24 ${literal} ${HOME}\n");
        assertThat(files.get(0).mode()).isEqualTo("0640");
    }

    @Test
    void render_fillsIpv6AndLoopbackPlaceholders() {
        Scenario base = dev.netloom.topology.TestScenarios.scenario(List.of("a", "b"), List.of(link("a", "b")), List.of());
        List<Scenario.NodeDef> nodes = new ArrayList<>(base.nodes());
        nodes.set(1, new Scenario.NodeDef("b", "tiny", 96, 1, List.of(), List.of(new Scenario.NodeFile("/etc/frr/frr.conf",
                "id ${lo.ipv4} ${lo.ipv6}\nv6 ${eth0.ipv6} ${eth0.cidr6} ${eth0.subnet6} peer ${eth0.peer.ipv6}\nv4 ${eth0.cidr4}\n", null))));
        Scenario s = new Scenario(base.name(), base.defaults(), nodes, base.links(), base.lans(),
                new Scenario.Addressing("10.0.0.0/16", "fd00:1::/48", "10.255.0.0/24", "fd00:ff::/64"), base.routing(),
                base.commands(), base.timeline(), base.checks(), base.duration());
        Plan plan = dev.netloom.topology.TestScenarios.dualStack(s);
        assertThat(plan.node("a").loopback()).isEqualTo("10.255.0.1/32");
        assertThat(plan.node("b").loopback6()).isEqualTo("fd00:ff::2/128");
        String text = new String(NodeFiles.render(plan.node("b"), plan).get(0).bytes(), StandardCharsets.UTF_8);
        assertThat(text).isEqualTo("id 10.255.0.2 fd00:ff::2\nv6 fd00:0:0:1::2 fd00:0:0:1::2/64 fd00:0:0:1::/64 peer fd00:0:0:1::1\nv4 10.0.0.2/24\n");
    }

    /** The commands, run by the host's POSIX shells, write exactly the bytes given: quotes, %, backslashes, non-ASCII, no final newline. */
    @Test
    void commands_writeTheExactBytes_inDashAndBash(@TempDir Path dir) throws Exception {
        StringBuilder big = new StringBuilder();
        for (int i = 0; i < 400; i++) {
            big.append("line ").append(i).append(": it's 100% \\n \"quoted\" $HOME `x` \t é ✓\n");
        }
        byte[] tricky = (big + "no newline at the end").getBytes(StandardCharsets.UTF_8);
        for (String shell : List.of("sh", "bash")) {
            Path target = dir.resolve(shell).resolve("sub dir-less/x.conf".replace(" ", "_"));
            List<String> commands = NodeFiles.commands(List.of(new NodeFiles.Rendered(target.toString(), tricky, "0751"),
                    new NodeFiles.Rendered(dir.resolve(shell + "-empty").toString(), new byte[0], null)));
            assertThat(commands).hasSizeGreaterThan(3).allMatch(c -> ExecFraming.problem(c) == null);
            for (String c : commands) {
                Process p = new ProcessBuilder(shell, "-c", c).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes());
                assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(p.exitValue()).as(shell + ": " + c + " -> " + out).isZero();
            }
            assertThat(Files.readAllBytes(target)).isEqualTo(tricky);
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rwxr-x--x");
            assertThat(Files.size(dir.resolve(shell + "-empty"))).isZero();
        }
    }
}

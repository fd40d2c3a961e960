package dev.netloom.lab;

import dev.netloom.nodes.ExecResult;
import dev.netloom.nodes.QemuNode;
import dev.netloom.nodes.fork.Templates;
import dev.netloom.topology.InterfacePlan;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** A lab of forked tiny nodes: each its own node (hostname, MAC, address, random state, clock), and they reach each other. */
@Tag("e2e")
class ForkLabE2ETest {

    @TempDir
    Path cache;

    @Test
    void forkedNodes_haveTheirOwnIdentity_andPingAcrossTheLan() throws Exception {
        Templates templates = new Templates(cache.resolve("templates"));
        String json = """
                { "name": "e2efork",
                  "defaults": { "fork": true },
                  "nodes": ["fa", "fb", "fc", { "name": "fd", "fork": false }],
                  "lans": [ { "name": "lan", "members": ["fa", "fb", "fc", "fd"] } ] }
                """;
        try (Lab lab = Lab.create(LabFixture.scenario(json), LabFixture.accel(), LabFixture.images(),
                e -> System.err.println("lab event: " + e), true, templates)) {
            lab.up();
            assertThat(lab.node("fa").mode().forked()).isTrue();
            assertThat(lab.node("fc").mode().forked()).isTrue();
            assertThat(lab.node("fd").mode().forked()).as("fd says \"fork\": false").isFalse();
            try (var built = Files.list(templates.root())) {
                assertThat(built.filter(Files::isDirectory)).hasSize(1);
            }

            Set<String> random = new HashSet<>();
            for (String name : List.of("fa", "fb", "fc", "fd")) {
                QemuNode node = lab.node(name);
                InterfacePlan eth0 = lab.plan().node(name).interfaces().get(0);
                assertThat(node.exec("hostname").output()).isEqualTo(name + "\n");
                assertThat(node.exec("cat /sys/class/net/eth0/address").output()).isEqualTo(eth0.mac() + "\n");
                assertThat(node.exec("ip -o -4 addr show dev eth0").output()).contains(eth0.address());
                ExecResult bytes = node.exec("head -c16 /dev/urandom | od -An -tx1");
                assertThat(bytes.exitCode()).isZero();
                random.add(bytes.output());
                long guestClock = Long.parseLong(node.exec("date +%s").output().strip());
                // the template stood still for as long as it was cached; a loaded host makes a TCG guest's clock drift by seconds
                assertThat(Math.abs(guestClock - System.currentTimeMillis() / 1000)).as("clock of " + name).isLessThan(30);
            }
            assertThat(random).hasSize(4);
            for (String target : List.of("fb", "fc", "fd")) {
                ExecResult ping = lab.exec("fa", "ping -c1 -W3 " + target, java.time.Duration.ofSeconds(10));
                assertThat(ping.exitCode()).as("fa pings " + target + ":\n" + ping.output()).isZero();
            }
            // the bridge learned each fork's own MAC, not the template's
            ExecResult neighbours = lab.exec("fa", "ip neigh show dev eth0", java.time.Duration.ofSeconds(10));
            for (String other : List.of("fb", "fc", "fd")) {
                assertThat(neighbours.output()).contains(lab.plan().node(other).interfaces().get(0).mac());
            }
        }
    }
}

package dev.netloom.lab;

import dev.netloom.nodes.ExecResult;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Names through the lab's hosts file (docs/topology.md, "Names"): QEMU hands every tiny node the
 * lab's file through fw_cfg, forks and booted nodes alike, and each node's /etc/hosts is its loopback
 * line and that file, nothing typed; a node started again reads the file anew.
 */
@Tag("e2e")
class HostsE2ETest {

    private static final Duration T = Duration.ofSeconds(30);

    @Test
    void everyNode_copiesTheLabsHostsFile_resolvesTheOthersByIt_andANodeStartedAgainReadsItAnew() throws Exception {
        String json = """
                { "name": "e2ehosts",
                  "nodes": ["ha", "hb", "hc", "hd", { "name": "he", "fork": false }],
                  "lans": [ { "name": "lan", "members": ["ha", "hb", "hc", "hd", "he"] } ] }
                """;
        Map<String, String> configured = new ConcurrentHashMap<>();
        Path file;
        try (Lab lab = Lab.create(LabFixture.scenario(json), LabFixture.accel(), LabFixture.images(), e -> {
            System.err.println("lab event: " + e);
            if (e.kind() == LabEvent.Kind.NODE_CONFIGURED) {
                configured.put(e.subject(), e.detail());
            }
        })) {
            lab.up();
            file = lab.paths().hosts();
            String shared = Files.readString(file);
            assertThat(shared).contains("ha\n", "he\n").hasLineCount(5);
            assertThat(lab.node("hb").mode().forked()).as("four nodes of one layout fork").isTrue();
            for (String name : List.of("ha", "hb", "hc", "hd", "he")) {
                assertThat(configured.get(name)).as(name + " reads fw_cfg").contains("fw_cfg");
                assertThat(lab.exec(name, "cat /etc/hosts", T).output()).as(name).isEqualTo("127.0.0.1 localhost " + name + "\n" + shared);
            }
            for (String[] pair : List.of(new String[]{"ha", "he"}, new String[]{"he", "hb"}, new String[]{"hd", "hc"})) {
                ExecResult ping = lab.exec(pair[0], "ping -c1 -W3 " + pair[1], T);
                assertThat(ping.exitCode()).as(pair[0] + " pings " + pair[1] + " by name:\n" + ping.output()).isZero();
            }

            // a line no plan has: it can reach a guest only through the file its QEMU reads when it starts
            String changed = shared + "10.99.0.1 elsewhere\n";
            Files.writeString(file, changed);
            for (String name : List.of("hb", "he")) {
                lab.nodeAction(name, "restart");
                assertThat(lab.exec(name, "cat /etc/hosts", T).output()).as(name + " started again").isEqualTo("127.0.0.1 localhost " + name + "\n" + changed);
            }
            assertThat(lab.node("hb").mode().forked()).isTrue();
            ExecResult back = lab.exec("hb", "ping -c1 -W3 he", T);
            assertThat(back.exitCode()).as(back.output()).isZero();
        }
        assertThat(file).as("removed with the lab's run directory").doesNotExist();
    }
}

package dev.netloom.lab;

import dev.netloom.nodes.ExecResult;
import dev.netloom.nodes.image.ImageStore;
import dev.netloom.scenario.Scenario;
import dev.netloom.scenario.ScenarioLoader;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Node files reach real nodes (BusyBox ash on tiny and openwrt-like) with their placeholders filled, before the nodes' commands. */
@Tag("e2e")
class NodeFilesE2ETest {

    @Test
    void files_fromSrcAndInline_areWrittenWithPlaceholdersFilled_beforeTheCommandsRun(@TempDir Path dir) throws Exception {
        ImageStore store = LabFixture.openWrtLike();
        Files.writeString(dir.resolve("router.conf"), """
                ! ${node}: one template for every router
                hostname ${node}
                interface eth0
                 ip address ${eth0.cidr4}
                 neighbor ${eth0.peer} ${eth0.peer.ipv4}
                network ${eth0.subnet4} area 0
                ! it's 100%% literal: $${node} ${HOME}
                """);
        Files.writeString(dir.resolve("files.json"), """
                { "name": "e2efiles",
                  "nodes": [
                    { "name": "r1", "files": [
                        { "path": "/etc/router/router.conf", "src": "router.conf" },
                        { "path": "/root/check.sh", "mode": "0755",
                          "content": "#!/bin/sh\\ngrep -q '^hostname ${node}$' /etc/router/router.conf && echo ready > /tmp/r1.ok\\n" } ],
                      "commands": ["/root/check.sh", "test -f /tmp/r1.ok"] },
                    { "name": "r2", "image": "openwrt-like", "files": [ { "path": "/etc/router/router.conf", "src": "router.conf" } ] }
                  ],
                  "links": [ {"between": ["r1", "r2"]} ] }
                """);
        Scenario scenario = new ScenarioLoader(name -> store.find(name).isPresent()).load(dir.resolve("files.json"));
        try (Lab lab = Lab.up(scenario, LabFixture.accel(), store, e -> System.err.println("lab event: " + e))) {
            ExecResult r1 = lab.exec("r1", "cat /etc/router/router.conf; ls -l /root/check.sh", Duration.ofSeconds(20));
            assertThat(r1.output()).contains("hostname r1", "ip address 10.0.0.1/30", "neighbor r2 10.0.0.2", "network 10.0.0.0/30 area 0",
                    "it's 100%% literal: ${node} ${HOME}", "-rwxr-xr-x");
            ExecResult r2 = lab.exec("r2", "cat /etc/router/router.conf", Duration.ofSeconds(20));
            assertThat(r2.output()).contains("hostname r2", "ip address 10.0.0.2/30", "neighbor r1 10.0.0.1");
        }
    }

    /** IPv6 and loopback placeholders: the loopbacks netloom plans are on each node's lo, and the file names them. */
    @Test
    void ipv6AndLoopbackPlaceholders_matchTheAddressesOnTheNode() {
        String json = """
                { "name": "e2elofiles",
                  "nodes": [ { "name": "a", "files": [ { "path": "/etc/ids", "content": "${lo.ipv4} ${lo.ipv6} ${eth0.cidr6} ${eth0.peer.ipv6}\\n" } ] },
                             { "name": "b", "files": [ { "path": "/etc/ids", "content": "${lo.ipv4} ${lo.ipv6} ${eth0.cidr6} ${eth0.peer.ipv6}\\n" } ] } ],
                  "links": [ {"between": ["a", "b"]} ],
                  "addressing": { "pool": "10.0.0.0/16", "pool6": "fd00:1::/48", "loopback": "10.255.0.0/24", "loopback6": "fd00:ff::/64" } }
                """;
        try (Lab lab = LabFixture.up(json)) {
            ExecResult b = lab.exec("b", "cat /etc/ids; ip addr show dev lo; ping -c 1 -W 2 fd00:1::1", Duration.ofSeconds(20));
            assertThat(b.exitCode()).as(b.output()).isZero();
            assertThat(b.output()).contains("10.255.0.2 fd00:ff::2 fd00:1::2/64 fd00:1::1", "inet 10.255.0.2/32", "inet6 fd00:ff::2/128");
            ExecResult a = lab.exec("a", "ip addr show dev lo", Duration.ofSeconds(20));
            assertThat(a.output()).contains("inet 10.255.0.1/32", "inet6 fd00:ff::1/128");
        }
    }
}

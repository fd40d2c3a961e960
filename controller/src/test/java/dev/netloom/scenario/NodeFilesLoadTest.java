package dev.netloom.scenario;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static dev.netloom.scenario.ScenarioLoaderTest.assertError;
import static dev.netloom.scenario.ScenarioLoaderTest.load;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Node files: how they are read, where "src" may point, and how placeholders are checked. */
class NodeFilesLoadTest {

    private static final ScenarioLoader LOADER = new ScenarioLoader(Set.of("tiny")::contains);

    @Test
    void inlineFiles_keepTheirTextPathAndMode() {
        Scenario s = load("""
                { "name": "f", "nodes": [ { "name": "a", "files": [
                    { "path": "/etc/motd", "content": "hello ${node}\\n" },
                    { "path": "/root/run.sh", "content": "#!/bin/sh\\necho ${HOME} ${eth0.ipv4}\\n", "mode": "0755" } ] }, "b" ],
                  "links": [ {"between": ["a", "b"]} ] }
                """);
        assertThat(s.nodes().get(0).files()).containsExactly(
                new Scenario.NodeFile("/etc/motd", "hello ${node}\n", null),
                new Scenario.NodeFile("/root/run.sh", "#!/bin/sh\necho ${HOME} ${eth0.ipv4}\n", "0755"));
        assertThat(s.nodes().get(1).files()).isEmpty();
    }

    @Test
    void src_isReadFromTheScenariosDirectory_andNeverFromOutside(@TempDir Path dir) throws Exception {
        Path lab = Files.createDirectories(dir.resolve("lab"));
        Files.writeString(lab.resolve("r1.conf"), "hostname ${node}\n");
        Files.writeString(dir.resolve("secret"), "outside\n");
        Files.createSymbolicLink(lab.resolve("link.conf"), dir.resolve("secret"));
        Files.write(lab.resolve("bin.conf"), new byte[] {(byte) 0xff, (byte) 0xfe, 0});
        String ok = """
                { "name": "f", "nodes": [ { "name": "a", "files": [ { "path": "/etc/r.conf", "src": "r1.conf" } ] } ] }
                """;
        Files.writeString(lab.resolve("s.json"), ok);
        Scenario s = LOADER.load(lab.resolve("s.json"));
        assertThat(s.nodes().get(0).files().get(0).text()).isEqualTo("hostname ${node}\n");

        for (var bad : List.of(List.of("../secret", "outside the scenario's directory"), List.of("link.conf", "through a link"),
                List.of("nope.conf", "no file \"nope.conf\""), List.of("bin.conf", "not UTF-8 text"), List.of(".", "not a regular file"))) {
            Files.writeString(lab.resolve("s.json"), ok.replace("r1.conf", bad.get(0)));
            assertThatThrownBy(() -> LOADER.load(lab.resolve("s.json"))).isInstanceOf(ScenarioException.class)
                    .hasMessageContaining("/nodes/0/files/0/src").hasMessageContaining(bad.get(1));
        }
        // text loaded without a file has no directory for src
        assertThatThrownBy(() -> LOADER.load(ok, "t.json")).hasMessageContaining("give the text with \"content\"");
    }

    @Test
    void src_tooLarge_isRefused(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("big.conf"), "x".repeat(FilesSection.MAX_FILE_BYTES + 1).getBytes(StandardCharsets.UTF_8));
        Files.writeString(dir.resolve("s.json"), """
                { "name": "f", "nodes": [ { "name": "a", "files": [ { "path": "/etc/big", "src": "big.conf" } ] } ] }
                """);
        assertThatThrownBy(() -> LOADER.load(dir.resolve("s.json"))).hasMessageContaining("at most " + FilesSection.MAX_FILE_BYTES);
    }

    @Test
    void badPathsModesAndShapes_pointAtTheField() {
        assertError("""
                { "name": "f", "nodes": [ { "name": "a", "files": [ { "path": ^^"etc/motd", "content": "x" } ] } ] }
                """, "/nodes/0/files/0/path", "not an absolute file path");
        assertError("""
                { "name": "f", "nodes": [ { "name": "a", "files": [ { "path": ^^"/etc/../shadow", "content": "x" } ] } ] }
                """, "/nodes/0/files/0/path", "\"..\" segment");
        assertError("""
                { "name": "f", "nodes": [ { "name": "a", "files": [ { "path": ^^"/etc/a b", "content": "x" } ] } ] }
                """, "/nodes/0/files/0/path", "not an absolute file path");
        assertError("""
                { "name": "f", "nodes": [ { "name": "a", "files": [ { "path": "/etc/m", "content": "x", "mode": ^^"rwx" } ] } ] }
                """, "/nodes/0/files/0/mode", "not an octal file mode");
        assertError("""
                { "name": "f", "nodes": [ { "name": "a", "files": [ ^^{ "path": "/etc/m" } ] } ] }
                """, "/nodes/0/files/0", "either \"src\"", "neither");
        assertError("""
                { "name": "f", "nodes": [ { "name": "a", "files": [ { "path": "/etc/m", "content": "x" },
                  { "path": ^^"/etc/m", "content": "y" } ] } ] }
                """, "/nodes/0/files/1/path", "already written by /nodes/0/files/0/path");
    }

    @Test
    void loopbackPrefixes_areNetworksOutsideThePoolsWithRoomForEveryNode() {
        assertError("""
                { "name": "f", "nodes": ["a", "b"], "addressing": {"pool": "10.0.0.0/16", "loopback": ^^"10.0.255.0/24"} }
                """, "/addressing/loopback", "overlaps the pool 10.0.0.0/16");
        assertError("""
                { "name": "f", "nodes": ["a", "b"], "addressing": {"loopback": ^^"10.255.0.1/24"} }
                """, "/addressing/loopback", "host bits set", "\"10.255.0.0/24\"");
        assertError("""
                { "name": "f", "nodes": ["a", "b", "c"], "addressing": {"loopback": ^^"10.255.0.0/31"} }
                """, "/addressing/loopback", "no room for 3 nodes");
        assertError("""
                { "name": "f", "nodes": ["a"], "addressing": {"loopback6": ^^"10.255.0.0/24"} }
                """, "/addressing/loopback6", "looks like an IPv4 address");
        assertError("""
                { "name": "f", "nodes": ["a"], "addressing": {"loopback": ^^"127.1.0.0/24"} }
                """, "/addressing/loopback", "overlaps 127.0.0.0/8");
        assertThat(load("""
                { "name": "f", "nodes": ["a"], "addressing": {"loopback": "10.255.0.0/24"} }
                """).addressing()).isEqualTo(new Scenario.Addressing("10.0.0.0/16", null, "10.255.0.0/24", null));
    }

    @Test
    void placeholders_areCheckedAgainstTheNodesInterfaces() {
        assertError("""
                { "name": "f", "nodes": [ { "name": "a", "files": [ { "path": "/etc/m", "content": ^^"${eth0.ip4}" } ] }, "b" ],
                  "links": [ {"between": ["a", "b"]} ] }
                """, "/nodes/0/files/0/content", "unknown placeholder ${eth0.ip4}", "${ethN.ipv4}");
        assertError("""
                { "name": "f", "nodes": [ { "name": "a", "files": [ { "path": "/etc/m", "content": ^^"${eth1.ipv4}" } ] }, "b" ],
                  "links": [ {"between": ["a", "b"]} ] }
                """, "/nodes/0/files/0/content", "${eth1.ipv4} in /etc/m: node \"a\" has eth0 to eth0");
        assertError("""
                { "name": "f", "nodes": [ { "name": "a", "files": [ { "path": "/etc/m", "content": ^^"${eth1.peer}" } ] }, "b", "c" ],
                  "links": [ {"between": ["a", "b"]} ], "lans": [ {"name": "l", "members": ["a", "b", "c"]} ] }
                """, "/nodes/0/files/0/content", "eth1 of node \"a\" is on a LAN");
        // a fact the lab lacks is an error naming the fix
        assertError("""
                { "name": "f", "nodes": [ { "name": "a", "files": [ { "path": "/etc/m", "content": ^^"ip ${eth0.ipv6}" } ] }, "b" ],
                  "links": [ {"between": ["a", "b"]} ] }
                """, "/nodes/0/files/0/content", "${eth0.ipv6} in /etc/m: the lab has no IPv6 addresses", "\"pool6\": \"fd00:1::/48\"");
        assertError("""
                { "name": "f", "nodes": [ { "name": "a", "files": [ { "path": "/etc/m", "content": ^^"ip ${eth0.peer.ipv4}" } ] }, "b" ],
                  "links": [ {"between": ["a", "b"]} ], "addressing": {"pool6": "fd00:1::/48"} }
                """, "/nodes/0/files/0/content", "the lab has no IPv4 addresses", "\"pool\": \"10.0.0.0/16\"");
        assertError("""
                { "name": "f", "nodes": [ { "name": "a", "files": [ { "path": "/etc/m", "content": ^^"router-id ${lo.ipv4}" } ] } ] }
                """, "/nodes/0/files/0/content", "${lo.ipv4} in /etc/m: the lab plans no IPv4 loopback addresses",
                "\"loopback\": \"10.255.0.0/24\"");
        assertError("""
                { "name": "f", "nodes": [ { "name": "a", "files": [ { "path": "/etc/m", "content": ^^"${lo.ipv6}" } ] } ],
                  "addressing": {"loopback": "10.255.0.0/24"} }
                """, "/nodes/0/files/0/content", "no IPv6 loopback addresses", "\"loopback6\": \"fd00:ff::/64\"");
        assertError("""
                { "name": "f", "nodes": [ { "name": "a", "files": [ { "path": "/etc/m", "content": ^^"${lo.id}" } ] } ] }
                """, "/nodes/0/files/0/content", "unknown placeholder ${lo.id}", "${lo.ipv4}");
        // every fact the lab has is accepted
        assertThat(load("""
                { "name": "f", "nodes": [ { "name": "a", "files": [ { "path": "/etc/m",
                    "content": "${lo.ipv4} ${lo.ipv6} ${eth0.ipv6} ${eth0.cidr6} ${eth0.subnet6} ${eth0.peer.ipv6} ${eth0.ipv4}" } ] }, "b" ],
                  "links": [ {"between": ["a", "b"]} ],
                  "addressing": {"pool": "10.0.0.0/16", "pool6": "fd00:1::/48", "loopback": "10.255.0.0/24", "loopback6": "fd00:ff::/64"} }
                """).addressing()).isEqualTo(new Scenario.Addressing("10.0.0.0/16", "fd00:1::/48", "10.255.0.0/24", "fd00:ff::/64"));
        // shell variables and the literal escape are no placeholders
        assertThat(load("""
                { "name": "f", "nodes": [ { "name": "a", "files": [ { "path": "/etc/m", "content": "${HOME} $${node} ${nodes}" } ] } ] }
                """).nodes().get(0).files()).hasSize(1);
    }
}

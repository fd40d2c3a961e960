package dev.netloom.guest;

import dev.netloom.nodes.console.ExecFraming;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HostsFileTest {

    private static Map<String, List<String>> grid(int n) {
        Map<String, List<String>> hosts = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            hosts.put("node-" + i, List.of("10.1." + (i / 250) + "." + (i % 250 + 1), "fd00:1::" + Integer.toHexString(i + 1)));
        }
        return hosts;
    }

    @Test
    void render_hasALinePerAddressOfEveryNode_inNodeOrder() {
        Map<String, List<String>> hosts = new LinkedHashMap<>();
        hosts.put("a", List.of("10.0.0.1", "FD00:0:0:0:0:0:0:1"));
        hosts.put("b", List.of("10.0.0.2"));
        assertThat(HostsFile.render(hosts)).isEqualTo("10.0.0.1 a\nfd00::1 a\n10.0.0.2 b\n");
    }

    @Test
    void render_refusesWhatIsNoNameOrNoAddress() {
        assertThatThrownBy(() -> HostsFile.render(Map.of("a;reboot", List.of("10.0.0.1")))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HostsFile.render(Map.of("a", List.of("10.0.0.1 evil")))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void write_putsTheRenderedLinesInTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("hosts");
        HostsFile.write(file, grid(3));
        assertThat(Files.readString(file)).isEqualTo(HostsFile.render(grid(3))).startsWith("10.1.0.1 node-0\nfd00:1::1 node-0\n");
    }

    /** The point of the file: what a node types for its /etc/hosts is the same few bytes at 8 nodes as at 256, and names no other node. */
    @Test
    void fromFirmware_isOneCommandOfTheSameSizeWhateverTheLab_andNamesNoOtherNode() {
        List<String> small = HostsFile.commands("node-0", grid(8), true);
        List<String> large = HostsFile.commands("node-0", grid(256), true);
        assertThat(small).hasSize(1).isEqualTo(large);
        assertThat(large.get(0)).contains("echo 127.0.0.1 localhost node-0;echo ::1 localhost node-0;", HostsFile.RAW)
                .doesNotContain("node-1", "10.1.");
        assertThat(ExecFraming.typedBytes(large.get(0))).isLessThan(150);
        int typed = HostsFile.commands("node-0", grid(256), false).stream().mapToInt(ExecFraming::typedBytes).sum();
        assertThat(typed).as("typing the same lines").isGreaterThan(10_000);
    }

    @Test
    void typed_keepsLocalhostAndOwnNameThenListsTheOthers() {
        Map<String, List<String>> hosts = new LinkedHashMap<>();
        hosts.put("a", List.of("10.0.0.1"));
        hosts.put("b", List.of("10.0.0.2"));
        hosts.put("c", List.of("10.0.1.2"));
        assertThat(HostsFile.commands("b", hosts, false)).containsExactly(
                "printf '%s\\n' '127.0.0.1 localhost b' '10.0.0.1 a' '10.0.1.2 c' > /etc/hosts");
    }

    @Test
    void typed_manyNodes_areSplitIntoShortCommandsThatAppend() {
        List<String> commands = HostsFile.typed("node-0", grid(300));
        assertThat(commands).hasSizeGreaterThan(1).allMatch(c -> c.length() < 1100);
        assertThat(commands.get(0)).endsWith(" > /etc/hosts").contains("'127.0.0.1 localhost node-0'");
        assertThat(commands.subList(1, commands.size())).allMatch(c -> c.endsWith(" >> /etc/hosts") && c.startsWith("printf '%s\\n' '"));
        assertThat(String.join("\n", commands)).contains("'10.1.1.50 node-299'", "'fd00:1::12c node-299'", "'::1 localhost node-0'")
                .doesNotContain("node-0'  ");
    }

    /**
     * The command as a guest's shell runs it (BusyBox's ash, as in the tiny image, and the host's sh),
     * in a mount namespace of its own with a stand-in for the guest's sysfs and a file of its own over
     * /etc/hosts, which becomes the loopback lines and the file QEMU hands over.
     */
    @Test
    void fromFirmware_inAPosixShell_writesTheLoopbackLinesAndTheFile(@TempDir Path dir) throws Exception {
        Path hosts = Files.writeString(dir.resolve("etc-hosts"), "old\n");
        String raw = "10.0.0.1 a\n10.0.0.2 b\nfd00::2 b\n";
        String command = HostsFile.fromFirmware("b", Map.of("b", List.of("10.0.0.2", "fd00::2")));
        for (String shell : List.of("busybox sh", "sh")) {
            Files.writeString(hosts, "old\n");
            String stage = "set -e; mount --bind " + hosts + " /etc/hosts; mount -t tmpfs none /sys/firmware;"
                    + " mkdir -p " + Path.of(HostsFile.RAW).getParent() + "; printf '" + raw.replace("\n", "\\n") + "' > " + HostsFile.RAW + ";"
                    + " exec " + shell + " -c \"$0\"";
            Process p = new ProcessBuilder("unshare", "--mount", "--propagation", "private", "sh", "-c", stage, command)
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(shell + ": " + out).isZero();
            assertThat(Files.readString(hosts)).as(shell).isEqualTo("127.0.0.1 localhost b\n::1 localhost b\n" + raw);
        }
    }
}

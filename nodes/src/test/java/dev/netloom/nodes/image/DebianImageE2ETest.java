package dev.netloom.nodes.image;

import dev.netloom.nodes.ExecResult;
import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.NodeSpec;
import dev.netloom.nodes.QemuNode;
import dev.netloom.nodes.console.ShellSession;
import dev.netloom.nodes.testing.TinyImage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Builds the debian image into the real store (nothing to do when it is up to date) and boots it on
 * a qcow2 overlay to READY: the console set-up, hostname, tools and guest netem work, and exec
 * survives the console's bash being replaced (its getty logs in again).
 */
@Tag("e2e")
class DebianImageE2ETest {

    @Test
    void debianImage_buildsBootsAndDoesWhatItPromises() throws Exception {
        ImageStore store = ImageStore.fromEnvironment();
        long t0 = System.nanoTime();
        ImageManifest m = new DebianImageBuilder(store, line -> System.err.println("debian image: " + line)).build("bookworm", false);
        System.err.printf("debian image: build (or up-to-date check) took %.1f s%n", (System.nanoTime() - t0) / 1e9);
        Path dir = store.dir("debian");
        assertThat(m.kind()).isEqualTo("debian");
        assertThat(dir.resolve("disk.qcow2")).exists();
        assertThat(dir.resolve("vmlinuz")).exists();
        assertThat(dir.resolve("initrd.img")).exists();

        List<String> said = new ArrayList<>();
        new DebianImageBuilder(store, said::add).build("bookworm", false);
        assertThat(said).anyMatch(s -> s.contains("up to date"));

        NodeSpec spec = NodeSpec.of("deb1", m, dir, TinyImage.accel()).withTimeouts(Duration.ofSeconds(90), Duration.ofSeconds(600), 0);
        try (QemuNode node = QemuNode.start(spec)) {
            node.awaitReady();
            System.err.printf("debian image: boot to READY took %.1f s%n", node.bootTime().toMillis() / 1000.0);

            assertThat(node.exec("hostname").output()).isEqualTo("deb1\n");
            ExecResult links = node.exec("ip -o link");
            assertThat(links.exitCode()).isZero();
            assertThat(links.output()).contains("1: lo:");
            ExecResult netem = node.exec("tc qdisc add dev lo root netem delay 1ms && tc qdisc show dev lo");
            assertThat(netem.exitCode()).as(netem.output()).isZero();
            assertThat(netem.output()).contains("netem", "delay 1ms");
            ExecResult tools = node.exec("iperf3 -v && tcpdump --version && ping -V && test -x /usr/sbin/sshd && cat /proc/cmdline");
            assertThat(tools.exitCode()).as(tools.output()).isZero();
            assertThat(tools.output()).contains("iperf 3", "tcpdump version", "net.ifnames=0", "netloom.hostname=deb1");

            ExecResult state = node.exec("systemctl is-system-running --wait", Duration.ofSeconds(120));
            System.err.println("debian image: systemctl is-system-running: " + state.output().strip()
                    + "; failed units: " + node.exec("systemctl --failed --no-legend --plain").output().strip());
            assertThat(state.output().strip()).isIn("running", "degraded");
            ExecResult mem = node.exec("free -m | awk '/Mem:/ {print $2, $7}'");
            System.err.println("debian image: memory total/available MiB after boot: " + mem.output().strip());

            // the console's bash dies; the serial getty logs root in again, and the new bash has
            // neither netloom's settings nor its exec function: the next exec installs them again
            String oldShell = node.exec("echo $$").output();
            long offset = node.console().offset();
            assertThat(node.exec("(sleep 0.5; kill -9 $$) </dev/null >/dev/null 2>&1 &").ok()).isTrue();
            node.console().expectText(Pattern.compile(m.promptPattern(), Pattern.MULTILINE), offset).get(120, TimeUnit.SECONDS);
            ExecResult again = node.exec("echo $$; exit 4");
            assertThat(again.exitCode()).as(() -> node.console().lastLines(20)).isEqualTo(4);
            assertThat(again.output()).matches("\\d+\n").isNotEqualTo(oldShell);
            assertThat(node.exec("echo \"$PS1\"; pwd").output()).isEqualTo(ShellSession.PROMPT + "\n/root\n");
        }
    }

    @Test
    void recipe_withAFailingCommand_showsItsOutputAndLeavesNoImage(@TempDir Path tmp) throws Exception {
        ImageStore store = new ImageStore(tmp.resolve("images"));
        Path recipe = tmp.resolve("broken.json");
        Files.writeString(recipe, "{\"commands\": [\"echo made-by-the-recipe > /etc/x && cat /etc/x && exit 3\"]}");

        assertThatThrownBy(() -> new RecipeBuilder(store, line -> System.err.println("broken recipe: " + line)).build(recipe, false))
                .isInstanceOf(NetloomException.class)
                .hasMessageContaining("/commands/0")
                .hasMessageContaining("exit code 3")
                .hasMessageContaining("made-by-the-recipe");
        assertThat(store.find("broken")).isEmpty();
        try (var left = Files.list(store.root())) {
            assertThat(left).isEmpty();
        }
    }
}

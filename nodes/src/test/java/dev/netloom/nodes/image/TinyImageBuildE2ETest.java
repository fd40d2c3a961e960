package dev.netloom.nodes.image;

import dev.netloom.nodes.ExecResult;
import dev.netloom.nodes.NodeSpec;
import dev.netloom.nodes.QemuNode;
import dev.netloom.nodes.testing.TinyImage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Builds the tiny image from Debian packages into a fresh store (the path a new machine takes),
 * checks what the build promises, and boots the result.
 */
@Tag("e2e")
class TinyImageBuildE2ETest {

    @Test
    void build_inFreshStore_makesABootableImage_andRebuildIsANoOp(@TempDir Path tmp) throws Exception {
        ImageStore store = new ImageStore(tmp.resolve("images"));
        List<String> said = new ArrayList<>();
        ImageManifest m = new TinyImageBuilder(store, said::add).build(false);

        Path dir = store.dir("tiny");
        assertThat(dir.resolve("image.json")).exists();
        assertThat(Files.size(dir.resolve(m.initrd()))).isLessThanOrEqualTo(25_000_000L);
        assertThat(Files.size(dir.resolve(m.kernel()))).isPositive();
        assertThat(m.has(ImageManifest.GUEST_NETEM)).isTrue();
        assertThat(m.memoryMiB()).isEqualTo(96);
        try (var leftovers = Files.list(store.root())) {
            assertThat(leftovers.map(p -> p.getFileName().toString())).containsExactly("tiny");
        }
        assertThat(store.list()).extracting(ImageStore.Entry::name).containsExactly("tiny");

        // same inputs: nothing is rebuilt
        long mtime = Files.getLastModifiedTime(dir.resolve(m.initrd())).toMillis();
        said.clear();
        new TinyImageBuilder(store, said::add).build(false);
        assertThat(said).anyMatch(s -> s.contains("up to date"));
        assertThat(Files.getLastModifiedTime(dir.resolve(m.initrd())).toMillis()).isEqualTo(mtime);

        // the image boots, loads its modules and has the tools it promises
        NodeSpec spec = NodeSpec.of("built1", m, dir, TinyImage.accel());
        try (QemuNode node = QemuNode.start(spec)) {
            node.awaitReady();
            ExecResult tools = node.exec("tc -V && iperf3 -v && tcpdump --version && ip -V && cat /proc/modules");
            assertThat(tools.exitCode()).as(tools.output()).isZero();
            assertThat(tools.output()).contains("iproute2", "iperf 3", "tcpdump version", "sch_netem", "virtio_net", "8021q");
            assertThat(node.exec("hostname").output()).isEqualTo("built1\n");
            ExecResult mem = node.exec("free -m | awk '/Mem:/ {print $2}'");
            assertThat(Integer.parseInt(mem.output().strip())).isLessThanOrEqualTo(96);
        }
    }
}

package dev.netloom.nodes.fork;

import dev.netloom.nodes.ExecResult;
import dev.netloom.nodes.NodePaths;
import dev.netloom.nodes.NodeSpec;
import dev.netloom.nodes.NodeState;
import dev.netloom.nodes.QemuNode;
import dev.netloom.nodes.console.ConsoleBroker;
import dev.netloom.nodes.console.HumanTerminal;
import dev.netloom.nodes.image.ImageStore;
import dev.netloom.nodes.testing.PeoplesShell;
import dev.netloom.nodes.testing.TinyImage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Real QEMU, real tiny image: a template is built once, forks resume it with their own identity and share its RAM. */
@Tag("e2e")
class ForkE2ETest {

    @TempDir
    Path cache;

    private final List<QemuNode> nodes = new ArrayList<>();

    @AfterEach
    void stopAll() {
        nodes.forEach(QemuNode::close);
    }

    private QemuNode fork(Templates.Template template, NodeSpec spec) {
        QemuNode node = QemuNode.start(spec, NodePaths.fresh(spec.name()), true, QemuNode.sharedLoops(), List.of(), pid -> { },
                template.forkMode());
        nodes.add(node);
        return node;
    }

    @Test
    void forks_resumeTheTemplateWithTheirOwnIdentity_andShareItsRam() throws Exception {
        Templates templates = new Templates(cache.resolve("templates"));
        NodeSpec base = TinyImage.spec("fka");
        assertThat(Templates.forkable(base)).isTrue();
        Templates.Template template = templates.ensure(base, QemuNode.sharedLoops(), pid -> { });
        assertThat(template.ram()).isRegularFile();
        assertThat(template.state()).isRegularFile();
        assertThat(Files.size(template.state())).isLessThan(4L << 20); // the RAM is not in it
        try (var leftovers = Files.list(templates.root())) {
            assertThat(leftovers.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".staged-"));
        }
        // cached: a second ensure returns the same template without building
        assertThat(templates.ensure(base, QemuNode.sharedLoops(), pid -> { throw new AssertionError("rebuilt"); }).dir())
                .isEqualTo(template.dir());

        List<QemuNode> forks = new ArrayList<>();
        for (String name : List.of("fka", "fkb", "fkc")) {
            forks.add(fork(template, TinyImage.spec(name)));
        }
        Set<String> random = new HashSet<>();
        for (QemuNode f : forks) {
            f.awaitReady();
            assertThat(f.state()).isEqualTo(NodeState.READY);
            assertThat(f.exec("hostname").output()).isEqualTo(f.name() + "\n");
            assertThat(f.exec("cat /etc/hosts").output()).contains("localhost " + f.name());
            // resumed, not booted: no boot marker on the fork's console, but the template's uptime goes on
            assertThat(f.console().lastLines(200)).doesNotContain("boot complete");
            long guestClock = Long.parseLong(f.exec("date +%s").output().strip());
            assertThat(Math.abs(guestClock - System.currentTimeMillis() / 1000)).isLessThan(30);
            ExecResult bytes = f.exec("head -c16 /dev/urandom | od -An -tx1");
            assertThat(bytes.exitCode()).isZero();
            random.add(bytes.output());
        }
        assertThat(random).hasSize(3);
        // no RARP frames of QEMU's own after the load: they would show in a link's counters as sent by no guest
        assertThat(forks.get(0).qmp().execute("query-migrate-parameters").get(30, TimeUnit.SECONDS).path("announce-rounds").asInt(-1))
                .isZero();

        // a fork's console for people is its own: the template's shell on ttyS1 answers there, with the size netloom sets
        QemuNode first = forks.get(0);
        assertThat(first.exec(HumanTerminal.sttyCommand("/dev/ttyS1", new ConsoleBroker.Size(33, 101))).exitCode()).isZero();
        try (PeoplesShell people = PeoplesShell.of(first)) {
            people.answers("echo people-$((7*7)); stty size", "people-49\r\n33 101\r\n", Duration.ofSeconds(30));
        }

        // the guest RAM the forks did not write is one copy, in the page cache: each fork's share of it is a fraction
        long pss = 0;
        long rss = 0;
        for (QemuNode f : forks) {
            String smaps = Files.readString(Path.of("/proc/" + f.pid() + "/smaps_rollup"));
            pss += field(smaps, "Pss_File:");
            rss += field(smaps, "Rss:");
        }
        assertThat(pss).as("file-backed PSS of 3 forks, kB").isLessThan(rss / 2);
    }

    @Test
    void templateKey_changesWithMemory_soAnotherTemplateIsBuilt() {
        Templates templates = new Templates(cache.resolve("templates"));
        NodeSpec small = TinyImage.spec("fkm");
        NodeSpec larger = small.withResources(1, small.memoryMiB() + 32);
        Templates.Template a = templates.ensure(small, QemuNode.sharedLoops(), pid -> { });
        assertThat(templates.find(Templates.keyOf(larger))).isEmpty();
        Templates.Template b = templates.ensure(larger, QemuNode.sharedLoops(), pid -> { });
        assertThat(b.dir()).isNotEqualTo(a.dir());
        QemuNode fromA = fork(a, small);
        QemuNode fromB = fork(b, larger.withResources(1, larger.memoryMiB()));
        long growth = memTotalKiB(fromB) - memTotalKiB(fromA);
        assertThat(growth).as("MemTotal of the larger fork minus the smaller's, KiB").isBetween(30 * 1024L, 32 * 1024L);
        ImageStore.deleteTree(a.dir());
        assertThat(templates.find(Templates.keyOf(small))).isEmpty();
    }

    private static long memTotalKiB(QemuNode node) {
        node.awaitReady();
        return Long.parseLong(node.exec("awk '/MemTotal/ {print $2}' /proc/meminfo").output().strip());
    }

    private static long field(String smaps, String name) {
        return smaps.lines().filter(l -> l.startsWith(name)).mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElseThrow();
    }
}

package dev.netloom.nodes;

import dev.netloom.nodes.testing.TinyImage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Real QEMU, real tiny image: boot, exec, timeouts, crashes, many nodes at once, clean stop. */
@Tag("e2e")
class QemuNodeE2ETest {

    private final List<QemuNode> nodes = new ArrayList<>();

    @AfterEach
    void stopAll() {
        nodes.forEach(QemuNode::close);
    }

    private QemuNode start(String name) {
        QemuNode node = QemuNode.start(TinyImage.spec(name));
        nodes.add(node);
        return node;
    }

    @Test
    void exec_returnsOutputAndExitCodes() {
        QemuNode node = start("exec1");
        node.awaitReady();
        assertThat(node.state()).isEqualTo(NodeState.READY);
        assertThat(node.bootTime()).isPositive();

        ExecResult hostname = node.exec("hostname");
        assertThat(hostname.exitCode()).isZero();
        assertThat(hostname.output()).isEqualTo("exec1\n");

        assertThat(node.exec("false").exitCode()).isEqualTo(1);
        ExecResult missing = node.exec("no-such-command-here");
        assertThat(missing.exitCode()).isEqualTo(127);
        assertThat(node.exec("echo 'quotes \"and\" $((6*7))'; exit_code=3; (exit $exit_code)").exitCode()).isEqualTo(3);
        assertThat(node.exec("printf 'a\\nb'").output()).isEqualTo("a\nb");
        // exit and cd stay inside their command: the console's shell lives on, in the same place
        assertThat(node.exec("cd /tmp; exit 7").exitCode()).isEqualTo(7);
        assertThat(node.exec("pwd").output()).isEqualTo("/root\n");
        assertThat(node.exec("tc qdisc add dev lo root netem delay 1ms && tc qdisc show dev lo").output()).contains("netem");
    }

    @Test
    void execAsync_fromManyThreadsAtOnce_eachGetsItsOwnOutput() throws Exception {
        QemuNode node = start("many1");
        node.awaitReady();
        int threads = 8;
        int each = 10;
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        List<CompletableFuture<List<CompletableFuture<ExecResult>>>> submitted = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            submitted.add(CompletableFuture.supplyAsync(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                List<CompletableFuture<ExecResult>> mine = new ArrayList<>();
                for (int i = 0; i < each; i++) {
                    // plain words run in the console's shell, a pipe in a subshell: both paths, mixed
                    mine.add(node.execAsync(i % 2 == 0 ? "echo t" + thread + "-" + i : "echo t" + thread + "-" + i + " | tr t T",
                            Duration.ofSeconds(60)));
                }
                return mine;
            }));
        }
        go.countDown();
        for (int t = 0; t < threads; t++) {
            List<CompletableFuture<ExecResult>> mine = submitted.get(t).get(60, TimeUnit.SECONDS);
            for (int i = 0; i < each; i++) {
                ExecResult r = mine.get(i).get(120, TimeUnit.SECONDS);
                assertThat(r.exitCode()).isZero();
                assertThat(r.output()).isEqualTo((i % 2 == 0 ? "t" : "T") + t + "-" + i + "\n");
            }
        }
        assertThat(node.exec("echo done").output()).isEqualTo("done\n");
    }

    @Test
    void exec_pastItsTimeout_returnsTimeoutAndTheNextExecWorks() {
        QemuNode node = start("slow1");
        node.awaitReady();
        ExecResult slow = node.exec("echo started; sleep 30", Duration.ofSeconds(2));
        assertThat(slow.timedOut()).isTrue();
        assertThat(slow.output()).contains("started");
        ExecResult next = node.exec("echo after");
        assertThat(next.timedOut()).isFalse();
        assertThat(next.exitCode()).isZero();
        assertThat(next.output()).isEqualTo("after\n");
    }

    @Test
    void exec_largeAndBinaryOutput_comesBackWhole() {
        QemuNode node = start("big1");
        node.awaitReady();
        ExecResult big = node.exec("i=0; while [ $i -lt 2000 ]; do echo line-$i-abcdefghijklmnopqrstuvwxyz; i=$((i+1)); done");
        List<String> lines = big.output().lines().toList();
        assertThat(lines).hasSize(2000);
        for (int i = 0; i < 2000; i++) {
            assertThat(lines.get(i)).isEqualTo("line-" + i + "-abcdefghijklmnopqrstuvwxyz");
        }
        assertThat(node.exec("printf '\\377\\376 not utf-8\\n'").exitCode()).isZero();
        assertThat(node.exec("echo still fine").output()).isEqualTo("still fine\n");
    }

    @Test
    void kill9_isReportedAsFailedWithin2Seconds() throws Exception {
        QemuNode node = start("crash1");
        node.awaitReady();
        CompletableFuture<QemuNode.StateChange> failed = new CompletableFuture<>();
        node.addStateListener(c -> {
            if (c.to() == NodeState.FAILED) {
                failed.complete(c);
            }
        });
        ProcessHandle.of(node.pid()).orElseThrow().destroyForcibly();
        QemuNode.StateChange change = failed.get(2, TimeUnit.SECONDS);
        assertThat(change.detail()).contains("exited unexpectedly");
        assertThat(node.state()).isEqualTo(NodeState.FAILED);
        assertThatThrownBy(() -> node.exec("true")).hasMessageContaining("not ready");
    }

    @Test
    void eightNodesStartedAtOnce_allReachReady() {
        for (int i = 0; i < 8; i++) {
            start("many" + i);
        }
        CompletableFuture.allOf(nodes.stream().map(QemuNode::ready).toArray(CompletableFuture[]::new)).join();
        for (QemuNode node : nodes) {
            assertThat(node.state()).isEqualTo(NodeState.READY);
            assertThat(node.exec("hostname").output()).isEqualTo(node.name() + "\n");
        }
    }

    @Test
    void bootThatStalls_isRestartedWithinItsBudget_thenFailsWithTheLastConsoleLines() {
        var tiny = TinyImage.manifest();
        var neverBoots = new dev.netloom.nodes.image.ImageManifest("stall", "tiny", tiny.kernel(), tiny.initrd(), null, null,
                tiny.kernelArgs(), tiny.memoryMiB(), "this marker never appears", null, null, null, null, tiny.promptPattern(),
                tiny.capabilities(), null);
        // the stall window must outlast the tiny boot's longest quiet stretch on a loaded host (its kernel
        // boots with `quiet`), so that the console has printed the marker the test looks for in the tail
        NodeSpec spec = NodeSpec.of("stall1", neverBoots, TinyImage.dir(), TinyImage.accel())
                .withTimeouts(Duration.ofSeconds(20), Duration.ofSeconds(300), 1);
        List<NodeState> states = new java.util.concurrent.CopyOnWriteArrayList<>();
        QemuNode node = QemuNode.start(spec, new NodePaths(RunDirs.base().resolve("nodes").resolve("stall1-test")), true,
                QemuNode.sharedLoops(), List.of(c -> states.add(c.to())));
        nodes.add(node);
        assertThatThrownBy(node::awaitReady)
                .isInstanceOf(NodeFailedException.class)
                .hasMessageContaining("printed nothing")
                .hasMessageContaining("boot complete on stall1");
        assertThat(states.stream().filter(s -> s == NodeState.STARTING).count()).isEqualTo(2);
        assertThat(node.state()).isEqualTo(NodeState.FAILED);
    }

    @Test
    void stop_leavesNoProcessAndNoSocket() {
        QemuNode node = start("stop1");
        node.awaitReady();
        long pid = node.pid();
        Path dir = node.paths().dir();
        assertThat(Files.exists(node.paths().consoleSocket())).isTrue();
        node.stop();
        assertThat(node.state()).isEqualTo(NodeState.STOPPED);
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(dir).doesNotExist();
        node.stop(); // idempotent
        assertThat(node.state()).isEqualTo(NodeState.STOPPED);
    }
}

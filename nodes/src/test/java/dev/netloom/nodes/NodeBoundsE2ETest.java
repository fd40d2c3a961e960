package dev.netloom.nodes;

import dev.netloom.nodes.testing.TinyImage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Real QEMU, real tiny image: exec output is capped, the transcript rotates, and the run directory is private. */
@Tag("e2e")
class NodeBoundsE2ETest {

    private static final int CAP = 64 * 1024;
    private static final int TRANSCRIPT_CAP = 64 * 1024;
    private static final String LINE = "0123456789abcde\n"; // 16 bytes
    private static final int PRINTED = 3 * CAP;

    @Test
    void exec_printingThreeTimesTheCap_returnsExactlyTheCapTruncatedWithItsExitCode_andTheNextExecIsWhole() throws Exception {
        NodeSpec spec = TinyImage.spec("cap1").withLimits(new NodeLimits(CAP, TRANSCRIPT_CAP));
        try (QemuNode node = QemuNode.start(spec)) {
            node.awaitReady();

            ExecResult big = node.exec("yes " + LINE.strip() + " | head -c " + PRINTED + "; exit 3", Duration.ofSeconds(120));

            assertThat(big.timedOut()).isFalse();
            assertThat(big.exitCode()).isEqualTo(3);
            assertThat(big.truncated()).isTrue();
            assertThat(big.output()).hasSize(CAP).isEqualTo(LINE.repeat(PRINTED / LINE.length()).substring(0, CAP));
            assertThat(big.droppedBytes()).isEqualTo(PRINTED - CAP);

            ExecResult next = node.exec("echo ok");
            assertThat(next.output()).isEqualTo("ok\n");
            assertThat(next.truncated()).isFalse();
            assertThat(next.droppedBytes()).isZero();

            // the big output went through the transcript too: it rotated instead of growing
            Path transcript = node.paths().transcript();
            Path previous = transcript.resolveSibling("console.log.1");
            assertThat(previous).exists();
            assertThat(Files.size(transcript) + Files.size(previous)).isLessThanOrEqualTo(2L * TRANSCRIPT_CAP + 64 * 1024);
        }
    }

    @Test
    void runDirectory_isOwnerOnly_andSoAreTheNodesLogsAndPidfile() throws Exception {
        try (QemuNode node = QemuNode.start(TinyImage.spec("modes1"))) {
            node.awaitReady();
            NodePaths paths = node.paths();
            assertThat(Files.getPosixFilePermissions(paths.dir())).isEqualTo(RunDirs.DIR_MODE);
            for (Path file : new Path[] {paths.qemuLog(), paths.transcript(), paths.pidfile()}) {
                assertThat(Files.getPosixFilePermissions(file)).as(file.toString()).isEqualTo(RunDirs.FILE_MODE);
            }
        }
    }
}

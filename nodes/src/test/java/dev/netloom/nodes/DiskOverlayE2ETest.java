package dev.netloom.nodes;

import dev.netloom.nodes.host.Proc;
import dev.netloom.nodes.image.ImageManifest;
import dev.netloom.nodes.testing.TinyImage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** An image with a disk: the node writes to its disk, the base image stays byte-for-byte the same. */
@Tag("e2e")
class DiskOverlayE2ETest {

    @Test
    void diskImage_runsOnAnOverlay_andTheBaseIsNeverWritten(@TempDir Path imageDir) throws Exception {
        ImageManifest tiny = TinyImage.manifest();
        Files.copy(TinyImage.dir().resolve(tiny.kernel()), imageDir.resolve(tiny.kernel()));
        Files.copy(TinyImage.dir().resolve(tiny.initrd()), imageDir.resolve(tiny.initrd()));
        Proc.run(List.of("qemu-img", "create", "-q", "-f", "qcow2", imageDir.resolve("disk.qcow2").toString(), "16M"), Duration.ofSeconds(30)).orThrow();
        ImageManifest withDisk = new ImageManifest("diskimg", "tiny", tiny.kernel(), tiny.initrd(), "disk.qcow2", "qcow2", tiny.kernelArgs(),
                tiny.memoryMiB(), tiny.bootPattern(), null, null, null, null, tiny.promptPattern(), tiny.capabilities(), null);
        String before = sha256(imageDir.resolve("disk.qcow2"));

        try (QemuNode node = QemuNode.start(NodeSpec.of("disk1", withDisk, imageDir, TinyImage.accel()))) {
            node.awaitReady();
            assertThat(node.paths().overlay()).exists();
            String backing = Proc.run(List.of("qemu-img", "info", "-U", node.paths().overlay().toString()), Duration.ofSeconds(30)).orThrow().stdout();
            assertThat(backing).contains("backing file: " + imageDir.resolve("disk.qcow2"));

            ExecResult write = node.exec("printf 'netloom-was-here' > /dev/vda && sync && head -c 16 /dev/vda");
            assertThat(write.exitCode()).as(write.output()).isZero();
            assertThat(write.output()).isEqualTo("netloom-was-here");
        }
        assertThat(sha256(imageDir.resolve("disk.qcow2"))).isEqualTo(before);
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}

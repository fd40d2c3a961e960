package dev.netloom.nodes.qmp;

import dev.netloom.nodes.image.ImageManifest;
import dev.netloom.nodes.qemu.Accel;
import dev.netloom.nodes.testing.TinyImage;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * QmpClient against a real QEMU booting the tiny image (from the image store, built if missing):
 * negotiation, status, reset, quit.
 */
@Tag("e2e")
class QmpClientE2ETest {

    private static final String QEMU = System.getProperty("netloom.test.qemu", "qemu-system-x86_64");

    private Path dir;
    private Process qemu;
    private EventLoopGroup group;
    private QmpClient client;

    @BeforeEach
    void setUp() throws IOException {
        assumeThat(Epoll.isAvailable()).as("epoll transport available").isTrue();
        // Unix socket paths must stay under 108 bytes: keep the directory short
        dir = Files.createTempDirectory(Path.of("/tmp"), "qmpe2e");
        group = new EpollEventLoopGroup(1);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (client != null) {
            client.close();
        }
        if (qemu != null && qemu.isAlive()) {
            qemu.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void realQemu_negotiatesReportsRunningResetsAndQuits() throws Exception {
        Path socket = dir.resolve("qmp.sock");
        Path log = dir.resolve("qemu.log");
        // no -no-reboot: with it, QEMU turns system_reset into a shutdown instead of a RESET
        ImageManifest image = TinyImage.manifest();
        Path imageDir = TinyImage.dir();
        List<String> command = new ArrayList<>(List.of(QEMU, "-accel", TinyImage.accel().qemuName()));
        if (TinyImage.accel() == Accel.KVM) {
            command.addAll(List.of("-cpu", "host"));
        }
        command.addAll(List.of("-m", String.valueOf(image.memoryMiB()), "-nodefaults", "-no-user-config",
                "-display", "none",
                "-chardev", "socket,id=qmp,path=" + socket + ",server=on,wait=off",
                "-mon", "chardev=qmp,mode=control",
                "-kernel", imageDir.resolve(image.kernel()).toString(),
                "-initrd", imageDir.resolve(image.initrd()).toString(),
                "-append", image.kernelArgs() + " netloom.hostname=qmp1"));
        qemu = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();

        // connect starts before QEMU has created the socket, so this also exercises the retry
        client = QmpClient.connect(socket, group, Duration.ofSeconds(20)).get(30, TimeUnit.SECONDS);
        assertThat(client.qemuVersion()).matches("\\d+\\.\\d+\\.\\d+");

        QmpStatus status = client.queryStatus().get(30, TimeUnit.SECONDS);
        assertThat(status.running()).isTrue();
        assertThat(status.status()).isEqualTo("running");

        CompletableFuture<QmpEvent> reset = client.awaitEvent("RESET");
        client.systemReset().get(30, TimeUnit.SECONDS);
        assertThat(reset.get(20, TimeUnit.SECONDS).name()).isEqualTo("RESET");

        client.quit().get(20, TimeUnit.SECONDS);
        assertThat(qemu.waitFor(20, TimeUnit.SECONDS)).as("QEMU exited after quit; log: %s", readLog(log)).isTrue();
        client.closeFuture().get(30, TimeUnit.SECONDS);
        assertThat(client.isOpen()).isFalse();
    }

    private static String readLog(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}

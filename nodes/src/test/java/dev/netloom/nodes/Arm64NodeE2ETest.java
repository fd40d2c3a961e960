package dev.netloom.nodes;

import dev.netloom.nodes.console.ConsoleBroker;
import dev.netloom.nodes.console.HumanTerminal;
import dev.netloom.nodes.host.HostSetup;
import dev.netloom.nodes.image.ImageManifest;
import dev.netloom.nodes.image.ImageStore;
import dev.netloom.nodes.image.TinyImageBuilder;
import dev.netloom.nodes.qemu.Accel;
import dev.netloom.nodes.qemu.Arch;
import dev.netloom.nodes.qemu.QemuCommandLine;
import dev.netloom.nodes.testing.PeoplesShell;
import dev.netloom.nodes.testing.TinyImage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One tiny-arm64 node through QemuNode: qemu-system-aarch64 -M virt, console on the PL011 (ttyAMA0),
 * exec and its timeout, and the people's terminal on a virtio console (hvc0).
 */
@Tag("e2e")
class Arm64NodeE2ETest {

    @Test
    void arm64Node_bootsOnVirt_execsOnItsPl011Console_andCtrlCEndsATimedOutCommand() throws Exception {
        HostSetup.ensurePrograms(List.of(Arch.ARM64.qemu()), line -> System.err.println("host: " + line));
        ImageStore store = ImageStore.fromEnvironment();
        ImageManifest arm = new TinyImageBuilder(store, line -> System.err.println("tiny-arm64 image: " + line)).build(Arch.ARM64, false);
        assertThat(arm.arch()).isEqualTo(Arch.ARM64);
        // whatever the host's own architecture runs under, an arm64 guest on an x86_64 host is TCG
        Accel accel = Arch.ARM64.accel(TinyImage.accel());

        try (QemuNode node = QemuNode.start(NodeSpec.of("armnode1", arm, store.dir(TinyImageBuilder.nameFor(Arch.ARM64)), accel))) {
            node.awaitReady();
            assertThat(node.exec("uname -m").output()).isEqualTo("aarch64\n");
            assertThat(node.exec("hostname").output()).isEqualTo("armnode1\n");
            // the shell's controlling terminal is the PL011: Ctrl-C after a timeout reaches the command
            assertThat(node.exec("readlink /proc/self/fd/1").output()).isEqualTo("/dev/ttyAMA0\n");
            ExecResult slow = node.exec("echo started; sleep 30", Duration.ofSeconds(2));
            assertThat(slow.timedOut()).isTrue();
            assertThat(node.exec("echo after").output()).isEqualTo("after\n");
            assertThat(node.exec("tc qdisc add dev lo root netem delay 1ms && tc qdisc show dev lo").output()).contains("netem");
            assertThat(node.exec("lsmod").output()).contains("virtio_net", "virtio_console", "virtio_pci", "sch_netem");

            // the people's terminal is a virtio console (virt has a single UART): a shell of its own on
            // hvc0, with echo, the size netloom sets, and Ctrl-C reaching its foreground program
            String tty = QemuCommandLine.humanTty(node.spec());
            assertThat(node.exec(HumanTerminal.sttyCommand(tty, new ConsoleBroker.Size(33, 101))).exitCode()).isZero();
            try (PeoplesShell people = PeoplesShell.of(node)) {
                people.answers("echo people-$((7*7)); stty size; tty", "people-49\r\n33 101\r\n/dev/hvc0\r\n", Duration.ofSeconds(30));
                people.answers("sh -c 'echo go-$((5*5)); exec sleep 100'", "\r\ngo-25\r\n", Duration.ofSeconds(30));
                people.type("\u0003");
                people.answers("echo after-$((2+3))", "\r\nafter-5\r\n", Duration.ofSeconds(30));
            }
            assertThat(node.exec("echo exact").output()).isEqualTo("exact\n");
            assertThat(Files.readAllLines(node.paths().qemuLog()).get(0))
                    .startsWith("qemu-system-aarch64 -name armnode1 -machine virt -accel tcg,tb-size=16 -cpu cortex-a57");
        }
    }
}

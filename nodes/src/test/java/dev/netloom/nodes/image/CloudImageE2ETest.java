package dev.netloom.nodes.image;

import dev.netloom.nodes.ExecResult;
import dev.netloom.nodes.NodeSpec;
import dev.netloom.nodes.QemuNode;
import dev.netloom.nodes.testing.PeoplesShell;
import dev.netloom.nodes.testing.TinyImage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A cloud image becomes a working node through its NoCloud seed alone: the test image is a plain
 * Debian rootfs with cloud-init and no auto-login or password of any kind (built once with
 * mmdebstrap and cached in the image store as "cloudtest"), booted directly from its kernel and
 * initramfs, since there is no GRUB without mounting.
 */
@Tag("e2e")
class CloudImageE2ETest {

    static final String NAME = "cloudtest";
    /** Without net.ifnames=0, on purpose: udev names the NIC ens3, and the seed must make it eth0. */
    static final String KERNEL_ARGS = "root=/dev/vda rw console=ttyS0,115200 quiet";
    static final String MAC = "52:54:00:6e:6c:01";
    static final List<String> PACKAGES = List.of("systemd-sysv", "udev", "cloud-init", "linux-image-cloud-amd64", "initramfs-tools",
            "iproute2", "netbase", "procps", "kmod", "e2fsprogs", "iputils-ping");
    static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINetloomTestKeyNotARealOne00000000000000000 netloom@test";

    @Test
    void cloudImage_withOnlyTheSeed_reachesReadyWithRootShellHostnameKeyAndEth0_andAShellForPeople() throws Exception {
        ImageStore store = ImageStore.fromEnvironment();
        ImageManifest image = cloudTestImage(store);
        NodeSpec spec = NodeSpec.of("cloud1", image, store.dir(NAME), TinyImage.accel())
                .withTimeouts(Duration.ofSeconds(90), Duration.ofSeconds(600), 0)
                .withSshKey(KEY)
                .withNics(List.of(new NodeSpec.Nic("nlcloudt0", MAC, 3)));
        long t0 = System.nanoTime();
        try (QemuNode node = QemuNode.start(spec)) {
            assertThat(node.paths().seedIso()).exists();
            node.awaitReady();
            System.err.printf("cloud image: READY in %d ms%n", (System.nanoTime() - t0) / 1_000_000);

            ExecResult who = node.exec("id -u; hostname; cat /var/lib/cloud/data/instance-id");
            assertThat(who.exitCode()).as(who.output()).isZero();
            assertThat(who.output()).startsWith("0\ncloud1\ncloud1-");

            ExecResult seed = node.exec("blkid -s LABEL -o value /dev/vdb; cat /root/.ssh/authorized_keys");
            assertThat(seed.exitCode()).as(seed.output()).isZero();
            assertThat(seed.output()).startsWith("cidata\n").contains(KEY);

            ExecResult net = node.exec("ls /etc/systemd/network /etc/network/interfaces.d 2>/dev/null | grep -c cloud-init || true");
            assertThat(net.output().strip()).as("cloud-init rendered no network config").isEqualTo("0");

            ExecResult eth0 = node.exec("cat /sys/class/net/eth0/address; ip link set dev eth0 up && ip addr replace 10.77.0.1/24 dev eth0"
                    + " && ip -o -4 addr show dev eth0");
            assertThat(eth0.exitCode()).as(eth0.output()).isZero();
            assertThat(eth0.output()).startsWith(MAC + "\n").contains("10.77.0.1/24");

            ExecResult exit = node.exec("false");
            assertThat(exit.exitCode()).isEqualTo(1);

            // the seed logs root in on ttyS1 too, for people (docs/consoles.md): a shell of its own, with echo
            assertThat(image.has(ImageManifest.HUMAN_CONSOLE)).as("cloud imports have a console for people").isTrue();
            try (PeoplesShell people = PeoplesShell.of(node)) {
                people.answers("echo people-$((7*7)); echo $(id -u) $(tty)", "people-49\r\n0 /dev/ttyS1\r\n", Duration.ofSeconds(60));
            }
            assertThat(node.exec("echo exact").output()).isEqualTo("exact\n");
        }
    }

    /** The cached test image, built when missing or made from another recipe. */
    static synchronized ImageManifest cloudTestImage(ImageStore store) {
        var existing = store.find(NAME);
        if (existing.isPresent() && "cloud".equals(existing.get().kind()) && KERNEL_ARGS.equals(existing.get().kernelArgs())
                && existing.get().has(ImageManifest.HUMAN_CONSOLE)) { // imported before cloud images had a console for people: again
            return existing.get();
        }
        long t0 = System.nanoTime();
        Path work = null;
        try {
            work = Files.createTempDirectory(Path.of("/var/tmp"), "netloom-cloudtest-");
            Path rootfs = work.resolve("rootfs");
            new DebianRootfs(DebianRootfs.DEFAULT_RELEASE, PACKAGES, DebianRootfs.defaultDebCache(DebianRootfs.DEFAULT_RELEASE),
                    line -> System.err.println("cloudtest: " + line)).create(rootfs);
            DebianRootfs.copyIn(rootfs, "/dev/vda / ext4 defaults 0 1\n".getBytes(), "/etc/fstab", "0644");
            // nothing in the image logs anyone in: only the seed may do that
            assertThat(rootfs.resolve("etc/systemd/system/serial-getty@ttyS0.service.d")).doesNotExist();
            assertThat(Files.readString(rootfs.resolve("etc/shadow"))).containsPattern("(?m)^root:[*!]");
            Path kernel = Files.copy(only(rootfs.resolve("boot"), "vmlinuz-"), work.resolve("vmlinuz"));
            Path initrd = Files.copy(only(rootfs.resolve("boot"), "initrd.img-"), work.resolve("initrd.img"));
            Path disk = work.resolve(NAME + ".qcow2");
            DiskImage.fromTree(rootfs, disk, 256L << 20, "root");
            ImageManifest m = new ImageImporter(store, line -> System.err.println("cloudtest: " + line)).importImage(
                    ImportRequest.of("cloud", disk).withName(NAME).withKernel(kernel, initrd, KERNEL_ARGS).withForce(true));
            System.err.printf("cloudtest image built in %d s%n", (System.nanoTime() - t0) / 1_000_000_000);
            return m;
        } catch (IOException e) {
            throw new IllegalStateException("building the cloud test image failed", e);
        } finally {
            ImageStore.deleteTree(work);
        }
    }

    private static Path only(Path dir, String prefix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> found = files.filter(f -> f.getFileName().toString().startsWith(prefix)).toList();
            assertThat(found).as(prefix + "* in " + dir).hasSize(1);
            return found.get(0);
        }
    }
}

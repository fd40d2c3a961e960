package dev.netloom.nodes.image;

import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.ExecResult;
import dev.netloom.nodes.NodeSpec;
import dev.netloom.nodes.QemuNode;
import dev.netloom.nodes.host.Proc;
import dev.netloom.nodes.qemu.Accel;
import dev.netloom.nodes.qemu.AccelProbe;
import dev.netloom.nodes.testing.TinyImage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Imports with qemu-img into a scratch store; the generic import boots, and so does OpenWrt when an image is at hand. */
@Tag("e2e")
class ImportE2ETest {

    @TempDir
    Path work;

    private final List<String> said = new ArrayList<>();

    private ImageStore store() {
        return new ImageStore(work.resolve("store"));
    }

    private ImageImporter importer(ImageStore store) {
        return new ImageImporter(store, said::add);
    }

    @Test
    void openwrt_gzippedCombinedImageWithTrailingMetadata_becomesAQcow2BaseWithOpenWrtsManifest() throws Exception {
        Path raw = work.resolve("openwrt-23.05.5-x86-64-generic-ext4-combined.img");
        qemuImg("create", "-q", "-f", "raw", raw.toString(), "8M");
        writeAt(raw, 510, new byte[] {0x55, (byte) 0xaa});
        writeAt(raw, 3 * 1024 * 1024, "rootfs-marker".getBytes());
        Path gz = work.resolve(raw.getFileName() + ".gz");
        Files.write(gz, ImportRequestTest.concat(ImportRequestTest.gzip(Files.readAllBytes(raw)),
                "{\"metadata_version\":\"1.1\"}FWx0-signature".getBytes()));

        ImageStore store = store();
        ImageManifest m = importer(store).importImage(ImportRequest.of("openwrt", gz));

        Path dir = store.dir("openwrt");
        assertThat(m).isEqualTo(ImageManifest.read(dir));
        assertThat(m.kind()).isEqualTo("openwrt");
        assertThat(m.kernel()).isNull();
        assertThat(m.memoryMiB()).isEqualTo(128);
        assertThat(m.bootPattern()).isEqualTo("procd: - init complete -");
        assertThat(m.fingerprint()).startsWith("sha256:");
        String info = qemuImg("info", dir.resolve("disk.qcow2").toString());
        assertThat(info).contains("file format: qcow2").contains("virtual size: 8 MiB");
        assertThat(qemuImg("compare", "-f", "raw", "-F", "qcow2", raw.toString(), dir.resolve("disk.qcow2").toString()))
                .contains("Images are identical");
        assertThat(listing(store.root())).containsExactly("openwrt");
        assertThat(listing(dir)).containsExactlyInAnyOrder("disk.qcow2", "image.json");
    }

    @Test
    void import_ofATextFile_isRefusedAndLeavesNothing() throws IOException {
        Path text = Files.writeString(work.resolve("notes.img"), "this is not a disk\n");
        ImageStore store = store();
        assertThatThrownBy(() -> importer(store).importImage(ImportRequest.of("openwrt", text)))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("is not a disk image");
        assertThat(listing(store.root())).isEmpty();
    }

    @Test
    void import_ofARawDiskWithoutBootSectorOrKernel_isRefused() throws IOException {
        Path blank = work.resolve("blank.img");
        qemuImg("create", "-q", "-f", "raw", blank.toString(), "1M");
        ImageStore store = store();
        assertThatThrownBy(() -> importer(store).importImage(ImportRequest.of("generic", blank).withPatterns("up", "# $")))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("has no boot sector");
        assertThat(listing(store.root())).isEmpty();
    }

    @Test
    void import_xzFile_saysToDecompressIt() throws IOException {
        Path xz = Files.write(work.resolve("disk.img.xz"), new byte[] {(byte) 0xfd, '7', 'z', 'X', 'Z', 0, 0, 0});
        assertThatThrownBy(() -> importer(store()).importImage(ImportRequest.of("openwrt", xz)))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("xz-compressed").hasMessageContaining("unxz disk.img.xz");
    }

    @Test
    void import_overAnExistingImage_needsForce() throws IOException {
        Path disk = work.resolve("edge.qcow2");
        qemuImg("create", "-q", "-f", "qcow2", disk.toString(), "4M");
        Path kernel = Files.writeString(work.resolve("k"), "kernel");
        ImageStore store = store();
        ImportRequest request = ImportRequest.of("generic", disk).withPatterns("up", "# $").withKernel(kernel, null, "console=ttyS0");
        importer(store).importImage(request);
        assertThatThrownBy(() -> importer(store).importImage(request))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("image 'edge' is already in the store").hasMessageContaining("--force");
        ImageManifest again = importer(store).importImage(request.withForce(true).withMemory(64));
        assertThat(again.memoryMiB()).isEqualTo(64);
        assertThat(listing(store.root())).containsExactly("edge");
    }

    /** A real boot: the tiny image's kernel and initramfs with a blank qcow2 disk, imported as a generic image. */
    @Test
    void generic_importedKernelInitrdAndDisk_bootsAndSeesItsDisk() throws IOException {
        ImageManifest tiny = TinyImage.manifest();
        Path disk = work.resolve("data.qcow2");
        qemuImg("create", "-q", "-f", "qcow2", disk.toString(), "16M");
        ImageStore store = store();
        ImageManifest m = importer(store).importImage(ImportRequest.of("generic", disk)
                .withPatterns(tiny.bootPattern(), tiny.promptPattern())
                .withKernel(TinyImage.dir().resolve(tiny.kernel()), TinyImage.dir().resolve(tiny.initrd()), tiny.kernelArgs())
                .withMemory(tiny.memoryMiB())
                .withCapabilities(List.of("guest-netem")));
        assertThat(m.name()).isEqualTo("data");
        assertThat(m.kernel()).isEqualTo("vmlinuz");

        long t0 = System.nanoTime();
        try (QemuNode node = QemuNode.start(NodeSpec.of("gen1", m, store.dir("data"), TinyImage.accel()))) {
            node.awaitReady();
            System.err.printf("generic import: READY in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            ExecResult r = node.exec("hostname; cat /sys/block/vda/size");
            assertThat(r.exitCode()).as(r.output()).isZero();
            assertThat(r.output()).isEqualTo("gen1\n32768\n");
        }
    }

    /**
     * Boots a real OpenWrt x86-64 combined image when one is at hand. OpenWrt cannot be downloaded on
     * the development machines, so this runs only where NETLOOM_OPENWRT_IMAGE names one.
     */
    @Test
    void openwrt_realImage_bootsToItsShell() throws IOException {
        Optional<Path> image = openWrtImage();
        assumeTrue(image.isPresent(), "no OpenWrt image: set NETLOOM_OPENWRT_IMAGE to an openwrt-*-x86-64-generic-ext4-combined.img.gz"
                + " (from downloads.openwrt.org, targets/x86/64/) to run it");
        ImageStore store = store();
        ImageManifest m = importer(store).importImage(ImportRequest.of("openwrt", image.get()));
        Accel accel = AccelProbe.forHost().resolve(Accel.AUTO, TinyImage.dir()).accel();
        long t0 = System.nanoTime();
        try (QemuNode node = QemuNode.start(NodeSpec.of("owrt1", m, store.dir("openwrt"), accel))) {
            node.awaitReady();
            System.err.printf("openwrt: READY in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            ExecResult release = node.exec("cat /etc/openwrt_release");
            assertThat(release.exitCode()).as(release.output()).isZero();
            assertThat(release.output()).contains("DISTRIB_ID='OpenWrt'");
            ExecResult ip = node.exec("ip addr replace 127.0.0.2/8 dev lo && ip route replace 10.99.0.0/24 dev lo && ip route show 10.99.0.0/24");
            assertThat(ip.exitCode()).as(ip.output()).isZero();
            assertThat(ip.output()).contains("10.99.0.0/24");
        }
    }

    static Optional<Path> openWrtImage() throws IOException {
        String env = System.getenv("NETLOOM_OPENWRT_IMAGE");
        if (env != null && !env.isBlank()) {
            return Optional.of(Path.of(env));
        }
        Path known = Path.of("..", "images", "openwrt").toAbsolutePath().normalize();
        if (!Files.isDirectory(known)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(known)) {
            return files.filter(f -> f.getFileName().toString().matches("openwrt-.*x86-64-generic-.*combined.*\\.img(\\.gz)?")).sorted().findFirst();
        }
    }

    static String qemuImg(String... args) {
        List<String> cmd = new ArrayList<>(List.of("qemu-img"));
        cmd.addAll(List.of(args));
        return Proc.run(cmd, Duration.ofMinutes(2)).orThrow().stdout();
    }

    private static void writeAt(Path file, long offset, byte[] bytes) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            f.write(bytes);
        }
    }

    private static List<String> listing(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}

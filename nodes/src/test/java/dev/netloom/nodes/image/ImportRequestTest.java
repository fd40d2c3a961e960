package dev.netloom.nodes.image;

import dev.netloom.nodes.BadInputException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Validation, defaults and decompression of imports: no processes, no store writes. */
class ImportRequestTest {

    @TempDir
    Path dir;
    Path disk;

    @BeforeEach
    void disk() throws IOException {
        disk = Files.write(dir.resolve("router.img"), new byte[4096]);
    }

    private static ImageManifest manifestFor(ImportRequest request) {
        return request.manifest();
    }

    private ImportRequest generic() {
        return ImportRequest.of("generic", disk).withPatterns("Startup finished", "# $");
    }

    @Test
    void generic_manifest_hasTheGivenPatternsAndADiskOnly() {
        ImageManifest m = manifestFor(generic().withLogin("login: $", "root", "Password: $", "secret"));
        assertThat(m.name()).isEqualTo("router");
        assertThat(m.kind()).isEqualTo("generic");
        assertThat(m.disk()).isEqualTo("disk.qcow2");
        assertThat(m.diskFormat()).isEqualTo("qcow2");
        assertThat(m.kernel()).isNull();
        assertThat(m.kernelArgs()).isNull();
        assertThat(m.memoryMiB()).isEqualTo(256);
        assertThat(m.bootPattern()).isEqualTo("Startup finished");
        assertThat(m.loginPattern()).isEqualTo("login: $");
        assertThat(m.username()).isEqualTo("root");
        assertThat(m.passwordPattern()).isEqualTo("Password: $");
        assertThat(m.password()).isEqualTo("secret");
        assertThat(m.promptPattern()).isEqualTo("# $");
        assertThat(m.capabilities()).isEmpty();
    }

    @Test
    void generic_withKernel_bootsDirectlyWithTheArguments() throws IOException {
        Path kernel = Files.writeString(dir.resolve("bzImage"), "k");
        Path initrd = Files.writeString(dir.resolve("initramfs"), "i");
        ImageManifest m = manifestFor(generic().withKernel(kernel, initrd, "console=ttyS0 net.ifnames=0")
                .withMemory(ImportRequest.parseMemory("1G")).withCapabilities(List.of("guest-netem")).withName("edge"));
        assertThat(m.name()).isEqualTo("edge");
        assertThat(m.kernel()).isEqualTo("vmlinuz");
        assertThat(m.initrd()).isEqualTo("initrd.img");
        assertThat(m.kernelArgs()).isEqualTo("console=ttyS0 net.ifnames=0");
        assertThat(m.memoryMiB()).isEqualTo(1024);
        assertThat(m.has("guest-netem")).isTrue();
    }

    @Test
    void openwrt_manifest_hasProcdsMarkerTheRootPromptAnd128MiB() {
        ImageManifest m = manifestFor(ImportRequest.of("openwrt", disk));
        assertThat(m.name()).isEqualTo("openwrt");
        assertThat(m.kind()).isEqualTo("openwrt");
        assertThat(m.kernel()).isNull();
        assertThat(m.disk()).isEqualTo("disk.qcow2");
        assertThat(m.memoryMiB()).isEqualTo(128);
        assertThat(m.loginPattern()).isNull();
        assertThat(m.capabilities()).doesNotContain("guest-netem");
        assertThat(Pattern.compile(m.bootPattern()).matcher("[   12.3] procd: - init complete -\r\n").find()).isTrue();
        Pattern prompt = Pattern.compile(m.promptPattern(), Pattern.MULTILINE);
        assertThat(prompt.matcher("BusyBox v1.36.1\r\nroot@OpenWrt:~# ").find()).isTrue();
        assertThat(prompt.matcher("root@OpenWrt:/# \u001b[6n").find()).isTrue();
        assertThat(prompt.matcher("Please press Enter to activate this console.\r\n").find()).isFalse();
    }

    @Test
    void cloud_manifest_waitsForTheSeedsMarkerAndBashsRootPrompt() {
        ImageManifest m = manifestFor(ImportRequest.of("cloud", dir.resolve("router.img"))
                .withName("bookworm"));
        assertThat(m.kind()).isEqualTo("cloud");
        assertThat(m.memoryMiB()).isEqualTo(512);
        assertThat(Pattern.compile(m.bootPattern()).matcher("netloom-cloud: boot complete on n1\r\n").find()).isTrue();
        Pattern prompt = Pattern.compile(m.promptPattern(), Pattern.MULTILINE);
        assertThat(prompt.matcher("\u001b[?2004hroot@n1:~# ").find()).isTrue();
        assertThat(prompt.matcher("root@n1:~# \u001b[?2004h").find()).isTrue();
        assertThat(prompt.matcher("n1 login: ").find()).isFalse();
    }

    @ParameterizedTest
    @CsvSource({
            "openwrt-23.05.3-x86-64-generic-ext4-combined.img.gz, generic, openwrt-23-05-3-x86-64-generic",
            "openwrt-23.05.3-x86-64-generic-ext4-combined.img.gz, openwrt, openwrt",
            "debian-12-genericcloud-amd64.qcow2, cloud, debian-12-genericcloud-amd64",
            "My Router (v2).vmdk, generic, my-router-v2",
            "2024_disk.raw, generic, disk",
            "123.img, generic, generic"})
    void defaultName_isTheSanitisedFileName(String file, String kind, String expected) {
        assertThat(ImportRequest.defaultName(kind, Path.of("/downloads", file))).isEqualTo(expected);
        assertThat(ImageStore.NAME.matcher(expected).matches()).isTrue();
    }

    @Test
    void missingFile_namesFileAndSaysWhatToGive() {
        assertThatThrownBy(() -> manifestFor(ImportRequest.of("generic", dir.resolve("nope.img"))
                .withPatterns("x", "y")))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("FILE " + dir.resolve("nope.img") + " does not exist");
        assertThatThrownBy(() -> manifestFor(ImportRequest.of("generic", dir).withPatterns("x", "y")))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("is not a regular file");
    }

    @Test
    void unknownKind_listsTheKinds() {
        assertThatThrownBy(() -> manifestFor(ImportRequest.of("vyos", disk)))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("unknown image kind 'vyos'")
                .hasMessageContaining("generic, openwrt, cloud");
    }

    @Test
    void generic_withoutPatterns_saysWhichOptionIsMissing() {
        assertThatThrownBy(() -> manifestFor(ImportRequest.of("generic", disk)))
                .isInstanceOf(BadInputException.class).hasMessageContaining("--boot-pattern is required");
        assertThatThrownBy(() -> manifestFor(ImportRequest.of("generic", disk).withPatterns("up", null)))
                .isInstanceOf(BadInputException.class).hasMessageContaining("--prompt is required");
    }

    @Test
    void badRegex_namesTheOptionAndThePlace() {
        assertThatThrownBy(() -> manifestFor(generic().withPatterns("systemd[1]: (Startup", "# $")))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("--boot-pattern 'systemd[1]: (Startup' is not a valid regular expression");
        assertThatThrownBy(() -> manifestFor(generic().withPatterns("up", "[#")))
                .isInstanceOf(BadInputException.class).hasMessageContaining("--prompt '[#'");
        assertThatThrownBy(() -> manifestFor(generic().withLogin("login: (", "root", null, null)))
                .isInstanceOf(BadInputException.class).hasMessageContaining("--login-pattern");
        assertThatThrownBy(() -> manifestFor(generic().withLogin("login: $", "root", "*Password", "pw")))
                .isInstanceOf(BadInputException.class).hasMessageContaining("--password-pattern");
    }

    @Test
    void loginOptions_mustComeTogether() {
        assertThatThrownBy(() -> manifestFor(generic().withLogin("login: $", null, null, null)))
                .isInstanceOf(BadInputException.class).hasMessageContaining("--login-pattern needs --username");
        assertThatThrownBy(() -> manifestFor(generic().withLogin(null, "root", null, null)))
                .isInstanceOf(BadInputException.class).hasMessageContaining("--username needs --login-pattern");
        assertThatThrownBy(() -> manifestFor(generic().withLogin("login: $", "root", "Password: $", null)))
                .isInstanceOf(BadInputException.class).hasMessageContaining("--password-pattern needs --password");
        assertThatThrownBy(() -> manifestFor(generic().withLogin("login: $", "root", null, "pw")))
                .isInstanceOf(BadInputException.class).hasMessageContaining("--password needs --password-pattern");
        assertThatThrownBy(() -> manifestFor(ImportRequest.of("cloud", disk).withLogin("login: $", "root", null, null)))
                .isInstanceOf(BadInputException.class).hasMessageContaining("--login-pattern does not apply to cloud images");
    }

    @Test
    void kernelOptions_needAKernelThatExists() {
        assertThatThrownBy(() -> manifestFor(generic().withKernel(null, disk, null)))
                .isInstanceOf(BadInputException.class).hasMessageContaining("--initrd needs --kernel");
        assertThatThrownBy(() -> manifestFor(generic().withKernel(null, null, "console=ttyS0")))
                .isInstanceOf(BadInputException.class).hasMessageContaining("--append needs --kernel");
        assertThatThrownBy(() -> manifestFor(generic().withKernel(dir.resolve("bzImage"), null, null)))
                .isInstanceOf(BadInputException.class).hasMessageContaining("--kernel " + dir.resolve("bzImage") + " does not exist");
    }

    @Test
    void badNameMemoryOrCapability_namesTheOption() {
        assertThatThrownBy(() -> manifestFor(generic().withName("My Router")))
                .isInstanceOf(BadInputException.class).hasMessageContaining("invalid image name 'My Router'").hasMessageContaining("--name");
        assertThatThrownBy(() -> manifestFor(generic().withMemory(8)))
                .isInstanceOf(BadInputException.class).hasMessageContaining("--memory 8M is too little");
        assertThatThrownBy(() -> ImportRequest.parseMemory("lots"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("--memory 'lots' is not a size");
        assertThatThrownBy(() -> manifestFor(generic().withCapabilities(List.of("netem"))))
                .isInstanceOf(BadInputException.class).hasMessageContaining("unknown capability 'netem' in --capability");
        assertThat(ImportRequest.parseMemory("384")).isEqualTo(384);
        assertThat(ImportRequest.parseMemory("256MiB")).isEqualTo(256);
    }

    @Test
    void compression_isToldByMagicBytes() throws IOException {
        assertThat(DiskIngest.compression(disk)).isEqualTo(DiskIngest.Compression.NONE);
        assertThat(DiskIngest.compression(Files.write(dir.resolve("a"), gzip(new byte[10])))).isEqualTo(DiskIngest.Compression.GZIP);
        assertThat(DiskIngest.compression(Files.write(dir.resolve("b"), new byte[] {(byte) 0xfd, '7', 'z', 'X', 'Z', 0, 1})))
                .isEqualTo(DiskIngest.Compression.XZ);
        assertThat(DiskIngest.compression(Files.write(dir.resolve("c"), new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 0})))
                .isEqualTo(DiskIngest.Compression.ZSTD);
        assertThat(DiskIngest.compression(Files.write(dir.resolve("d"), new byte[0]))).isEqualTo(DiskIngest.Compression.NONE);
    }

    @Test
    void gunzip_ignoresTrailingGarbageAsOpenWrtImagesHaveIt() throws IOException {
        byte[] data = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(data);
        byte[] metadata = ("{ \"metadata_version\": \"1.1\", \"compat_version\": \"1.0\", \"supported_devices\":[\"generic\"] }"
                + "\u0000\u0000FWx0").getBytes();
        Path gz = dir.resolve("openwrt.img.gz");
        Files.write(gz, concat(gzip(data), metadata));
        Path out = dir.resolve("openwrt.img");
        assertThat(DiskIngest.gunzip(gz, out)).isEqualTo(data.length);
        assertThat(Files.readAllBytes(out)).isEqualTo(data);
    }

    @Test
    void gunzip_truncatedStream_isBadInput() throws IOException {
        byte[] whole = gzip(new byte[1 << 20]);
        Path gz = Files.write(dir.resolve("cut.img.gz"), java.util.Arrays.copyOf(whole, whole.length / 2));
        assertThatThrownBy(() -> DiskIngest.gunzip(gz, dir.resolve("cut.img")))
                .isInstanceOf(BadInputException.class).hasMessageContaining("is truncated");
    }

    @Test
    void hasBootSignature_readsBytes510And511() throws IOException {
        byte[] mbr = new byte[1024];
        assertThat(DiskIngest.hasBootSignature(Files.write(dir.resolve("blank"), mbr))).isFalse();
        mbr[510] = 0x55;
        mbr[511] = (byte) 0xaa;
        assertThat(DiskIngest.hasBootSignature(Files.write(dir.resolve("mbr"), mbr))).isTrue();
        assertThat(DiskIngest.hasBootSignature(Files.write(dir.resolve("tiny"), new byte[100]))).isFalse();
    }

    @Test
    void checkRaw_hybridIsoWithBootSector_isADisk() throws IOException {
        Path iso = Files.write(dir.resolve("grub.iso"), iso9660(true));
        assertThat(DiskIngest.isIso9660(iso)).isTrue();
        DiskIngest.checkRaw(iso, iso, false); // no exception: it boots as a hard disk
    }

    @Test
    void checkRaw_cdOnlyIso_saysHowToMakeItHybrid() throws IOException {
        Path iso = Files.write(dir.resolve("live.iso"), iso9660(false));
        assertThatThrownBy(() -> DiskIngest.checkRaw(iso, iso, false))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("live.iso is an ISO 9660 image that boots only from a CD-ROM")
                .hasMessageContaining("grub-mkrescue").hasMessageContaining("isohybrid").hasMessageContaining("--kernel");
        DiskIngest.checkRaw(iso, iso, true); // a direct kernel boot needs no boot sector
    }

    @Test
    void checkRaw_blankDisk_hasNoBootSector_andPartialSectorsAreNoDisk() throws IOException {
        assertThat(DiskIngest.isIso9660(disk)).isFalse();
        assertThatThrownBy(() -> DiskIngest.checkRaw(disk, disk, false))
                .isInstanceOf(BadInputException.class).hasMessageContaining("has no boot sector");
        Path odd = Files.write(dir.resolve("odd.img"), new byte[1000]);
        assertThatThrownBy(() -> DiskIngest.checkRaw(odd, odd, true))
                .isInstanceOf(BadInputException.class).hasMessageContaining("not whole 512-byte sectors");
    }

    /** 36 KiB with an ISO 9660 primary volume descriptor at 32 KiB, and with or without an MBR signature. */
    private static byte[] iso9660(boolean hybrid) {
        byte[] iso = new byte[36 * 1024];
        iso[0x8000] = 1;
        System.arraycopy("CD001".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, iso, 0x8001, 5);
        if (hybrid) {
            iso[510] = 0x55;
            iso[511] = (byte) 0xaa;
        }
        return iso;
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(data);
        }
        return bytes.toByteArray();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}

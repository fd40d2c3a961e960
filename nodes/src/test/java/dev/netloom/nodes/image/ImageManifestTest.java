package dev.netloom.nodes.image;

import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.qemu.Arch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageManifestTest {

    @TempDir
    Path dir;

    @Test
    void writeThenRead_givesTheSameManifest() throws IOException {
        ImageManifest tiny = new ImageManifest("tiny", "tiny", "vmlinuz", "initrd.img", null, null,
                "console=ttyS0 quiet panic=-1", 96, "netloom-tiny: boot complete", null, null, null, null,
                "[#$] (\\x1b\\[6n)?$", List.of("guest-netem"), "78aa70b0");
        tiny.write(dir);
        assertThat(ImageManifest.read(dir)).isEqualTo(tiny);
    }

    @Test
    void writeThenRead_diskImageWithLogin_keepsEveryField() throws IOException {
        ImageManifest debian = new ImageManifest("deb12", "debian", null, null, "disk.qcow2", "qcow2", null, 512,
                "Debian GNU/Linux 12", "login: $", "root", "Password: $", "netloom", "root@[^:]+:[^#]*# $", List.of(), "fp");
        debian.write(dir);
        assertThat(ImageManifest.read(dir)).isEqualTo(debian);
    }

    @Test
    void write_leavesOutAbsentFields() throws IOException {
        new ImageManifest("tiny", "tiny", "vmlinuz", "initrd.img", null, null, null, 96, "boot", null, null, null, null,
                "# $", null, "fp").write(dir);
        String json = Files.readString(dir.resolve(ImageManifest.FILE));
        assertThat(json).contains("\"kernel\"").doesNotContain("\"disk\"", "\"loginPattern\"", "\"password\"", "null");
    }

    @Test
    void read_ignoresUnknownFieldsAndDefaultsCapabilities() throws IOException {
        Files.writeString(dir.resolve(ImageManifest.FILE),
                "{\"name\":\"x\",\"kind\":\"generic\",\"memoryMiB\":64,\"future\":true,\"promptPattern\":\"# \"}");
        ImageManifest m = ImageManifest.read(dir);
        assertThat(m.name()).isEqualTo("x");
        assertThat(m.memoryMiB()).isEqualTo(64);
        assertThat(m.capabilities()).isEmpty();
        assertThat(m.has(ImageManifest.GUEST_NETEM)).isFalse();
    }

    @Test
    void writeThenRead_arm64Image_keepsItsArchitecture() throws IOException {
        ImageManifest arm = new ImageManifest("tiny-arm64", "tiny", "vmlinuz", "initrd.img", null, null,
                "console=ttyAMA0 quiet panic=-1", 96, "netloom-tiny: boot complete", null, null, null, null,
                "# $", List.of("guest-netem"), "fp", Arch.ARM64);
        arm.write(dir);
        assertThat(Files.readString(dir.resolve(ImageManifest.FILE))).contains("\"arch\" : \"arm64\"");
        assertThat(ImageManifest.read(dir)).isEqualTo(arm);
        assertThat(ImageManifest.read(dir).arch()).isEqualTo(Arch.ARM64);
    }

    @Test
    void read_manifestWithoutArch_isX86_64() throws IOException {
        // every manifest written before netloom had arm64 nodes
        Files.writeString(dir.resolve(ImageManifest.FILE), """
                {"name":"tiny","kind":"tiny","kernel":"vmlinuz","initrd":"initrd.img","memoryMiB":96,
                 "bootPattern":"netloom-tiny: boot complete","promptPattern":"# $","fingerprint":"a08a"}
                """);
        assertThat(ImageManifest.read(dir).arch()).isEqualTo(Arch.X86_64);
        assertThat(new ImageManifest("x", "generic", null, null, "d.qcow2", "qcow2", null, 64, "b", null, null, null, null,
                "# ", null, null).arch()).isEqualTo(Arch.X86_64);
    }

    @Test
    void read_kernelArchitectureName_isAccepted() throws IOException {
        Files.writeString(dir.resolve(ImageManifest.FILE), "{\"name\":\"x\",\"kind\":\"generic\",\"memoryMiB\":64,\"arch\":\"aarch64\"}");
        assertThat(ImageManifest.read(dir).arch()).isEqualTo(Arch.ARM64);
    }

    @Test
    void read_unknownArch_isRefusedNamingTheValidOnes() throws IOException {
        Files.writeString(dir.resolve(ImageManifest.FILE), "{\"name\":\"x\",\"kind\":\"generic\",\"memoryMiB\":64,\"arch\":\"riscv64\"}");
        assertThatThrownBy(() -> ImageManifest.read(dir))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("riscv64")
                .hasMessageContaining("x86_64, arm64");
    }

    @Test
    void has_namedCapability_isTrue() {
        ImageManifest m = new ImageManifest("tiny", "tiny", null, null, null, null, null, 96, "b", null, null, null, null,
                "# ", List.of(ImageManifest.GUEST_NETEM), null);
        assertThat(m.has(ImageManifest.GUEST_NETEM)).isTrue();
        assertThat(m.has("other")).isFalse();
    }

    @Test
    void read_missingOrBrokenManifest_namesTheFileAndTheRemedy() throws IOException {
        assertThatThrownBy(() -> ImageManifest.read(dir))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining(dir.resolve(ImageManifest.FILE).toString())
                .hasMessageContaining("--force");
        Files.writeString(dir.resolve(ImageManifest.FILE), "{ not json");
        assertThatThrownBy(() -> ImageManifest.read(dir))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining(ImageManifest.FILE);
    }

    private static ImageManifest kernelAt(String kernel) {
        return new ImageManifest("evil", "generic", kernel, null, null, null, "console=ttyS0", 64,
                "up", null, null, null, null, "# $", null, null);
    }

    @Test
    void read_whenAPathClimbsOutOfTheImageDirectory_failsNamingTheField() throws IOException {
        kernelAt("../../etc/shadow").write(dir);
        assertThatThrownBy(() -> ImageManifest.read(dir)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("\"kernel\": \"../../etc/shadow\" leaves the image directory")
                .hasMessageContaining("rebuild or re-import the image");
    }

    @Test
    void read_whenAPathIsAbsolute_failsNamingTheField() throws IOException {
        new ImageManifest("evil", "generic", null, null, "/dev/sda", "raw", null, 64, "up", null, null, null, null, "# $", null, null)
                .write(dir);
        assertThatThrownBy(() -> ImageManifest.read(dir)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("\"disk\": \"/dev/sda\" is not a relative path");
    }

    @Test
    void read_whenAPathIsASymlinkOutOfTheImageDirectory_failsSayingWhereItPoints() throws IOException {
        Path image = Files.createDirectories(dir.resolve("img"));
        Path outside = Files.writeString(dir.resolve("host-file"), "x");
        Files.createSymbolicLink(image.resolve("vmlinuz"), outside);
        kernelAt("vmlinuz").write(image);
        assertThatThrownBy(() -> ImageManifest.read(image)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("\"kernel\": \"vmlinuz\" is a symbolic link to " + outside.toRealPath() + ", outside the image directory");
    }

    @Test
    void read_whenPathsStayInside_acceptsThemAlsoThroughLinksWithin() throws IOException {
        Files.writeString(dir.resolve("vmlinuz-6.1"), "k");
        Files.createSymbolicLink(dir.resolve("vmlinuz"), Path.of("vmlinuz-6.1"));
        kernelAt("sub/../vmlinuz").write(dir);
        assertThat(ImageManifest.read(dir).kernel()).isEqualTo("sub/../vmlinuz");
    }
}

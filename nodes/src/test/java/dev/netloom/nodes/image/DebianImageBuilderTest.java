package dev.netloom.nodes.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a Debian image promises, from images/debian/debian.json, without building anything. */
class DebianImageBuilderTest {

    @Test
    void manifest_bootsTheDiskDirectlyWithTheSerialConsole() {
        ImageManifest m = DebianImageBuilder.manifest("debian", DebianImageBuilder.base(), 256, "f00");

        assertThat(m.kind()).isEqualTo("debian");
        assertThat(m.kernel()).isEqualTo("vmlinuz");
        assertThat(m.initrd()).isEqualTo("initrd.img");
        assertThat(m.disk()).isEqualTo("disk.qcow2");
        assertThat(m.diskFormat()).isEqualTo("qcow2");
        assertThat(m.kernelArgs()).contains("root=/dev/vda", "rw", "console=ttyS0,115200", "net.ifnames=0");
        assertThat(m.memoryMiB()).isEqualTo(256);
        assertThat(m.has(ImageManifest.GUEST_NETEM)).isTrue();
        assertThat(m.loginPattern()).isNull();
        assertThat(m.fingerprint()).isEqualTo("f00");
    }

    @Test
    void base_hasTheToolsAndTheKernel() {
        DebianImageBuilder.Base base = DebianImageBuilder.base();

        assertThat(base.release()).isEqualTo("bookworm");
        assertThat(base.packages()).contains("systemd-sysv", "iproute2", "iputils-ping", "iperf3", "tcpdump", "openssh-server",
                "linux-image-cloud-amd64", "initramfs-tools");
        assertThat(base.files()).extracting(DebianImageBuilder.BaseFile::dest)
                .contains("/etc/systemd/system/netloom-console.service");
        assertThat(TinyImageBuilder.parseMiB(base.memory())).isEqualTo(192);
    }

    @Test
    void patterns_matchTheMarkerAndBashsPromptWithOrWithoutBracketedPaste() {
        DebianImageBuilder.Base base = DebianImageBuilder.base();
        Pattern boot = Pattern.compile(base.bootPattern());
        Pattern prompt = Pattern.compile(base.promptPattern(), Pattern.MULTILINE);

        assertThat(boot.matcher("netloom-debian: boot complete on n1\r\n").find()).isTrue();
        assertThat(prompt.matcher("n1 login: root (automatic login)\r\n\r\n\u001b[?2004hroot@n1:~# ").find()).isTrue();
        assertThat(prompt.matcher("root@r-2:~# \u001b[?2004h").find()).isTrue();
        assertThat(prompt.matcher("root@n1:~# ls\r\n").find()).isFalse();
        assertThat(prompt.matcher("[  OK  ] Reached target multi-user.target #").find()).isFalse();
    }

    @Test
    void imageName_isDebianForBookworm_andCarriesOtherReleases() {
        assertThat(DebianImageBuilder.imageName("bookworm")).isEqualTo("debian");
        assertThat(DebianImageBuilder.imageName("trixie")).isEqualTo("debian-trixie");
        assertThatThrownBy(() -> DebianImageBuilder.imageName("Trixie; rm")).hasMessageContaining("invalid Debian release");
    }

    @Test
    void fingerprint_changesWithTheReleaseTheBaseAndTheRecipe(@TempDir Path dir) throws Exception {
        List<Recipe.FileCopy> files = List.of(new Recipe.FileCopy("a", "/a", "0644", "x".getBytes()));
        byte[] json = "{}".getBytes();
        String plain = DebianImageBuilder.fingerprintOf("bookworm", files, json, null);

        assertThat(DebianImageBuilder.fingerprintOf("bookworm", files, json, null)).isEqualTo(plain);
        assertThat(DebianImageBuilder.fingerprintOf("trixie", files, json, null)).isNotEqualTo(plain);
        assertThat(DebianImageBuilder.fingerprintOf("bookworm", List.of(new Recipe.FileCopy("a", "/a", "0644", "y".getBytes())), json, null))
                .isNotEqualTo(plain);

        Files.writeString(dir.resolve("c"), "one");
        Recipe r1 = Recipe.parse("r.json", "{\"files\": [{\"src\": \"c\", \"dest\": \"/c\"}]}".getBytes(StandardCharsets.UTF_8), "r", dir);
        Files.writeString(dir.resolve("c"), "two");
        Recipe r2 = Recipe.parse("r.json", "{\"files\": [{\"src\": \"c\", \"dest\": \"/c\"}]}".getBytes(StandardCharsets.UTF_8), "r", dir);
        String withR1 = DebianImageBuilder.fingerprintOf("bookworm", files, json, r1);
        assertThat(withR1).isNotEqualTo(plain);
        assertThat(DebianImageBuilder.fingerprintOf("bookworm", files, json, r2)).isNotEqualTo(withR1); // a copied file changed
    }

    @Test
    void tail_keepsTheLastLines() {
        assertThat(DebianImageBuilder.tail("a\nb\nc\n", 2)).isEqualTo("b\nc");
    }
}

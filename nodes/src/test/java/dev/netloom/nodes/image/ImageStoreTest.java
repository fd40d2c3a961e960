package dev.netloom.nodes.image;

import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.qemu.Arch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageStoreTest {

    @TempDir
    Path root;

    private static ImageManifest manifest(String name, String kind) {
        return new ImageManifest(name, kind, "vmlinuz", "initrd.img", null, null, "console=ttyS0", 96,
                "boot complete", null, null, null, null, "# $", List.of(), "fp-" + kind);
    }

    /** Builds an image the way the builders do: in a staging directory, then committed. */
    private static Path build(ImageStore store, String name, String kind, String payload) throws IOException {
        Path staged = store.stage(name);
        manifest(name, kind).write(staged);
        Files.writeString(staged.resolve("vmlinuz"), payload);
        store.commit(staged, name);
        return staged;
    }

    private List<String> rootEntries() throws IOException {
        try (Stream<Path> files = Files.list(root)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x", "A", "", "1tiny", "tiny/x", "tiny.old", "abcdefghijklmnopqrstuvwxyzabcdefg"})
    void checkName_badName_isRejectedNamingIt(String name) {
        assertThatThrownBy(() -> ImageStore.checkName(name))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("'" + name + "'");
    }

    @Test
    void checkName_goodNames_areAccepted() {
        assertThatCode(() -> {
            ImageStore.checkName("tiny");
            ImageStore.checkName("a");
            ImageStore.checkName("debian-12_cloud");
            ImageStore.checkName("abcdefghijklmnopqrstuvwxyzabcdef");
        }).doesNotThrowAnyException();
        assertThatThrownBy(() -> ImageStore.checkName(null)).isInstanceOf(BadInputException.class);
    }

    @Test
    void dir_badName_isRejectedBeforeTouchingTheStore() {
        ImageStore store = new ImageStore(root.resolve("store"));
        assertThatThrownBy(() -> store.dir("../etc")).isInstanceOf(BadInputException.class);
        assertThatThrownBy(() -> store.stage("../etc")).isInstanceOf(BadInputException.class);
        assertThat(root.resolve("store")).doesNotExist();
    }

    @Test
    void stage_makesAHiddenBuildDirectoryInTheStore() {
        ImageStore store = new ImageStore(root);
        Path staged = store.stage("tiny");
        assertThat(staged).isDirectory().hasParent(root);
        assertThat(staged.getFileName().toString()).startsWith(".tiny.build-");
        assertThat(store.find("tiny")).isEmpty();
    }

    @Test
    void commit_movesTheStagedDirectoryIntoPlace() throws IOException {
        ImageStore store = new ImageStore(root);
        Path staged = build(store, "tiny", "tiny", "kernel-1");

        assertThat(staged).doesNotExist();
        assertThat(store.dir("tiny").resolve("vmlinuz")).hasContent("kernel-1");
        assertThat(store.require("tiny")).isEqualTo(manifest("tiny", "tiny"));
        assertThat(rootEntries()).containsExactly("tiny");
    }

    @Test
    void commit_overAnOlderImage_replacesItAndLeavesNothingBehind() throws IOException {
        ImageStore store = new ImageStore(root);
        build(store, "tiny", "tiny", "kernel-1");
        Files.writeString(store.dir("tiny").resolve("stale-file"), "from the old build");

        build(store, "tiny", "generic", "kernel-2");

        assertThat(store.dir("tiny").resolve("vmlinuz")).hasContent("kernel-2");
        assertThat(store.dir("tiny").resolve("stale-file")).doesNotExist();
        assertThat(store.require("tiny").kind()).isEqualTo("generic");
        assertThat(rootEntries()).containsExactly("tiny");
    }

    @Test
    void removeStaleBuilds_removesLeftoversOfDeadBuildsOnly_andKeepsRunningOnes() throws Exception {
        ImageStore store = new ImageStore(root);
        build(store, "tiny", "tiny", "kernel");
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        long deadPid = gone.pid();
        Path crashed = root.resolve(".tiny.build-" + deadPid + "-42");
        Files.createDirectories(crashed.resolve("work/root/bin"));
        Files.writeString(crashed.resolve("work/root/bin/busybox"), "x");
        Files.createDirectories(root.resolve(".tiny.old-" + deadPid + "-7"));
        Files.createDirectories(root.resolve(".tiny.build-123")); // an old-style name without a pid: crashed
        Path running = store.stage("debian"); // this process is alive: another build in progress
        Files.createDirectories(root.resolve(".keep-me"));

        store.removeStaleBuilds();

        assertThat(rootEntries()).containsExactlyInAnyOrder(".keep-me", "tiny", running.getFileName().toString());
        assertThat(store.require("tiny").kind()).isEqualTo("tiny");
    }

    @Test
    void removeStaleBuilds_withoutAStore_doesNothing() {
        ImageStore store = new ImageStore(root.resolve("absent"));
        store.removeStaleBuilds();
        assertThat(root.resolve("absent")).doesNotExist();
    }

    @Test
    void list_showsImagesWithAManifestInNameOrder() throws IOException {
        ImageStore store = new ImageStore(root);
        build(store, "tiny", "tiny", "12345");
        build(store, "alpine", "generic", "1234567890");
        Files.createDirectories(root.resolve("half-built"));
        Files.createDirectories(root.resolve("Bad"));
        manifest("Bad", "tiny").write(root.resolve("Bad"));
        store.stage("tiny");

        List<ImageStore.Entry> images = store.list();

        assertThat(images).extracting(ImageStore.Entry::name).containsExactly("alpine", "tiny");
        assertThat(images).extracting(ImageStore.Entry::kind).containsExactly("generic", "tiny");
        assertThat(images).extracting(ImageStore.Entry::arch).containsExactly(Arch.X86_64, Arch.X86_64);
        ImageStore.Entry tiny = images.get(1);
        assertThat(tiny.path()).isEqualTo(root.resolve("tiny"));
        assertThat(tiny.sizeBytes()).isEqualTo(5 + Files.size(root.resolve("tiny/image.json")));
    }

    @Test
    void list_withoutAStore_isEmpty() {
        assertThat(new ImageStore(root.resolve("absent")).list()).isEmpty();
    }

    @Test
    void require_missingImage_saysHowToBuildIt() {
        ImageStore store = new ImageStore(root);
        assertThatThrownBy(() -> store.require("ghost"))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("'ghost'")
                .hasMessageContaining("./netloom images build ghost")
                .hasMessageContaining(root.toString());
        assertThat(store.find("ghost")).isEmpty();
    }

    @Test
    void root_isAbsoluteAndNormalised() {
        ImageStore store = new ImageStore(Path.of("a/../images"));
        assertThat(store.root()).isEqualTo(Path.of("images").toAbsolutePath());
    }
}

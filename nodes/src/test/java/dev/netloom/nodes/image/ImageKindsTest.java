package dev.netloom.nodes.image;

import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.NodePaths;
import dev.netloom.nodes.NodeSpec;
import dev.netloom.nodes.qemu.Accel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The registry of image kinds: names on disk, lookups, duplicates, and what each kind adds at launch. */
class ImageKindsTest {

    @TempDir
    Path dir;

    @Test
    void registry_holdsEveryKindUnderItsManifestName() {
        assertThat(ImageKinds.registry().names()).containsExactly("tiny", "debian", "generic", "openwrt", "cloud");
        for (String name : ImageKinds.registry().names()) {
            assertThat(ImageKinds.of(name).name()).isEqualTo(name);
        }
        assertThat(ImageKinds.importableNames()).containsExactly("generic", "openwrt", "cloud");
    }

    @Test
    void registeringAKindTwice_isAnError() {
        assertThatThrownBy(() -> new ImageKinds(List.of(new GenericKind(), new CloudKind(), new GenericKind())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("image kind 'generic' is registered twice");
    }

    @Test
    void unknownKind_errorListsTheKnownKinds() {
        assertThatThrownBy(() -> ImageKinds.of("vyos"))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("unknown image kind 'vyos'")
                .hasMessageContaining("tiny, debian, generic, openwrt, cloud");
    }

    @Test
    void importingABuiltKind_isRefusedListingTheImportableKinds() {
        assertThatThrownBy(() -> ImageKinds.forImport("tiny"))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("unknown image kind 'tiny': netloom imports generic, openwrt, cloud");
    }

    @Test
    void forBoot_unknownOrMissingKind_bootsLikeAGenericImage() {
        assertThat(ImageKinds.forBoot("handmade").name()).isEqualTo("generic");
        assertThat(ImageKinds.forBoot(null).name()).isEqualTo("generic");
        assertThat(ImageKinds.forBoot("cloud").name()).isEqualTo("cloud");
    }

    @Test
    void onlyTheCloudKind_addsFilesAtLaunch() {
        for (ImageKind k : ImageKinds.registry().all()) {
            NodePaths paths = new NodePaths(dir);
            assertThat(k.launchFiles(paths)).as(k.name()).isEqualTo(k.name().equals("cloud") ? List.of(paths.seedIso()) : List.of());
        }
    }

    @Test
    void prepareLaunch_nonCloudKind_leavesTheSpecAlone() {
        NodeSpec spec = NodeSpec.of("n1", manifest("generic"), dir, Accel.TCG);
        assertThat(ImageKinds.forBoot("generic").prepareLaunch(spec, new NodePaths(dir))).isSameAs(spec);
        assertThat(ImageKinds.forBoot("tiny").prepareLaunch(spec, new NodePaths(dir))).isSameAs(spec);
    }

    @Test
    void prepareLaunch_cloudSpecWithItsOwnSeed_keepsIt() {
        NodeSpec spec = NodeSpec.of("n1", manifest("cloud"), dir, Accel.TCG).withSeed(dir.resolve("mine.iso"));
        assertThat(ImageKinds.forBoot("cloud").prepareLaunch(spec, new NodePaths(dir))).isSameAs(spec);
    }

    @Test
    void importDefaults_comeFromTheKind() {
        assertThat(ImageKinds.of("openwrt").defaults().memoryMiB()).isEqualTo(128);
        assertThat(ImageKinds.of("cloud").defaults().memoryMiB()).isEqualTo(512);
        assertThat(ImageKinds.of("generic").defaults().bootPattern()).isNull();
        assertThat(ImageKinds.of("openwrt").defaultImageName(Path.of("openwrt-23.05.5-x86-64-generic-ext4-combined.img.gz")))
                .isEqualTo("openwrt");
    }

    private static ImageManifest manifest(String kind) {
        return new ImageManifest("img", kind, "vmlinuz", null, null, null, "console=ttyS0", 96,
                "up", null, null, null, null, "# $", List.of(), null);
    }
}

package dev.netloom.nodes.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The size and inode arithmetic of the Debian root disk (no processes). */
class DebianDiskImageTest {

    private static final long MIB = 1024 * 1024;

    @Test
    void layout_addsTenPercentInodeTablesOverheadAndTheExtraSpace() {
        // 100000 blocks (about 390 MiB) in 20000 entries, 256 MiB extra
        DiskImage.Layout l = DiskImage.layout(new DiskImage.Usage(100_000, 20_000), 256 * MIB);

        long inodes = 20_000 + 16_384 + (256 * MIB) / 65_536;
        long bytes = 100_000 * 4096L + 10_000 * 4096L + inodes * 256 + 64 * MIB + 256 * MIB;
        assertThat(l.inodes()).isEqualTo(inodes);
        assertThat(l.sizeBytes()).isEqualTo((bytes + MIB - 1) / MIB * MIB);
        assertThat(l.sizeBytes() % MIB).isZero();
    }

    @Test
    void layout_manyFiles_getHalfAgainAsManySpareInodes() {
        DiskImage.Layout l = DiskImage.layout(new DiskImage.Usage(10, 100_000), 0);

        assertThat(l.inodes()).isEqualTo(150_000);
    }

    @Test
    void layout_moreExtraSpace_makesALargerDisk() {
        DiskImage.Usage u = new DiskImage.Usage(50_000, 10_000);

        assertThat(DiskImage.layout(u, 1024 * MIB).sizeBytes() - DiskImage.layout(u, 0).sizeBytes())
                .isBetween(1024 * MIB, 1030 * MIB);
        assertThatThrownBy(() -> DiskImage.layout(u, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void measure_countsBlocksPerFileAndOneInodePerEntry(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("small"), new byte[10]);          // 1 block
        Files.write(dir.resolve("big"), new byte[4096 * 3 + 1]);  // 4 blocks
        Files.createDirectories(dir.resolve("sub"));               // 1 block
        Files.createSymbolicLink(dir.resolve("link"), Path.of("small")); // fast symlink: no block

        DiskImage.Usage u = DiskImage.measure(dir);

        assertThat(u.entries()).isEqualTo(5); // dir itself, sub, small, big, link
        assertThat(u.blocks()).isEqualTo(1 + 1 + 1 + 4);
    }
}

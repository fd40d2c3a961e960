package dev.netloom.nodes.image;

import dev.netloom.nodes.NodePaths;
import dev.netloom.nodes.host.Proc;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The seed as cloud-init finds it: an ISO 9660 volume labelled cidata holding the three files. */
@Tag("e2e")
class NoCloudSeedE2ETest {

    @Test
    void writeIso_givesACidataVolumeWithTheSeedFiles(@TempDir Path dir) throws IOException {
        NoCloudSeed seed = NoCloudSeed.forNode("r1", "42", null, List.of("52:54:00:00:01:00"));
        Path iso = seed.writeIso(new NodePaths(dir).seedIso());

        assertThat(volumeId(iso)).isEqualTo("cidata");
        assertThat(dir.resolve("seed.iso.d")).doesNotExist();
        assumeTrue(Proc.onPath("isoinfo"), "isoinfo (genisoimage) reads the files back");
        assertThat(read(iso, "/meta-data")).isEqualTo(seed.metaData());
        assertThat(read(iso, "/user-data")).isEqualTo(seed.userData());
        assertThat(read(iso, "/network-config")).isEqualTo(seed.networkConfig());
    }

    /** The volume identifier: 32 bytes at offset 40 of the primary volume descriptor (sector 16). */
    private static String volumeId(Path iso) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(iso.toFile(), "r")) {
            byte[] pvd = new byte[72];
            f.seek(16 * 2048);
            f.readFully(pvd);
            assertThat(new String(pvd, 1, 5, StandardCharsets.US_ASCII)).isEqualTo("CD001");
            return new String(pvd, 40, 32, StandardCharsets.US_ASCII).strip();
        }
    }

    private static String read(Path iso, String file) {
        return Proc.run(List.of("isoinfo", "-R", "-i", iso.toString(), "-x", file), Duration.ofSeconds(30)).orThrow().stdout();
    }
}

package dev.netloom.lab;

import dev.netloom.nodes.host.Ksm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** When netloom turns KSM on and puts it back: on a scratch copy of /sys/kernel/mm/ksm. */
class MemoryMergingTest {

    private final List<String> said = new ArrayList<>();
    private final AtomicBoolean labsRunning = new AtomicBoolean();

    private static Ksm ksm(Path dir, int run, int pagesToScan) throws IOException {
        Files.createDirectories(dir);
        for (String[] f : new String[][]{{"run", "" + run}, {"pages_to_scan", "" + pagesToScan}, {"sleep_millisecs", "20"},
                {"pages_shared", "0"}, {"pages_sharing", "0"}, {"full_scans", "0"}}) {
            Files.writeString(dir.resolve(f[0]), f[1] + "\n");
        }
        return new Ksm(dir, dir.resolve("proc"));
    }

    private MemoryMerging merging(Ksm ksm, Path run, boolean root) {
        return new MemoryMerging(ksm, run.resolve("labs/.ksm.json"), root, labsRunning::get);
    }

    @Test
    void decide_followsTheWishTheKernelAndRoot(@TempDir Path dir) throws IOException {
        Ksm off = ksm(dir.resolve("off"), 0, 100);
        Ksm on = ksm(dir.resolve("on"), 1, 100);
        assertThat(merging(off, dir, true).decide(true)).isEqualTo(MemoryMerging.Mode.ON);
        assertThat(merging(off, dir, false).decide(true)).isEqualTo(MemoryMerging.Mode.UNAVAILABLE);
        assertThat(merging(on, dir, false).decide(true)).isEqualTo(MemoryMerging.Mode.ON);
        assertThat(merging(on, dir, true).decide(false)).isEqualTo(MemoryMerging.Mode.OFF);
        assertThat(merging(new Ksm(dir.resolve("none"), dir), dir, true).decide(true)).isEqualTo(MemoryMerging.Mode.UNAVAILABLE);
    }

    @Test
    void start_whenKsmIsOff_turnsItOnAtNetloomsRate_andTheLastLabPutsTheOldSettingsBack(@TempDir Path dir) throws IOException {
        Ksm ksm = ksm(dir.resolve("ksm"), 0, 100);
        MemoryMerging m = merging(ksm, dir, true);

        assertThat(m.start(true, said::add)).isEqualTo(MemoryMerging.Mode.ON);
        assertThat(ksm.settings()).contains(new Ksm.Settings(1, MemoryMerging.PAGES_TO_SCAN, MemoryMerging.SLEEP_MILLIS, Ksm.KSMD_NICE)); // no ksmd here to renice
        Path marker = dir.resolve("labs/.ksm.json");
        assertThat(marker).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(marker))).isEqualTo("rw-------");
        assertThat(m.describe()).startsWith("on (1000 pages every 20 ms, ksmd at nice 5, turned on by netloom)");

        labsRunning.set(true); // another lab still runs: KSM stays on
        m.releaseIfLast(said::add);
        assertThat(ksm.settings().orElseThrow().running()).isTrue();

        labsRunning.set(false);
        m.releaseIfLast(said::add);
        assertThat(ksm.settings()).contains(new Ksm.Settings(0, 100, 20, Ksm.KSMD_NICE));
        assertThat(marker).doesNotExist();
        assertThat(said).anyMatch(l -> l.startsWith("KSM turned on")).anyMatch(l -> l.startsWith("KSM settings put back (run 0, 100 pages every 20 ms, ksmd at nice 5)"));
    }

    @Test
    void start_whenSomeoneElseRunsKsm_leavesItAlone_andNothingIsPutBack(@TempDir Path dir) throws IOException {
        Ksm ksm = ksm(dir.resolve("ksm"), 1, 300);
        MemoryMerging m = merging(ksm, dir, true);

        assertThat(m.start(true, said::add)).isEqualTo(MemoryMerging.Mode.ON);
        m.releaseIfLast(said::add);

        assertThat(ksm.settings()).contains(new Ksm.Settings(1, 300, 20, Ksm.KSMD_NICE));
        assertThat(dir.resolve("labs/.ksm.json")).doesNotExist();
        assertThat(said).isEmpty();
        assertThat(m.describe()).startsWith("on (300 pages every 20 ms, ksmd at nice 5): 0 MiB merged now");
    }

    @Test
    void start_forALabThatSaysNo_touchesNothing(@TempDir Path dir) throws IOException {
        Ksm ksm = ksm(dir.resolve("ksm"), 0, 100);
        assertThat(merging(ksm, dir, true).start(false, said::add)).isEqualTo(MemoryMerging.Mode.OFF);
        assertThat(ksm.settings()).contains(new Ksm.Settings(0, 100, 20, Ksm.KSMD_NICE));
        assertThat(dir.resolve("labs/.ksm.json")).doesNotExist();
    }

    @Test
    void start_whenKsmCannotBeWritten_leavesTheLabUnmergedAndNoMarker(@TempDir Path dir) throws IOException {
        Path readOnly = Path.of("/sys/kernel/mm/ksm/full_scans"); // a number anyone may read and nobody may write
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(readOnly), "needs a kernel with KSM");
        Ksm ksm = ksm(dir.resolve("ksm"), 0, 100);
        Files.delete(dir.resolve("ksm/pages_to_scan"));
        Files.createSymbolicLink(dir.resolve("ksm/pages_to_scan"), readOnly);

        assertThat(merging(ksm, dir, true).start(true, said::add)).isEqualTo(MemoryMerging.Mode.UNAVAILABLE);
        assertThat(ksm.settings().orElseThrow().running()).isFalse();
        assertThat(dir.resolve("labs/.ksm.json")).doesNotExist();
        assertThat(said).anyMatch(l -> l.startsWith("KSM could not be turned on"));
    }

    @Test
    void describe_withoutKsmOrRoot_saysWhatNodesHold(@TempDir Path dir) throws IOException {
        assertThat(merging(new Ksm(dir.resolve("none"), dir), dir, true).describe()).startsWith("not available");
        assertThat(merging(ksm(dir.resolve("ksm"), 0, 100), dir, false).describe()).startsWith("off, and only root can turn it on");
        assertThat(merging(ksm(dir.resolve("ksm2"), 0, 100), dir, true).describe()).startsWith("off; netloom turns it on for labs");
    }
}

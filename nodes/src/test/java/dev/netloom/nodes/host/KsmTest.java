package dev.netloom.nodes.host;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** KSM's files, read and written in a scratch copy of /sys/kernel/mm/ksm and /proc. */
class KsmTest {

    static Path fakeKsm(Path dir, int run, int pagesToScan) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("run"), run + "\n");
        Files.writeString(dir.resolve("pages_to_scan"), pagesToScan + "\n");
        Files.writeString(dir.resolve("sleep_millisecs"), "20\n");
        Files.writeString(dir.resolve("pages_shared"), "1000\n");
        Files.writeString(dir.resolve("pages_sharing"), "25600\n");
        Files.writeString(dir.resolve("full_scans"), "7\n");
        return dir;
    }

    @Test
    void settingsAndCounters_areReadFromItsFiles() throws IOException {
        Ksm ksm = new Ksm(fakeKsm(Files.createTempDirectory("ksm"), 1, 1000), Path.of("/nonexistent"));
        assertThat(ksm.available()).isTrue();
        assertThat(ksm.settings()).contains(new Ksm.Settings(1, 1000, 20, Ksm.KSMD_NICE));
        assertThat(ksm.settings().orElseThrow().pagesPerSecond()).isEqualTo(50_000);
        assertThat(ksm.counters()).contains(new Ksm.Counters(1000, 25600, 0, 7));
        assertThat(ksm.counters().orElseThrow().savedMiB()).isEqualTo(100);
    }

    @Test
    void write_changesTheRateAndTheRunFlag(@TempDir Path dir) throws IOException {
        Ksm ksm = new Ksm(fakeKsm(dir.resolve("ksm"), 0, 100), dir);
        ksm.write(new Ksm.Settings(1, 1000, 20, 0));
        assertThat(ksm.settings()).contains(new Ksm.Settings(1, 1000, 20, Ksm.KSMD_NICE)); // no ksmd in this /proc: nothing reniced
        assertThat(Files.readString(dir.resolve("ksm/run"))).isEqualTo("1");
    }

    @Test
    void aKernelWithoutKsm_hasNoSettings(@TempDir Path dir) {
        Ksm ksm = new Ksm(dir.resolve("missing"), dir);
        assertThat(ksm.available()).isFalse();
        assertThat(ksm.settings()).isEmpty();
        assertThat(ksm.counters()).isEmpty();
    }

    @Test
    void ksmdCpuNanos_findsTheThreadByItsNameAndAddsUserAndSystemTime(@TempDir Path proc) throws IOException {
        Files.createDirectories(proc.resolve("12"));
        Files.writeString(proc.resolve("12/comm"), "kworker/0:1\n");
        Files.writeString(proc.resolve("12/stat"), "12 (kworker/0:1) I 2 0 0 0 -1 0 0 0 0 0 5 5 0 0 20 0 1 0 10 0 0\n");
        Files.createDirectories(proc.resolve("48"));
        Files.writeString(proc.resolve("48/comm"), "ksmd\n");
        Files.writeString(proc.resolve("48/stat"), "48 (ksmd) S 2 0 0 0 -1 2129984 0 0 0 0 150 350 0 0 25 5 1 0 54 0 0\n");
        Ksm ksm = new Ksm(proc.resolve("ksm"), proc);
        assertThat(ksm.ksmdCpuNanos()).contains(5_000_000_000L);
        assertThat(ksm.ksmdNice()).contains(5);
        assertThat(ksm.ksmdPid()).contains(48L);
    }

    @Test
    void cpuTicks_countsFieldsAfterTheCommandName_evenWithSpacesInIt() {
        assertThat(Ksm.cpuTicks("7 (a b) c) S 1 2 3 4 5 6 7 8 9 10 22 33 0 0")).isEqualTo(55);
    }
}

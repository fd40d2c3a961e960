package dev.netloom.nodes.host;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class RunQueueWaitTest {

    @Test
    void runDelay_isTheSecondField() {
        assertThat(RunQueueWait.runDelay("1063597 1447049 2\n")).isEqualTo(1447049);
        assertThat(RunQueueWait.runDelay("")).isZero();
        assertThat(RunQueueWait.runDelay("12 x 3")).isZero();
    }

    @Test
    void nanos_sumsEveryThread(@TempDir Path tasks) throws Exception {
        Files.createDirectories(tasks.resolve("100"));
        Files.createDirectories(tasks.resolve("101"));
        Files.writeString(tasks.resolve("100/schedstat"), "5 1000 1\n");
        Files.writeString(tasks.resolve("101/schedstat"), "7 2500 3\n");
        assertThat(RunQueueWait.nanos(tasks)).isEqualTo(3500);
    }

    @Test
    void nanos_ofAQemu_isItsVcpusAverage(@TempDir Path tasks) throws Exception {
        for (String[] t : new String[][]{{"200", "qemu-system-x86", "9 50000 1"}, {"201", "CPU 0/TCG", "9 3000 1"}, {"202", "CPU 1/TCG", "9 1000 1"}}) {
            Files.createDirectories(tasks.resolve(t[0]));
            Files.writeString(tasks.resolve(t[0] + "/comm"), t[1] + "\n");
            Files.writeString(tasks.resolve(t[0] + "/schedstat"), t[2] + "\n");
        }
        assertThat(RunQueueWait.nanos(tasks)).isEqualTo(2000);
    }

    @Test
    void nanos_ofAProcessThatIsGone_isZero(@TempDir Path dir) {
        assertThat(RunQueueWait.nanos(dir.resolve("missing"))).isZero();
    }

    @Test
    void nanos_ofThisProcess_isNotNegative() {
        assertThat(RunQueueWait.nanos(ProcessHandle.current().pid())).isNotNegative();
    }
}

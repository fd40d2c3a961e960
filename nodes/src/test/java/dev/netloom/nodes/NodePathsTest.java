package dev.netloom.nodes;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NodePathsTest {

    /** An absolute directory whose console socket path is exactly {@code length} characters. */
    private static Path dirWithSocketPathOf(int length) {
        int dirLength = length - "/console.sock".length();
        return Path.of("/" + "d".repeat(dirLength - 1));
    }

    @Test
    void files_allLiveInTheRunDirectory() {
        NodePaths paths = new NodePaths(Path.of("/run/nl/lab1/r1"));
        assertThat(paths.consoleSocket()).isEqualTo(Path.of("/run/nl/lab1/r1/console.sock"));
        assertThat(paths.qmpSocket()).isEqualTo(Path.of("/run/nl/lab1/r1/qmp.sock"));
        assertThat(paths.pidfile()).isEqualTo(Path.of("/run/nl/lab1/r1/qemu.pid"));
        assertThat(paths.qemuLog()).isEqualTo(Path.of("/run/nl/lab1/r1/qemu.log"));
        assertThat(paths.transcript()).isEqualTo(Path.of("/run/nl/lab1/r1/console.log"));
        assertThat(paths.overlay()).isEqualTo(Path.of("/run/nl/lab1/r1/overlay.qcow2"));
    }

    @Test
    void new_relativeDirectory_isMadeAbsoluteAndNormalised() {
        NodePaths paths = new NodePaths(Path.of("runs/x/../r1"));
        assertThat(paths.dir()).isAbsolute().isEqualTo(Path.of("runs/r1").toAbsolutePath());
    }

    @Test
    void new_socketPathAtTheLimit_isAccepted() {
        NodePaths paths = new NodePaths(dirWithSocketPathOf(107));
        assertThat(paths.consoleSocket().toString()).hasSize(107);
    }

    @Test
    void new_socketPathOverTheLimit_failsWithTheLength() {
        Path dir = dirWithSocketPathOf(108);
        assertThatThrownBy(() -> new NodePaths(dir))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("108 > 107")
                .hasMessageContaining(dir.toString())
                .hasMessageContaining("shorter run directory");
    }
}

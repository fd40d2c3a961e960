package dev.netloom.nodes;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** What a failure message carries: the QEMU log's tail (and the console's, tested with the console session). */
class NodeDiagnosticsTest {

    @TempDir
    Path dir;

    @Test
    void of_withoutConsole_hasTheLastTenLinesOfTheQemuLog() throws IOException {
        NodePaths paths = new NodePaths(dir);
        Files.writeString(paths.qemuLog(), IntStream.rangeClosed(1, 15).mapToObj(i -> "line " + i).collect(Collectors.joining("\n")) + "\n");
        String text = NodeDiagnostics.of(paths, null);
        assertThat(text).startsWith("\n--- QEMU log (" + paths.qemuLog() + "), last lines:\nline 6\n");
        assertThat(text).endsWith("line 15").doesNotContain("line 5\n").doesNotContain("--- console");
    }

    @Test
    void tail_ofAMissingLog_saysItIsUnreadable() {
        assertThat(NodeDiagnostics.tail(dir.resolve("qemu.log"), 10)).startsWith("(unreadable: ");
    }

    @Test
    void firstLine_ofAMultiLineMessage() {
        assertThat(NodeDiagnostics.firstLine("boot stalled\n--- console")).isEqualTo("boot stalled");
        assertThat(NodeDiagnostics.firstLine("one")).isEqualTo("one");
        assertThat(NodeDiagnostics.firstLine(null)).isEqualTo("null");
    }
}

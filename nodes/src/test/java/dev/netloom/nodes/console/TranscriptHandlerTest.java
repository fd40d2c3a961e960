package dev.netloom.nodes.console;

import dev.netloom.nodes.RunDirs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class TranscriptHandlerTest {

    @TempDir
    Path dir;

    private static byte[] chunk(char c, int size) {
        return String.valueOf(c).repeat(size).getBytes();
    }

    @Test
    void transcript_atItsCap_becomesDotOneAndANewOneStarts_soAtMostTwiceTheCapStays() throws Exception {
        Path transcript = dir.resolve("console.log");
        ConsoleFixture node = new ConsoleFixture(transcript, 10_000);
        for (char c : "abcdefgh".toCharArray()) {
            node.receive(chunk(c, 3000)); // 24 000 bytes in all, through a 10 000-byte cap
        }
        node.console.close();
        node.runTasks();

        Path previous = dir.resolve("console.log.1");
        assertThat(Files.readString(previous)).isEqualTo("def".chars().mapToObj(c -> String.valueOf((char) c).repeat(3000)).reduce("", String::concat));
        assertThat(Files.readString(transcript)).isEqualTo("g".repeat(3000) + "h".repeat(3000));
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("console.log", "console.log.1");
        }
        assertThat(Files.size(transcript) + Files.size(previous)).isLessThanOrEqualTo(2 * 10_000);
    }

    @Test
    void transcript_isCreatedOwnerOnly() throws Exception {
        Path transcript = dir.resolve("console.log");
        ConsoleFixture node = new ConsoleFixture(transcript, 4096);
        node.receive("hello");
        node.receive(chunk('x', 5000)); // rotates: the new file is private too
        node.console.close();
        node.runTasks();
        assertThat(Files.getPosixFilePermissions(transcript)).isEqualTo(RunDirs.FILE_MODE);
        assertThat(Files.getPosixFilePermissions(dir.resolve("console.log.1"))).isEqualTo(RunDirs.FILE_MODE);
    }

    @Test
    void transcript_whenAlreadyOverTheCapAtConnect_rotatesBeforeAppending() throws Exception {
        Path transcript = dir.resolve("console.log");
        Files.write(transcript, chunk('o', 5000));
        ConsoleFixture node = new ConsoleFixture(transcript, 4096);
        node.receive("new");
        node.console.close();
        node.runTasks();
        assertThat(Files.readString(transcript)).isEqualTo("new");
        assertThat(Files.size(dir.resolve("console.log.1"))).isEqualTo(5000);
    }
}

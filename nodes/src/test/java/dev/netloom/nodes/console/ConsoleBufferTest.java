package dev.netloom.nodes.console;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConsoleBufferTest {

    private final ConsoleBuffer buffer = new ConsoleBuffer(16 * 1024);

    private void append(String s) {
        buffer.append(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void expect_whenPromptSplitAcrossBuffers_matches() {
        CompletableFuture<ConsoleMatch> prompt = buffer.expect(Pattern.compile("n1:/root# "));
        append("booting\r\nn1:/ro");
        assertThat(prompt).isNotDone();
        append("ot# ");
        assertThat(prompt).isCompleted();
        ConsoleMatch match = prompt.join();
        assertThat(match.text()).isEqualTo("n1:/root# ");
        assertThat(match.start()).isEqualTo(9);
        assertThat(match.end()).isEqualTo(19);
    }

    @Test
    void expect_whenPatternArrivesOneByteAtATime_matches() {
        CompletableFuture<ConsoleMatch> marker = buffer.expect(Pattern.compile("boot complete on (\\w+)\\n"));
        for (char c : "noise\nboot complete on n7\nmore".toCharArray()) {
            append(String.valueOf(c));
        }
        assertThat(marker.join().group(1)).isEqualTo("n7");
        assertThat(marker.join().end()).isEqualTo(26);
    }

    @Test
    void expect_seesOnlyBytesAfterTheCall() {
        append("login: ");
        CompletableFuture<ConsoleMatch> login = buffer.expect(Pattern.compile("login: "));
        assertThat(login).isNotDone();
        append("\r\nlogin: ");
        assertThat(login.join().start()).isEqualTo(9);
    }

    @Test
    void expect_fromEarlierOffset_matchesTextAlreadyReceived() {
        append("abc marker def");
        assertThat(buffer.expect(Pattern.compile("marker"), 0).join().start()).isEqualTo(4);
        assertThat(buffer.expect(Pattern.compile("marker"), 5)).isNotDone();
    }

    @Test
    void expect_whenNonUtf8BytesPrecedeMarker_matches() {
        CompletableFuture<ConsoleMatch> marker = buffer.expect(Pattern.compile("READY"));
        buffer.append(new byte[] {(byte) 0xff, (byte) 0xfe, (byte) 0xc3, 0x28, (byte) 0x80});
        append("READY");
        assertThat(marker.join().start()).isEqualTo(5);
    }

    @Test
    void expect_whenLongMatchSpansChunks_matchesWithinOverlap() {
        CompletableFuture<ConsoleMatch> m = buffer.expect(Pattern.compile("start[a-z]*end"));
        append("start" + "x".repeat(3000));
        append("y".repeat(1000) + "end");
        assertThat(m.join().text()).hasSize(4008);
    }

    @Test
    void expect_whenMatchIsLongerThanOverlap_missesIt_asDocumented() {
        CompletableFuture<ConsoleMatch> m = buffer.expect(Pattern.compile("start[a-z]*end"));
        append("start" + "x".repeat(ConsoleBuffer.OVERLAP + 100));
        append("end");
        assertThat(m).isNotDone();
    }

    @Test
    void expect_whenMuchOutputArrives_keepsWorkingPastCapacity() {
        CompletableFuture<ConsoleMatch> m = buffer.expect(Pattern.compile("DONE (\\d+)"));
        for (int i = 0; i < 100; i++) {
            append("line " + i + " " + "z".repeat(1000) + "\n");
        }
        append("DONE 42");
        assertThat(m.join().group(1)).isEqualTo("42");
        assertThat(buffer.startOffset()).isGreaterThan(0);
        assertThat(buffer.offset() - buffer.startOffset()).isGreaterThanOrEqualTo(16 * 1024);
    }

    @Test
    void append_whenOneChunkExceedsCapacity_keepsItsTailAndCountsEveryByte() {
        CompletableFuture<ConsoleMatch> m = buffer.expect(Pattern.compile("TAIL"));
        buffer.append(("HEAD" + "q".repeat(20_000) + "TAIL").getBytes(StandardCharsets.ISO_8859_1));
        assertThat(m.join().start()).isEqualTo(20_004);
        assertThat(buffer.offset()).isEqualTo(20_008);
        assertThat(buffer.expect(Pattern.compile("HEAD"), 0)).isNotDone();
    }

    @Test
    void expect_caretAnchor_doesNotMatchMidLineAtScanStart() {
        append("abc ");
        CompletableFuture<ConsoleMatch> m = buffer.expect(Pattern.compile("(?m)^# "));
        append("# no\n# yes");
        assertThat(m.join().start()).isEqualTo(9);
    }

    @Test
    void close_failsPendingExpectationsWithLastLines() {
        CompletableFuture<ConsoleMatch> m = buffer.expect(Pattern.compile("never"));
        append("kernel panic\r\nend trace\r\n");
        buffer.close("closed");
        assertThatThrownBy(m::join).hasMessageContaining("console closed before /never/ matched")
                .hasMessageContaining("kernel panic\nend trace");
        assertThat(buffer.expect(Pattern.compile("x"))).isCompletedExceptionally();
    }

    @Test
    void expect_whenCancelled_isDroppedOnNextAppend() {
        CompletableFuture<ConsoleMatch> m = buffer.expect(Pattern.compile("x"));
        m.cancel(false);
        append("x");
        assertThat(m).isCancelled();
    }

    @Test
    void lastLines_makesControlCharactersPrintable() {
        append("one\r\n\u001b[1mtwo\u0007\r\nthree");
        assertThat(buffer.lastLines(2)).isEqualTo("^[[1mtwo^G\nthree");
        assertThat(buffer.lastLines(10)).isEqualTo("one\n^[[1mtwo^G\nthree");
    }
}

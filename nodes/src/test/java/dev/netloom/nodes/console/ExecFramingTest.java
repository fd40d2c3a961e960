package dev.netloom.nodes.console;

import dev.netloom.nodes.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExecFramingTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** What the framing function prints on a tty (onlcr) for the command of {@code id}. */
    private static String framed(String id, String output, int exit) {
        return "@S" + id + "\r\n" + output.replace("\n", "\r\n") + "@E" + id + " " + exit + "\r\n";
    }

    @Test
    void line_typesTheFunctionsVariableTheIdAndTheQuotedCommand() {
        assertThat(new ExecFraming("ab.7").line("echo it's")).isEqualTo("$_n ab.7 'echo it'\\''s'\n");
        assertThat(new ExecFraming("k7q.0").line("cd /tmp")).isEqualTo("$_n k7q.0 'cd /tmp'\n");
    }

    @Test
    void line_whenTheCommandCannotChangeTheShell_typesTheInShellFunctionsVariable() {
        assertThat(new ExecFraming("k7q.0").line("true")).isEqualTo("$_m k7q.0 'true'\n");
        assertThat(new ExecFraming("k7q.1").line("ip link set dev eth0 up")).isEqualTo("$_m k7q.1 'ip link set dev eth0 up'\n");
    }

    @Test
    void lines_neverContainTheMarkersOrTheMissingFunctionSignLiterally() {
        ExecFraming f = new ExecFraming("ab.7");
        for (String line : new String[] {f.line("echo it's"), f.installingLine("stty -echo; ", "echo it's")}) {
            assertThat(line).doesNotContain("@Sab.7").doesNotContain("@Eab.7").doesNotContain("ab.7: ");
        }
    }

    @Test
    void installingLine_definesTheFunctionThenCallsItByName() {
        String line = new ExecFraming("ab.7").installingLine("stty -echo; ", "true");
        assertThat(line).isEqualTo("stty -echo; " + ExecFraming.INSTALL + ";_nl ab.7 'true'\n");
        assertThat(ExecFraming.INSTALL).startsWith("_nl(){ ").endsWith(";_n=_nl _m=_nm")
                .contains("(eval \"set --;$2\")</dev/null").contains("_nm(){ ").contains(";eval \"$2\"</dev/null;")
                .doesNotContain("!").doesNotContain("\n");
    }

    @Test
    void feed_whenTheShellCannotFindTheId_reportsTheFunctionMissing() {
        for (String error : new String[] {"-sh: m.1: not found", "sh: 1: m.1: not found", "-bash: m.1: command not found"}) {
            ExecFraming f = new ExecFraming("m.1");
            assertThat(f.feed(bytes("$_n m.1 'true'\r\n" + error + "\r\n~ # "))).as(error).isTrue();
            assertThat(f.functionMissing()).isTrue();
            assertThat(f.isDone()).isFalse();
            assertThat(f.started()).isFalse();
            assertThatThrownBy(f::exitCode).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void feed_whenAnotherIdIsNotFound_keepsWaiting() {
        ExecFraming f = new ExecFraming("m.1");
        assertThat(f.feed(bytes("-sh: m.12: not found\r\n-sh: xm.1x: not found\r\n"))).isFalse();
        assertThat(f.feed(bytes(framed("m.1", "ok\n", 0)))).isTrue();
        assertThat(f.functionMissing()).isFalse();
        assertThat(f.output()).isEqualTo("ok\n");
    }

    @Test
    void feed_whenTheOutputSaysTheIdIsNotFound_keepsItAsOutput() {
        ExecFraming f = new ExecFraming("m.2");
        assertThat(f.feed(bytes(framed("m.2", "sh: m.2: not found\n", 127)))).isTrue();
        assertThat(f.functionMissing()).isFalse();
        assertThat(f.output()).isEqualTo("sh: m.2: not found\n");
        assertThat(f.exitCode()).isEqualTo(127);
    }

    @Test
    void feed_whenTheMissingSignIsSplitAtEveryPosition_findsItTheSame() {
        byte[] all = bytes("n1:/root# -sh: m.3: not found\r\nn1:/root# ");
        for (int split = 0; split <= all.length; split++) {
            ExecFraming f = new ExecFraming("m.3");
            f.feed(Arrays.copyOfRange(all, 0, split));
            f.feed(Arrays.copyOfRange(all, split, all.length));
            assertThat(f.functionMissing()).as("split at %d", split).isTrue();
        }
    }

    @Test
    void feed_whenEchoedLineAndPromptsPrecedeOutput_ignoresThem() {
        ExecFraming f = new ExecFraming("x.1");
        String echo = f.line("uname").replace("\n", "\r\n");
        assertThat(f.feed(bytes(echo + "nl# " + framed("x.1", "Linux\n", 0) + "nl# "))).isTrue();
        assertThat(f.output()).isEqualTo("Linux\n");
        assertThat(f.exitCode()).isZero();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 127, 255})
    void feed_readsExitCode(int code) {
        ExecFraming f = new ExecFraming("x.2");
        assertThat(f.feed(bytes(framed("x.2", "out\n", code)))).isTrue();
        assertThat(f.exitCode()).isEqualTo(code);
    }

    @Test
    void feed_whenOutputHasNoTrailingNewline_keepsItByteExact() {
        ExecFraming f = new ExecFraming("x.3");
        f.feed(bytes(framed("x.3", "no newline", 0)));
        assertThat(f.output()).isEqualTo("no newline");
    }

    @Test
    void feed_whenOutputIsEmpty_returnsEmpty() {
        ExecFraming f = new ExecFraming("x.4");
        f.feed(bytes(framed("x.4", "", 0)));
        assertThat(f.output()).isEmpty();
    }

    @Test
    void feed_whenOutputEndsWithALoneCrOrTheMarkersPrefix_keepsItByteExact() {
        ExecFraming f = new ExecFraming("x.6");
        f.feed(bytes(framed("x.6", "50%\r100%\r", 0)));
        assertThat(f.output()).isEqualTo("50%\r100%\r");
        ExecFraming g = new ExecFraming("x.7");
        g.feed(bytes(framed("x.7", "@E@Ex.@", 4)));
        assertThat(g.output()).isEqualTo("@E@Ex.@");
        assertThat(g.exitCode()).isEqualTo(4);
    }

    @Test
    void feed_whenOutputEndsWithBlankLines_keepsThem() {
        ExecFraming f = new ExecFraming("x.5");
        f.feed(bytes(framed("x.5", "a\n\n", 0)));
        assertThat(f.output()).isEqualTo("a\n\n");
    }

    @Test
    void feed_whenMarkersSplitAtEveryPosition_parsesTheSame() {
        String stream = "@Sx.8\r\nold\r\nnl# @Ex.8 0\r\n@Sx.91\r\n@Sx.9x\r\n" + framed("x.9", "hello\nworld", 3) + "nl# ";
        byte[] all = bytes(stream);
        for (int split = 0; split <= all.length; split++) {
            ExecFraming f = new ExecFraming("x.9");
            boolean done = f.feed(Arrays.copyOfRange(all, 0, split));
            done |= f.feed(Arrays.copyOfRange(all, split, all.length));
            assertThat(done).as("split at %d", split).isTrue();
            assertThat(f.output()).as("split at %d", split).isEqualTo("hello\nworld");
            assertThat(f.exitCode()).isEqualTo(3);
        }
    }

    @Test
    void feed_whenFedOneByteAtATime_parses() {
        ExecFraming f = new ExecFraming("x.10");
        byte[] all = bytes(framed("x.10", "one\ntwo\n", 1));
        boolean done = false;
        for (byte b : all) {
            done = f.feed(new byte[] {b});
        }
        assertThat(done).isTrue();
        assertThat(f.output()).isEqualTo("one\ntwo\n");
    }

    @Test
    void feed_whenOldMarkersOfOtherIdsSurround_ignoresThem() {
        ExecFraming f = new ExecFraming("s.1");
        String noise = framed("s.12", "not mine\n", 5) + "@Ss.10\r\n" + "@Es.1x 4\r\n";
        assertThat(f.feed(bytes(noise))).isFalse();
        assertThat(f.started()).isFalse();
        assertThat(f.feed(bytes(framed("s.1", "mine\n", 0) + framed("s.1", "later\n", 9)))).isTrue();
        assertThat(f.output()).isEqualTo("mine\n");
        assertThat(f.exitCode()).isZero();
    }

    @Test
    void feed_whenOutputQuotesTheEndMarkerWithoutStatus_keepsItAsOutput() {
        ExecFraming f = new ExecFraming("q.1");
        f.feed(bytes(framed("q.1", "@Eq.1 oops\n@Eq.1 \n@Eq.1 7x\n", 0)));
        assertThat(f.output()).isEqualTo("@Eq.1 oops\n@Eq.1 \n@Eq.1 7x\n");
    }

    @Test
    void feed_whenOutputIsTwoMegabytesInSmallChunks_returnsItWhole() {
        ExecFraming f = new ExecFraming("big.1");
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        StringBuilder tty = new StringBuilder("@Sbig.1\r\n");
        for (int i = 0; expected.size() < 2_000_000; i++) {
            String line = "line " + i + " " + "0123456789".repeat(6) + "\n";
            expected.writeBytes(bytes(line));
            tty.append(line.replace("\n", "\r\n"));
        }
        tty.append("@Ebig.1 0\r\nnl# ");
        byte[] all = bytes(tty.toString());
        boolean done = false;
        for (int i = 0; i < all.length; i += 4093) {
            done = f.feed(all, i, Math.min(4093, all.length - i));
        }
        assertThat(done).isTrue();
        assertThat(f.output()).isEqualTo(expected.toString(StandardCharsets.ISO_8859_1));
    }

    @Test
    void feed_whenOutputIsNotUtf8_replacesBadBytesAndFinishes() {
        ExecFraming f = new ExecFraming("u.1");
        byte[] head = bytes("@Su.1\r\n");
        byte[] body = {(byte) 0xff, (byte) 0xfe, 'o', 'k', (byte) 0xc3, (byte) 0xa9};
        byte[] tail = bytes("@Eu.1 0\r\n");
        f.feed(head);
        f.feed(body);
        assertThat(f.feed(tail)).isTrue();
        assertThat(f.output()).isEqualTo("\uFFFD\uFFFDok\u00e9");
    }

    @Test
    void partialOutput_beforeEndMarker_returnsWhatArrived() {
        ExecFraming f = new ExecFraming("p.1");
        f.feed(bytes("@Sp.1\r\ntick 1\r\ntick 2\r\n@Ep.1 "));
        assertThat(f.isDone()).isFalse();
        assertThat(f.partialOutput()).isEqualTo("tick 1\ntick 2\n");
    }

    @Test
    void line_whenCommandHasNul_isRejected() {
        assertThatThrownBy(() -> new ExecFraming("v.1").line("echo a\0b"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("control character \\x00 at index 6");
    }

    @Test
    void line_whenCommandHasCtrlC_isRejected() {
        assertThatThrownBy(() -> new ExecFraming("v.1").line("echo \u0003"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("\\x03");
    }

    @Test
    void problem_whenCommandHasANewlineTabDelOrC1Control_namesItEscapedOnOneLine() {
        for (String c : new String[] {"\n", "\t", "\r", "\u007f", "\u0085", "\u009b", "\u001b"}) {
            String problem = ExecFraming.problem("echo a" + c + "reboot");
            assertThat(problem).as("%x", (int) c.charAt(0)).isNotNull().contains("at index 6").doesNotContain(c);
        }
        assertThat(ExecFraming.problem("echo a\nreboot")).contains("control character \\n").contains("echo a\\nreboot");
    }

    @Test
    void problem_forPlainUnicodeAndQuotes_isNull() {
        assertThat(ExecFraming.problem("printf '%s\\n' 'h\u00e9llo \u4e16\u754c' | grep -q x")).isNull();
    }

    @Test
    void problem_whenCommandIsOverTheLimit_namesItsLengthAndTheLimit() {
        String atLimit = "a".repeat(ExecFraming.MAX_COMMAND_BYTES);
        assertThat(ExecFraming.problem(atLimit)).isNull();
        assertThat(ExecFraming.problem(atLimit + "a"))
                .contains("command is " + (ExecFraming.MAX_COMMAND_BYTES + 1) + " bytes")
                .contains("the limit is " + ExecFraming.MAX_COMMAND_BYTES);
    }

    @Test
    void problem_countsMultiByteCharactersAsTheirUtf8Bytes() {
        String twoBytesEach = "\u00e9".repeat(ExecFraming.MAX_COMMAND_BYTES / 2 + 1);
        assertThat(ExecFraming.problem(twoBytesEach)).contains("command is " + 2 * (ExecFraming.MAX_COMMAND_BYTES / 2 + 1) + " bytes");
    }

    @Test
    void problem_countsEachSingleQuoteAsTheFourBytesItIsTypedAs() {
        String quotes = "'".repeat(ExecFraming.MAX_COMMAND_BYTES / 4 + 1);
        assertThat(ExecFraming.problem(quotes)).contains("as typed");
        assertThat(ExecFraming.problem("'".repeat(ExecFraming.MAX_COMMAND_BYTES / 4))).isNull();
    }

    @Test
    void line_forAnyCommandWithinTheLimit_staysWithinTheLineLimitWithTheLongestId() {
        String id = "x".repeat(32);
        for (String command : new String[] {"a".repeat(ExecFraming.MAX_COMMAND_BYTES), "'".repeat(ExecFraming.MAX_COMMAND_BYTES / 4),
                "\u00e9".repeat(ExecFraming.MAX_COMMAND_BYTES / 2)}) {
            byte[] line = new ExecFraming(id).line(command).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            assertThat(line.length).isLessThanOrEqualTo(ExecFraming.MAX_LINE_BYTES).isLessThan(4095);
        }
    }

    @Test
    void line_whenCommandIsTooLongForTheTty_isRejected() {
        assertThatThrownBy(() -> new ExecFraming("v.1").line("echo " + "'".repeat(1000)))
                .isInstanceOf(BadInputException.class).hasMessageContaining("the limit is " + ExecFraming.MAX_COMMAND_BYTES);
        assertThat(new ExecFraming("v.1").line("echo " + "a".repeat(3000))).isNotEmpty();
    }

    @Test
    void feed_whenOutputExceedsTheCap_keepsTheFirstCapBytesAndStillFindsTheExitCode() {
        ExecFraming f = new ExecFraming("cap.1", 1000);
        String line = "0123456789abcdef\n"; // 17 bytes of output per line, 18 on the wire
        String output = line.repeat(200);
        byte[] stream = bytes(framed("cap.1", output, 3));
        for (int off = 0; off < stream.length; off += 333) { // pieces that split markers and CR LF anywhere
            f.feed(stream, off, Math.min(333, stream.length - off));
        }
        assertThat(f.isDone()).isTrue();
        assertThat(f.exitCode()).isEqualTo(3);
        assertThat(f.output()).isEqualTo(output.substring(0, 1000));
        assertThat(f.truncated()).isTrue();
        assertThat(f.droppedBytes()).isEqualTo(output.length() - 1000);
    }

    @Test
    void feed_whenOutputIsExactlyTheCap_isNotTruncated() {
        ExecFraming f = new ExecFraming("cap.2", 6);
        f.feed(bytes(framed("cap.2", "12345\n", 0)));
        assertThat(f.output()).isEqualTo("12345\n");
        assertThat(f.truncated()).isFalse();
        assertThat(f.droppedBytes()).isZero();
    }

    @Test
    void partialOutput_whenOverTheCap_isCutToo() {
        ExecFraming f = new ExecFraming("cap.3", 10);
        f.feed(bytes("@Scap.3\r\n" + "x".repeat(50)));
        assertThat(f.partialOutput()).isEqualTo("x".repeat(10));
        assertThat(f.partialDroppedBytes()).isEqualTo(40);
    }

    @Test
    void feed_whenTheCommandPrintsAFakeEndMarkerPastTheCap_keepsReadingToTheRealOne() {
        ExecFraming f = new ExecFraming("cap.4", 4);
        f.feed(bytes(framed("cap.4", "abcdef@Ecap.4 x\nmore", 0)));
        assertThat(f.isDone()).isTrue();
        assertThat(f.output()).isEqualTo("abcd");
        assertThat(f.droppedBytes()).isEqualTo("ef@Ecap.4 x\nmore".length());
    }
}

package dev.netloom.nodes.console;

import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.ExecResult;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Plays the shell by hand: reads the framed lines the session types and answers with markers. */
class ShellSessionTest {

    private static final Pattern FRAMED = Pattern.compile("'@@NL''S([^']+)'; \\(eval '((?:[^']|'\\\\'')*)'");

    private final ConsoleFixture node = new ConsoleFixture();
    private final ShellSession shell = new ShellSession(node.console);

    /** The id and command of the one framed line typed since the last call. */
    private String[] typedCommand() {
        String typed = node.typed();
        Matcher m = FRAMED.matcher(typed);
        assertThat(m.find()).as("a framed line in %s", typed).isTrue();
        return new String[] {m.group(1), m.group(2).replace("'\\''", "'"), typed};
    }

    private void answer(String id, String output, int exit) {
        node.receive("@@NLS" + id + "\r\n" + output.replace("\n", "\r\n") + "\r\n@@NLE" + id + " " + exit + "\r\nnl# ");
    }

    private void prepare() {
        CompletableFuture<Void> ready = shell.prepare();
        node.runTasks();
        String[] sync = typedCommand();
        assertThat(sync[2]).startsWith(ShellSession.PREPARE_LINE);
        assertThat(sync[1]).isEqualTo("true");
        answer(sync[0], "", 0);
        assertThat(ready).isCompleted();
    }

    @Test
    void exec_returnsOutputAndExitCode() {
        prepare();
        CompletableFuture<ExecResult> result = shell.exec("echo 'hi there'", Duration.ofSeconds(5));
        String[] cmd = typedCommand();
        assertThat(cmd[1]).isEqualTo("echo 'hi there'");
        answer(cmd[0], "hi there\n", 0);
        assertThat(result.join()).satisfies(r -> {
            assertThat(r.ok()).isTrue();
            assertThat(r.output()).isEqualTo("hi there\n");
        });
    }

    @Test
    void exec_whenCommandsAreQueued_runsThemOneAfterAnother() {
        prepare();
        CompletableFuture<ExecResult> first = shell.exec("false", Duration.ofSeconds(5));
        CompletableFuture<ExecResult> second = shell.exec("nosuch", Duration.ofSeconds(5));
        String[] one = typedCommand();
        assertThat(node.typed()).isEmpty(); // the second waits for the first
        answer(one[0], "", 1);
        String[] two = typedCommand();
        assertThat(two[0]).isNotEqualTo(one[0]);
        answer(two[0], "sh: nosuch: not found\n", 127);
        assertThat(first.join().exitCode()).isEqualTo(1);
        assertThat(second.join().exitCode()).isEqualTo(127);
    }

    @Test
    void exec_whenOutputArrivesInPieces_returnsItWhole() {
        prepare();
        CompletableFuture<ExecResult> result = shell.exec("cat big", Duration.ofSeconds(5));
        String id = typedCommand()[0];
        node.receive("@@NL").receive("S" + id + "\r").receive("\nline1\r\n");
        String chunk = "x".repeat(100_000);
        for (int i = 0; i < 5; i++) {
            node.receive(chunk);
        }
        node.receive("\r\n@@NLE" + id).receive(" 0\r").receive("\n");
        assertThat(result.join().output()).hasSize(6 + 500_000).startsWith("line1\nxxx");
    }

    @Test
    void exec_whenTimedOut_interruptsResyncsAndKeepsPartialOutput_thenNextExecWorks() {
        prepare();
        CompletableFuture<ExecResult> slow = shell.exec("sleep 30", Duration.ofSeconds(2));
        String id = typedCommand()[0];
        node.receive("@@NLS" + id + "\r\nstarted\r\n");
        node.advance(Duration.ofSeconds(2));
        String[] resync = typedCommand();
        assertThat(resync[2]).startsWith("\u0003");
        assertThat(resync[1]).isEqualTo("true");
        assertThat(slow).isNotDone();
        node.receive("^C\r\nnl# ");
        answer(resync[0], "", 0);
        ExecResult r = slow.join();
        assertThat(r.timedOut()).isTrue();
        assertThat(r.exitCode()).isEqualTo(-1);
        assertThat(r.output()).isEqualTo("started\n");
        assertThat(r.duration()).isEqualTo(Duration.ofSeconds(2));

        CompletableFuture<ExecResult> next = shell.exec("echo ok", Duration.ofSeconds(5));
        String[] cmd = typedCommand();
        node.receive("@@NLE" + id + " 130\r\n"); // a late marker of the interrupted command is noise
        answer(cmd[0], "ok\n", 0);
        assertThat(next.join().output()).isEqualTo("ok\n");
    }

    @Test
    void exec_whenResyncIsNeverAnswered_retriesThenReportsTimeout_andNextExecResyncsFirst() {
        prepare();
        CompletableFuture<ExecResult> stuck = shell.exec("trap '' INT; sleep 999", Duration.ofSeconds(1));
        typedCommand();
        node.advance(Duration.ofSeconds(1));
        for (int i = 0; i < ShellSession.SYNC_ATTEMPTS; i++) {
            assertThat(typedCommand()[1]).isEqualTo("true");
            node.advance(ShellSession.SYNC_ATTEMPT);
        }
        assertThat(stuck.join().timedOut()).isTrue();

        CompletableFuture<ExecResult> next = shell.exec("echo back", Duration.ofSeconds(5));
        String[] sync = typedCommand();
        assertThat(sync[1]).isEqualTo("true");
        answer(sync[0], "", 0);
        String[] cmd = typedCommand();
        assertThat(cmd[1]).isEqualTo("echo back");
        answer(cmd[0], "back\n", 0);
        assertThat(next.join().output()).isEqualTo("back\n");
    }

    @Test
    void exec_whenConsoleCloses_failsWithLastLines() {
        prepare();
        CompletableFuture<ExecResult> result = shell.exec("reboot", Duration.ofSeconds(5));
        typedCommand();
        node.receive("reboot: Restarting system\r\n");
        node.console.close();
        node.runTasks();
        assertThatThrownBy(result::join).hasMessageContaining("closed")
                .hasMessageContaining("reboot: Restarting system");
    }

    @Test
    void exec_whenCommandHasNul_failsWithBadInput() {
        assertThat(shell.exec("echo \0", Duration.ofSeconds(1)))
                .failsWithin(Duration.ZERO).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(BadInputException.class);
        assertThat(node.typed()).isEmpty();
    }

    @Test
    void exec_whenCommandHasANewline_failsWithBadInputAndTypesNothing() {
        assertThat(shell.exec("echo a\nreboot", Duration.ofSeconds(1)))
                .failsWithin(Duration.ZERO).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(BadInputException.class).withMessageContaining("\\n");
        assertThat(node.typed()).isEmpty();
    }

    @Test
    void exec_whenCommandIsOverTheLimit_failsWithBadInputAndTypesNothing() {
        assertThat(shell.exec("a".repeat(ExecFraming.MAX_COMMAND_BYTES + 1), Duration.ofSeconds(1)))
                .failsWithin(Duration.ZERO).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(BadInputException.class).withMessageContaining("the limit is " + ExecFraming.MAX_COMMAND_BYTES);
        assertThat(node.typed()).isEmpty();
    }

    @Test
    void exec_whenOutputExceedsTheCallsCap_returnsTheFirstPartAndSaysHowMuchWasDropped() {
        prepare();
        CompletableFuture<ExecResult> result = shell.exec("yes | head -c 3000", Duration.ofSeconds(5), 1000);
        String id = typedCommand()[0];
        answer(id, "y\n".repeat(1500), 0);
        ExecResult r = result.join();
        assertThat(r.exitCode()).isZero();
        assertThat(r.output()).isEqualTo("y\n".repeat(500));
        assertThat(r.truncated()).isTrue();
        assertThat(r.droppedBytes()).isEqualTo(2000);

        CompletableFuture<ExecResult> next = shell.exec("echo ok", Duration.ofSeconds(5));
        answer(typedCommand()[0], "ok\n", 0);
        assertThat(next.join()).satisfies(n -> {
            assertThat(n.output()).isEqualTo("ok\n");
            assertThat(n.truncated()).isFalse();
        });
    }

    @Test
    void exec_withoutACap_usesTheSessionsDefault() {
        ShellSession small = new ShellSession(node.console, 8);
        CompletableFuture<ExecResult> result = small.exec("seq 100", Duration.ofSeconds(5));
        answer(typedCommand()[0], "0123456789", 0);
        assertThat(result.join().output()).isEqualTo("01234567");
        small.close();
    }
}

package dev.netloom.nodes.console;

import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.ExecResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Plays the shell by hand (FakeShell): reads the lines the session types and answers with markers. */
class ShellSessionTest {

    private final ConsoleFixture node = new ConsoleFixture();
    private final FakeShell guest = new FakeShell(node);
    private final ShellSession shell = new ShellSession(node.console);

    private void prepare() {
        CompletableFuture<Void> ready = shell.prepare();
        node.runTasks();
        FakeShell.Typed sync = guest.typed();
        assertThat(sync.installs()).isTrue();
        assertThat(sync.interrupt()).isFalse();
        assertThat(sync.command()).isEqualTo("true");
        guest.answer(sync, "", 0);
        assertThat(ready).isCompleted();
    }

    @Test
    void prepare_typesOneLineThatSetsTheShellUpInstallsTheFunctionAndSyncs() {
        CompletableFuture<Void> ready = shell.prepare();
        node.runTasks();
        FakeShell.Typed sync = guest.typed();
        assertThat(sync.raw()).startsWith(ShellSession.SETTINGS + ExecFraming.INSTALL + ";_nl ").endsWith(" 'true'\n");
        assertThat(ready).isNotDone();
        guest.answer(sync, "", 0);
        assertThat(ready).isCompleted();
    }

    @Test
    void exec_returnsOutputAndExitCode() {
        prepare();
        CompletableFuture<ExecResult> result = shell.exec("echo 'hi there'", Duration.ofSeconds(5));
        FakeShell.Typed cmd = guest.typed();
        assertThat(cmd.command()).isEqualTo("echo 'hi there'");
        assertThat(cmd.installs()).isFalse();
        guest.answer(cmd, "hi there\n", 0);
        assertThat(result.join()).satisfies(r -> {
            assertThat(r.ok()).isTrue();
            assertThat(r.output()).isEqualTo("hi there\n");
        });
    }

    @Test
    void exec_typesOnlyTheFunctionsVariableItsIdAndTheQuotedCommand() {
        prepare();
        shell.exec("true", Duration.ofSeconds(5));
        FakeShell.Typed cmd = guest.typed();
        assertThat(cmd.raw()).isEqualTo("$_m " + cmd.id() + " 'true'\n");
        assertThat(cmd.id()).matches("[0-9a-z]{3}\\.[0-9a-z]+").hasSizeLessThanOrEqualTo(6);
        assertThat(cmd.raw()).hasSizeLessThanOrEqualTo("true; echo @@R$?\n".length());
    }

    @Test
    void exec_whenCommandsAreQueued_runsThemOneAfterAnother() {
        prepare();
        CompletableFuture<ExecResult> first = shell.exec("false", Duration.ofSeconds(5));
        CompletableFuture<ExecResult> second = shell.exec("nosuch", Duration.ofSeconds(5));
        FakeShell.Typed one = guest.typed();
        assertThat(node.typed()).isEmpty(); // the second waits for the first
        guest.answer(one, "", 1);
        FakeShell.Typed two = guest.typed();
        assertThat(two.id()).isNotEqualTo(one.id());
        guest.answer(two, "sh: nosuch: not found\n", 127);
        assertThat(first.join().exitCode()).isEqualTo(1);
        assertThat(second.join().exitCode()).isEqualTo(127);
        assertThat(second.join().output()).isEqualTo("sh: nosuch: not found\n");
    }

    @Test
    void exec_whenOutputArrivesInPieces_returnsItWhole() {
        prepare();
        CompletableFuture<ExecResult> result = shell.exec("cat big", Duration.ofSeconds(5));
        String id = guest.typed().id();
        node.receive("@").receive("S" + id + "\r").receive("\nline1\r\n");
        String chunk = "x".repeat(100_000);
        for (int i = 0; i < 5; i++) {
            node.receive(chunk);
        }
        node.receive("@E" + id).receive(" 0\r").receive("\n");
        assertThat(result.join().output()).hasSize(6 + 500_000).startsWith("line1\nxxx").endsWith("xxx");
    }

    @Test
    void exec_whenTimedOut_interruptsResyncsAndKeepsPartialOutput_thenNextExecWorks() {
        prepare();
        CompletableFuture<ExecResult> slow = shell.exec("sleep 30", Duration.ofSeconds(2));
        String id = guest.typed().id();
        node.receive("@S" + id + "\r\nstarted\r\n");
        node.advance(Duration.ofSeconds(2));
        FakeShell.Typed resync = guest.typed();
        assertThat(resync.interrupt()).isTrue();
        assertThat(resync.installs()).isTrue();
        assertThat(resync.command()).isEqualTo("true");
        assertThat(slow).isNotDone();
        node.receive("^C\r\nnl# ");
        guest.answer(resync, "", 0);
        ExecResult r = slow.join();
        assertThat(r.timedOut()).isTrue();
        assertThat(r.exitCode()).isEqualTo(-1);
        assertThat(r.output()).isEqualTo("started\n");
        assertThat(r.duration()).isEqualTo(Duration.ofSeconds(2));

        CompletableFuture<ExecResult> next = shell.exec("echo ok", Duration.ofSeconds(5));
        FakeShell.Typed cmd = guest.typed();
        node.receive("@E" + id + " 130\r\n"); // a late marker of the interrupted command is noise
        guest.answer(cmd, "ok\n", 0);
        assertThat(next.join().output()).isEqualTo("ok\n");
    }

    @Test
    void exec_whenAShortTimeoutFollowsALongOne_timesOutOnItsOwnDeadline() {
        prepare();
        CompletableFuture<ExecResult> quick = shell.exec("true", Duration.ofSeconds(60));
        guest.answer(guest.typed(), "", 0);
        assertThat(quick.join().ok()).isTrue();
        CompletableFuture<ExecResult> slow = shell.exec("sleep 30", Duration.ofSeconds(1));
        guest.typed();
        node.advance(Duration.ofMillis(999));
        assertThat(node.typed()).isEmpty();
        node.advance(Duration.ofMillis(1));
        FakeShell.Typed resync = guest.typed();
        assertThat(resync.interrupt()).isTrue();
        guest.answer(resync, "", 0);
        assertThat(slow.join().timedOut()).isTrue();
    }

    @Test
    void exec_whenALongTimeoutFollowsAShortOne_runsPastTheEarlierDeadline() {
        prepare();
        CompletableFuture<ExecResult> quick = shell.exec("true", Duration.ofSeconds(2));
        guest.answer(guest.typed(), "", 0);
        assertThat(quick.join().ok()).isTrue();
        node.advance(Duration.ofSeconds(1));
        CompletableFuture<ExecResult> slow = shell.exec("sleep 5", Duration.ofSeconds(10));
        FakeShell.Typed cmd = guest.typed();
        node.advance(Duration.ofSeconds(9)); // past the first command's deadline, before this one's
        assertThat(node.typed()).isEmpty();
        assertThat(slow).isNotDone();
        node.advance(Duration.ofSeconds(1));
        FakeShell.Typed resync = guest.typed();
        assertThat(resync.interrupt()).isTrue();
        guest.answer(resync, "", 0);
        assertThat(slow.join().timedOut()).isTrue();
        assertThat(slow.join().duration()).isEqualTo(Duration.ofSeconds(10));
        assertThat(cmd.command()).isEqualTo("sleep 5");
    }

    @Test
    void exec_whenResyncIsNeverAnswered_retriesThenReportsTimeout_andNextExecResyncsFirst() {
        prepare();
        CompletableFuture<ExecResult> stuck = shell.exec("trap '' INT; sleep 999", Duration.ofSeconds(1));
        guest.typed();
        node.advance(Duration.ofSeconds(1));
        for (int i = 0; i < ShellSession.SYNC_ATTEMPTS; i++) {
            FakeShell.Typed sync = guest.typed();
            assertThat(sync.command()).isEqualTo("true");
            assertThat(sync.installs()).isTrue();
            node.advance(ShellSession.SYNC_ATTEMPT);
        }
        assertThat(stuck.join().timedOut()).isTrue();

        CompletableFuture<ExecResult> next = shell.exec("echo back", Duration.ofSeconds(5));
        FakeShell.Typed sync = guest.typed();
        assertThat(sync.command()).isEqualTo("true");
        assertThat(sync.installs()).isTrue();
        guest.answer(sync, "", 0);
        FakeShell.Typed cmd = guest.typed();
        assertThat(cmd.command()).isEqualTo("echo back");
        guest.answer(cmd, "back\n", 0);
        assertThat(next.join().output()).isEqualTo("back\n");
    }

    @ParameterizedTest
    @EnumSource(FakeShell.Flavour.class)
    void exec_afterTheShellRespawned_installsTheFunctionAgainAndRunsTheCommandOnce(FakeShell.Flavour flavour) {
        FakeShell guest = new FakeShell(node, flavour);
        CompletableFuture<Void> ready = shell.prepare();
        node.runTasks();
        guest.answer(guest.typed(), "", 0);
        assertThat(ready).isCompleted();
        guest.respawn(false);

        CompletableFuture<ExecResult> result = shell.exec("echo 'back again'", Duration.ofSeconds(5));
        FakeShell.Typed lost = guest.typed();
        assertThat(lost.installs()).isFalse();
        guest.answer(lost, "", 0); // no function: the shell says it cannot find the id
        assertThat(result).isNotDone();

        FakeShell.Typed install = guest.typed();
        assertThat(install.installs()).isTrue();
        assertThat(install.interrupt()).isFalse();
        assertThat(install.command()).isEqualTo("true");
        guest.answer(install, "", 0);
        FakeShell.Typed again = guest.typed();
        assertThat(again.installs()).isFalse();
        assertThat(again.command()).isEqualTo("echo 'back again'");
        assertThat(again.id()).isNotEqualTo(lost.id());
        guest.answer(again, "back again\n", 0);
        assertThat(result.join()).satisfies(r -> {
            assertThat(r.exitCode()).isZero();
            assertThat(r.output()).isEqualTo("back again\n");
        });
        assertThat(node.typed()).isEmpty();

        CompletableFuture<ExecResult> next = shell.exec("echo next", Duration.ofSeconds(5));
        FakeShell.Typed cmd = guest.typed();
        assertThat(cmd.installs()).isFalse();
        guest.answer(cmd, "next\n", 0);
        assertThat(next.join().output()).isEqualTo("next\n");
    }

    @Test
    void exec_afterARespawnThatEchoesAndSplitsTheError_stillInstallsAgain() {
        prepare();
        guest.respawn(true);
        CompletableFuture<ExecResult> result = shell.exec("echo x", Duration.ofSeconds(5));
        FakeShell.Typed lost = guest.typed(); // echoed back: "$_n ID 'echo x'" carries the id, but not "ID: "
        node.receive("-sh: " + lost.id().substring(0, 2)).receive(lost.id().substring(2) + ":").receive(" not found\r\nn1:/root# ");
        FakeShell.Typed install = guest.typed();
        assertThat(install.installs()).isTrue();
        guest.answer(install, "", 0);
        guest.answer(guest.typed(), "x\n", 0);
        assertThat(result.join().output()).isEqualTo("x\n");
    }

    @Test
    void exec_whenTheShellRespawnsDuringACommand_timesOutAndTheResyncInstallsTheFunction() {
        prepare();
        CompletableFuture<ExecResult> killer = shell.exec("kill -9 $$", Duration.ofSeconds(3));
        FakeShell.Typed cmd = guest.typed();
        node.receive("@S" + cmd.id() + "\r\n");
        guest.respawn(false);
        node.advance(Duration.ofSeconds(3));
        FakeShell.Typed resync = guest.typed();
        assertThat(resync.installs()).isTrue();
        guest.answer(resync, "", 0);
        assertThat(killer.join().timedOut()).isTrue();

        CompletableFuture<ExecResult> next = shell.exec("echo fine", Duration.ofSeconds(5));
        guest.answer(guest.typed(), "fine\n", 0);
        assertThat(next.join().output()).isEqualTo("fine\n");
    }

    @Test
    void exec_whenTheFunctionIsMissingAgainRightAfterTheInstall_failsWithTheLastLines() {
        prepare();
        guest.respawn(false);
        CompletableFuture<ExecResult> result = shell.exec("echo x", Duration.ofSeconds(5));
        guest.answer(guest.typed(), "", 0);
        guest.answer(guest.typed(), "", 0); // the install and sync
        guest.respawn(false);
        guest.answer(guest.typed(), "", 0);
        assertThatThrownBy(result::join).hasMessageContaining("lost netloom's exec function again")
                .hasMessageContaining("not found");
    }

    @Test
    void exec_whenTheOutputNamesTheIdAsNotFound_isOutputNotAMissingFunction() {
        prepare();
        CompletableFuture<ExecResult> result = shell.exec("sh -c x", Duration.ofSeconds(5));
        FakeShell.Typed cmd = guest.typed();
        String fake = "sh: " + cmd.id() + ": not found\n";
        guest.answer(cmd, fake, 127);
        assertThat(result.join()).satisfies(r -> {
            assertThat(r.exitCode()).isEqualTo(127);
            assertThat(r.output()).isEqualTo(fake);
        });
    }

    @Test
    void exec_whenConsoleCloses_failsWithLastLines() {
        prepare();
        CompletableFuture<ExecResult> result = shell.exec("reboot", Duration.ofSeconds(5));
        guest.typed();
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
        guest.answer(guest.typed(), "y\n".repeat(1500), 0);
        ExecResult r = result.join();
        assertThat(r.exitCode()).isZero();
        assertThat(r.output()).isEqualTo("y\n".repeat(500));
        assertThat(r.truncated()).isTrue();
        assertThat(r.droppedBytes()).isEqualTo(2000);

        CompletableFuture<ExecResult> next = shell.exec("echo ok", Duration.ofSeconds(5));
        guest.answer(guest.typed(), "ok\n", 0);
        assertThat(next.join()).satisfies(n -> {
            assertThat(n.output()).isEqualTo("ok\n");
            assertThat(n.truncated()).isFalse();
        });
    }

    @Test
    void exec_withoutACap_usesTheSessionsDefault() {
        ShellSession small = new ShellSession(node.console, 8);
        CompletableFuture<ExecResult> result = small.exec("seq 100", Duration.ofSeconds(5));
        FakeShell.Typed cmd = guest.typed();
        node.receive("@S" + cmd.id() + "\r\n0123456789@E" + cmd.id() + " 0\r\n");
        assertThat(result.join().output()).isEqualTo("01234567");
        small.close();
    }
}

package dev.netloom.nodes.console;

import dev.netloom.nodes.ExecResult;
import dev.netloom.nodes.NetloomException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared fallback (docs/consoles.md): a person on a console without a port of its own types into
 * netloom's automation shell, and what they type while an exec runs is held and typed after it, never
 * in the middle of its framed line or output; they are told once. The guest is played by FakeShell.
 */
class SharedConsoleTest {

    private final ConsoleFixture node = new ConsoleFixture();
    private final FakeShell guest = new FakeShell(node);
    private final ShellSession shell = new ShellSession(node.console);
    private final ConsoleBroker broker = new ConsoleBroker("a", HumanTerminal.shared(node.console, shell));
    private final ConsoleBrokerTest.Screen screen = new ConsoleBrokerTest.Screen();
    private ConsoleBroker.Viewer alice;

    @BeforeEach
    void readyNodeWithAPersonAttached() {
        CompletableFuture<Void> ready = shell.prepare();
        node.runTasks();
        guest.answer(guest.typed(), "", 0);
        assertThat(ready).isCompleted();
        alice = broker.join("alice", false, null, 0, screen);
        assertThat(screen.take()).contains("you share netloom's automation shell").contains("you have the keyboard");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void typing_whileNoExecRuns_goesToTheShellAtOnce() {
        CompletableFuture<Void> typed = alice.type(bytes("uptime\r"));
        assertThat(node.typed()).isEqualTo("uptime\r");
        assertThat(typed).isCompleted();
        assertThat(screen.take()).doesNotContain("queued");
    }

    @Test
    void typing_whileAnExecRuns_waitsForItsEnd_withOneNote_andTheExecStaysExact() {
        CompletableFuture<ExecResult> exec = shell.exec("cat /etc/hostname", Duration.ofSeconds(5));
        FakeShell.Typed line = guest.typed();

        CompletableFuture<Void> first = alice.type(bytes("ls"));
        CompletableFuture<Void> second = alice.type(bytes(" -l\r"));
        assertThat(node.typed()).as("nothing of the person's typing reaches the shell during the exec").isEmpty();
        assertThat(first).isNotDone();
        assertThat(second).isNotDone();
        String told = screen.take();
        assertThat(told).isEqualTo("\r\n[netloom: queued: an exec is running; what you type is typed when it has finished]\r\n");

        guest.answer(line, "a\n", 0);
        assertThat(exec.join().output()).isEqualTo("a\n");
        assertThat(node.typed()).isEqualTo("ls -l\r");
        assertThat(first).isCompleted();
        assertThat(second).isCompleted();

        // a later exec holds typing again; the note was said once
        shell.exec("true", Duration.ofSeconds(5));
        FakeShell.Typed next = guest.typed();
        alice.type(bytes("x"));
        assertThat(node.typed()).isEmpty();
        assertThat(screen.take()).doesNotContain("[netloom:");
        guest.answer(next, "", 0);
        assertThat(node.typed()).isEqualTo("x");
    }

    @Test
    void typing_whileExecsAreQueued_waitsUntilTheLastHasFinished() {
        CompletableFuture<ExecResult> one = shell.exec("echo 1", Duration.ofSeconds(5));
        CompletableFuture<ExecResult> two = shell.exec("echo 2", Duration.ofSeconds(5));
        FakeShell.Typed first = guest.typed();
        alice.type(bytes("\u0003"));
        guest.answer(first, "1\n", 0);
        FakeShell.Typed second = guest.typed(); // exactly one framed line: the Ctrl-C is still held
        assertThat(second.command()).isEqualTo("echo 2");
        guest.answer(second, "2\n", 0);
        assertThat(one.join().output()).isEqualTo("1\n");
        assertThat(two.join().output()).isEqualTo("2\n");
        assertThat(node.typed()).isEqualTo("\u0003");
    }

    @Test
    void heldTyping_pastTheCap_fails_andTheShellClosingFailsWhatWaits() {
        shell.exec("sleep 1", Duration.ofSeconds(5));
        guest.typed();
        CompletableFuture<Void> waits = alice.type(bytes("a"));
        CompletableFuture<Void> tooMuch = alice.type(new byte[ShellSession.MAX_HELD_BYTES]);
        assertThat(tooMuch).isCompletedExceptionally();
        shell.close();
        assertThat(waits).failsWithin(Duration.ZERO).withThrowableThat().withCauseInstanceOf(NetloomException.class);
    }
}

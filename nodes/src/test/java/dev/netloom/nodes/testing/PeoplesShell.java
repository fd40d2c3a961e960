package dev.netloom.nodes.testing;

import dev.netloom.nodes.QemuNode;
import dev.netloom.nodes.console.ConsoleMatch;
import dev.netloom.nodes.console.ConsoleSession;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End-to-end fixture: a node's console for people (its {@code human.sock}, docs/consoles.md), typed on
 * as a person would, checking that the shell there echoes what is typed and answers.
 */
public final class PeoplesShell implements AutoCloseable {

    private final ConsoleSession console;

    private PeoplesShell(ConsoleSession console) {
        this.console = console;
    }

    /** Connects to {@code node}'s console for people. */
    public static PeoplesShell of(QemuNode node) throws Exception {
        return new PeoplesShell(ConsoleSession.connect(node.paths().humanSocket(), null, QemuNode.sharedLoops(), Duration.ofSeconds(5))
                .get(10, TimeUnit.SECONDS));
    }

    /**
     * Types {@code line} and Enter, and waits (at most {@code within} each) until the line is echoed
     * and the shell's output matches {@code answer} (console bytes: lines end in \r\n).
     */
    public void answers(String line, String answer, Duration within) {
        CompletableFuture<ConsoleMatch> echoed = console.expect(Pattern.compile(Pattern.quote(line)));
        CompletableFuture<ConsoleMatch> answered = console.expect(Pattern.compile(answer));
        console.send(line + "\r");
        assertThat(echoed).as("echo of %s", line).succeedsWithin(within);
        assertThat(answered).as("answer to %s", line).succeedsWithin(within);
    }

    /** Types bytes as they are (Ctrl-C is "\u0003"). */
    public void type(String text) {
        console.send(text);
    }

    @Override
    public void close() {
        console.close();
    }
}

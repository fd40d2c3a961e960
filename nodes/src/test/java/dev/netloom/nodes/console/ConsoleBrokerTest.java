package dev.netloom.nodes.console;

import dev.netloom.nodes.BadInputException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConsoleBrokerTest {

    /** A console for people that records what is typed and asked, and prints what a test says. */
    static final class FakeTerminal implements ConsoleBroker.Terminal {
        final ByteArrayOutputStream typed = new ByteArrayOutputStream();
        final List<ConsoleBroker.Size> sizes = new ArrayList<>();
        final List<ConsoleListener> readers = new ArrayList<>();
        boolean shared;
        boolean closed;

        @Override
        public Attachment attach(ConsoleListener listener) {
            readers.add(listener);
            return () -> readers.remove(listener);
        }

        @Override
        public ConsoleBroker.Typed type(byte[] bytes) {
            typed.writeBytes(bytes);
            return ConsoleBroker.Typed.now(CompletableFuture.completedFuture(null));
        }

        @Override
        public CompletableFuture<?> resize(ConsoleBroker.Size size) {
            sizes.add(size);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public boolean shared() {
            return shared;
        }

        @Override
        public void close() {
            closed = true;
        }

        void print(String text) {
            readers.forEach(r -> r.onData(text.getBytes(StandardCharsets.UTF_8)));
        }

        String typed() {
            return typed.toString(StandardCharsets.UTF_8);
        }
    }

    /** What one viewer's screen received. */
    static final class Screen implements ConsoleListener {
        final StringBuilder text = new StringBuilder();
        boolean closed;

        @Override
        public void onData(byte[] chunk) {
            text.append(new String(chunk, StandardCharsets.UTF_8));
        }

        @Override
        public void onClose() {
            closed = true;
        }

        String take() {
            String t = text.toString();
            text.setLength(0);
            return t;
        }
    }

    private final FakeTerminal terminal = new FakeTerminal();
    private ConsoleBroker broker;

    @BeforeEach
    void setUp() {
        broker = new ConsoleBroker("a", terminal);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void firstWriter_ofASilentConsole_getsTheKeyboard_itsSize_andAFreshPrompt() {
        Screen alice = new Screen();
        broker.join("alice", false, new ConsoleBroker.Size(40, 120), 24, alice);
        assertThat(broker.holder()).isEqualTo("alice");
        assertThat(terminal.sizes).containsExactly(new ConsoleBroker.Size(40, 120));
        assertThat(terminal.typed()).isEqualTo("\r");
        assertThat(alice.take()).isEqualTo("\r\n[netloom: you have the keyboard; detach with Ctrl-]]\r\n");
    }

    @Test
    void join_showsTheLastLines_andAFreshPromptInPlaceOfTheIdleOne() {
        terminal.print("a:~# echo one\r\none\r\na:~# echo two\r\ntwo\r\na:~# ");
        Screen alice = new Screen();
        broker.join("alice", false, null, 2, alice);
        assertThat(alice.take()).startsWith("a:~# echo two\r\ntwo\r\n[netloom: you have the keyboard");
        assertThat(terminal.typed()).isEqualTo("\r");
    }

    @Test
    void join_whileAProgramRuns_showsTheScreenLine_andTypesNothing() {
        terminal.print("a:~# ping b\r\n64 bytes from b");
        Screen alice = new Screen();
        broker.join("alice", false, null, 24, alice);
        assertThat(alice.take()).startsWith("a:~# ping b\r\n64 bytes from b\r\n[netloom:");
        assertThat(terminal.typed()).isEmpty();
    }

    @Test
    void oneWriter_othersWatch_areTold_andTheirTypingIsDropped() {
        Screen alice = new Screen();
        Screen bob = new Screen();
        ConsoleBroker.Viewer a = broker.join("alice", false, null, 0, alice);
        ConsoleBroker.Viewer b = broker.join("bob", false, null, 0, bob);
        assertThat(bob.take()).contains("[netloom: alice has the keyboard; you watch until they detach]");
        a.type(bytes("ls\r"));
        b.type(bytes("rm -rf /\r"));
        b.type(bytes("again"));
        assertThat(terminal.typed()).isEqualTo("\rls\r");
        assertThat(bob.take()).isEqualTo("\r\n[netloom: alice has the keyboard: what you type is dropped until they detach]\r\n");

        terminal.print("bin\r\n");
        assertThat(alice.take()).endsWith("bin\r\n");
        assertThat(bob.take()).isEqualTo("bin\r\n");

        a.close();
        assertThat(broker.holder()).isNull();
        assertThat(bob.take()).contains("alice detached; the keyboard is free: type to take it");
        b.type(bytes("pwd\r"));
        assertThat(broker.holder()).isEqualTo("bob");
        assertThat(terminal.typed()).endsWith("ls\rpwd\r");
    }

    @Test
    void aWatchersTerminalAnsweringTheShellsCursorQuery_isDroppedSilently() {
        broker.join("alice", false, null, 0, new Screen());
        Screen carol = new Screen();
        ConsoleBroker.Viewer c = broker.join("carol", true, null, 0, carol);
        carol.take();
        c.type(bytes("\u001b[12;5R"));
        assertThat(carol.take()).isEmpty();
        assertThat(terminal.typed()).isEqualTo("\r");
    }

    @Test
    void readOnly_neverTypes_norTakesTheKeyboard() {
        Screen carol = new Screen();
        ConsoleBroker.Viewer c = broker.join("carol", true, new ConsoleBroker.Size(10, 10), 24, carol);
        c.type(bytes("x"));
        assertThat(broker.holder()).isNull();
        assertThat(terminal.typed()).isEmpty();
        assertThat(terminal.sizes).isEmpty();
        assertThat(carol.take()).contains("[netloom: watching read-only]").contains("read-only: what you type is dropped");
    }

    @Test
    void resize_followsTheHolderOnly() {
        ConsoleBroker.Viewer a = broker.join("alice", false, new ConsoleBroker.Size(24, 80), 0, new Screen());
        ConsoleBroker.Viewer b = broker.join("bob", false, new ConsoleBroker.Size(50, 200), 0, new Screen());
        b.resize(new ConsoleBroker.Size(51, 201));
        a.resize(new ConsoleBroker.Size(30, 100));
        a.resize(new ConsoleBroker.Size(30, 100)); // the same size: nothing to tell the guest
        assertThat(terminal.sizes).containsExactly(new ConsoleBroker.Size(24, 80), new ConsoleBroker.Size(30, 100));
        a.close();
        b.type(bytes("x"));
        assertThat(terminal.sizes).last().isEqualTo(new ConsoleBroker.Size(51, 201));
    }

    @Test
    void sharedConsole_saysSo_andNeitherResizesNorTypesAPrompt() {
        terminal.shared = true;
        Screen alice = new Screen();
        broker.join("alice", false, new ConsoleBroker.Size(24, 80), 24, alice);
        assertThat(alice.take()).contains("you share netloom's automation shell");
        assertThat(terminal.sizes).isEmpty();
        assertThat(terminal.typed()).isEmpty();
    }

    @Test
    void consoleClosing_endsEveryViewer_andCloseLetsGoOfTheTerminal() {
        Screen alice = new Screen();
        Screen bob = new Screen();
        broker.join("alice", false, null, 0, alice);
        broker.join("bob", true, null, 0, bob);
        terminal.readers.forEach(ConsoleListener::onClose);
        assertThat(alice.closed).isTrue();
        assertThat(bob.closed).isTrue();
        assertThat(broker.viewerCount()).isZero();
        broker.close();
        assertThat(terminal.readers).isEmpty();
        assertThat(terminal.closed).isTrue();
    }

    @Test
    void size_outOfRange_isRefused() {
        assertThatThrownBy(() -> new ConsoleBroker.Size(0, 80)).isInstanceOf(BadInputException.class).hasMessageContaining("1 to 1000");
    }

    @Test
    void sttyCommand_setsThePeoplesTty() {
        assertThat(HumanTerminal.sttyCommand("/dev/ttyS1", new ConsoleBroker.Size(33, 101))).isEqualTo("stty -F /dev/ttyS1 rows 33 cols 101");
        assertThat(HumanTerminal.sttyCommand("/dev/hvc0", new ConsoleBroker.Size(24, 80))).isEqualTo("stty -F /dev/hvc0 rows 24 cols 80");
        assertThatThrownBy(() -> HumanTerminal.sttyCommand("/dev/ttyS1; reboot", new ConsoleBroker.Size(24, 80)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

package dev.netloom.nodes.console;

import io.netty.channel.EventLoopGroup;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The terminals a {@link ConsoleBroker} can serve people: a node's own terminal for people
 * ({@link #connect}: a serial port or a virtio console with a login shell, echo and line editing,
 * which automation never types on), or, for images without one, the automation's console shared
 * ({@link #shared}), where a person's keystrokes wait while execs run.
 */
public final class HumanTerminal {

    /** A guest device name that may go into a command line: /dev/ and letters and digits. */
    private static final Pattern TTY = Pattern.compile("/dev/[A-Za-z0-9]+");

    private HumanTerminal() {
    }

    /** The guest command that gives the people's terminal {@code tty} {@code size} (its numbers only reach the shell). */
    public static String sttyCommand(String tty, ConsoleBroker.Size size) {
        if (!TTY.matcher(tty).matches()) {
            throw new IllegalArgumentException("not a guest tty device: " + tty);
        }
        return "stty -F " + tty + " rows " + size.rows() + " cols " + size.cols();
    }

    /**
     * The people's console behind {@code socket} (connected now, in the background; its transcript is
     * {@code transcript}); {@code resize} sets the guest terminal's size, through the automation.
     */
    public static ConsoleBroker.Terminal connect(Path socket, Path transcript, EventLoopGroup loop,
                                                 Function<ConsoleBroker.Size, CompletableFuture<?>> resize) {
        CompletableFuture<ConsoleSession> session = ConsoleSession.connect(socket, transcript, loop, Duration.ofSeconds(5));
        return new ConsoleBroker.Terminal() {
            @Override
            public Attachment attach(ConsoleListener listener) {
                AtomicReference<Attachment> held = new AtomicReference<>();
                CompletableFuture<Void> attached = session.handle((s, e) -> {
                    if (e != null || !s.isOpen()) {
                        listener.onClose();
                    } else {
                        held.set(s.attach(listener)); // the session tells its readers when it closes
                    }
                    return null;
                });
                return () -> attached.thenRun(() -> {
                    Attachment a = held.getAndSet(null);
                    if (a != null) {
                        a.close();
                    }
                });
            }

            @Override
            public ConsoleBroker.Typed type(byte[] bytes) {
                return ConsoleBroker.Typed.now(session.thenCompose(s -> s.send(bytes)));
            }

            @Override
            public CompletableFuture<?> resize(ConsoleBroker.Size size) {
                return resize.apply(size);
            }

            @Override
            public boolean shared() {
                return false;
            }

            @Override
            public void close() {
                session.thenAccept(ConsoleSession::close);
            }
        };
    }

    /**
     * The automation's console itself, for images without a port for people: no echo, no sizes; what
     * a person types while {@code shell} runs a command waits until it has finished.
     */
    public static ConsoleBroker.Terminal shared(ConsoleSession console, ShellSession shell) {
        return new ConsoleBroker.Terminal() {
            @Override
            public Attachment attach(ConsoleListener listener) {
                return console.attach(listener);
            }

            @Override
            public ConsoleBroker.Typed type(byte[] bytes) {
                return shell.typeBetweenCommands(bytes);
            }

            @Override
            public CompletableFuture<?> resize(ConsoleBroker.Size size) {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public boolean shared() {
                return true;
            }

            @Override
            public void close() {
                // the automation's console is the node's, not the broker's
            }
        };
    }
}

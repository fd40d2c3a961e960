package dev.netloom.nodes.console;

import dev.netloom.nodes.BadInputException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * One node's console for people (docs/consoles.md): any number of viewers watch, one of them holds
 * the keyboard, and the others are told who. A new viewer first sees the last lines of the console's
 * history; the holder's terminal size is the guest terminal's. Typing from a viewer without the
 * keyboard is dropped with a note; when the holder leaves, the keyboard is free and the next viewer
 * who types (and did not attach read-only) takes it.
 *
 * <p>Everything runs under this object's lock, which the terminal's output fanout takes too, so a
 * viewer sees the history and then every later byte, none twice. Viewers' listeners must not block.
 */
public final class ConsoleBroker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConsoleBroker.class);
    /** An idle shell's line: a prompt and nothing typed after it. */
    private static final Pattern IDLE_PROMPT = Pattern.compile(".*[#$>] $");
    /** What a terminal sends by itself: its answer to a cursor position query (ESC [ ROW ; COL R). */
    private static final Pattern TERMINAL_REPORT = Pattern.compile("(\u001b\\[\\d+;\\d+R)+");

    /** The terminal people share: the node's own serial port for people, or, without one, its automation console. */
    public interface Terminal {

        /** Attaches a reader of every byte the terminal prints from now on. */
        Attachment attach(ConsoleListener listener);

        /** Types bytes on the terminal (or holds them until an exec has finished, on the shared fallback). */
        Typed type(byte[] bytes);

        /** Gives the guest's terminal this size (SIGWINCH follows in the guest). */
        CompletableFuture<?> resize(Size size);

        /** True when this is the automation's shell shared with people (no echo, no sizes: the fallback). */
        boolean shared();

        /** Lets go of the terminal (a connection of its own is closed). */
        void close();
    }

    /**
     * What became of typed bytes: {@code held} while an exec runs on a shared console (they are typed
     * after it), and {@code written}, which completes once they are typed.
     */
    public record Typed(boolean held, CompletableFuture<Void> written) {

        /** Bytes typed at once. */
        public static Typed now(CompletableFuture<Void> written) {
            return new Typed(false, written);
        }
    }

    /** A terminal size in character cells. */
    public record Size(int rows, int cols) {

        public static final int MAX = 1000;

        public Size {
            if (rows < 1 || rows > MAX || cols < 1 || cols > MAX) {
                throw new BadInputException("terminal size " + rows + "x" + cols + " is out of range: rows and cols must be 1 to " + MAX);
            }
        }
    }

    private final String node;
    private final Terminal terminal;
    private final ConsoleHistory history = new ConsoleHistory();
    private final List<Viewer> viewers = new ArrayList<>();
    private final Attachment output;
    private Viewer holder;
    private Size applied;
    private volatile Runnable onChange = () -> { };

    public ConsoleBroker(String node, Terminal terminal) {
        this.node = node;
        this.terminal = terminal;
        this.output = terminal.attach(new ConsoleListener() {
            @Override
            public void onData(byte[] chunk) {
                fanout(chunk);
            }

            @Override
            public void onClose() {
                closeViewers();
            }
        });
    }

    /**
     * A new viewer {@code who} whose output goes to {@code out}: it is shown the last
     * {@code historyLines} lines, takes the keyboard if it is free and {@code readOnly} is false, and
     * gives the guest its {@code size} (may be null) while it holds the keyboard.
     */
    public synchronized Viewer join(String who, boolean readOnly, Size size, int historyLines, ConsoleListener out) {
        Viewer v = new Viewer(who, readOnly, size, out);
        List<String> lines = new ArrayList<>(history.lastLines(historyLines + 1));
        boolean freshPrompt = !readOnly && holder == null && !terminal.shared() && idle(lines);
        if (freshPrompt && !lines.isEmpty()) {
            lines.remove(lines.size() - 1); // the prompt the shell prints anew
        }
        if (lines.size() > historyLines) {
            lines = lines.subList(lines.size() - historyLines, lines.size());
        }
        if (!lines.isEmpty()) {
            v.send(String.join("\r\n", lines));
        }
        if (terminal.shared()) {
            v.note("this image has no console of its own for people: you share netloom's automation shell (no echo;"
                    + " you see its commands go by, and what you type while one runs is typed after it)");
        }
        viewers.add(v);
        if (readOnly) {
            v.note("watching read-only" + (holder == null ? "" : "; " + holder.who + " has the keyboard"));
        } else if (holder == null) {
            take(v);
        } else {
            v.note(holder.who + " has the keyboard; you watch until they detach");
        }
        if (freshPrompt) {
            typeNow(new byte[]{'\r'});
        }
        onChange.run();
        return v;
    }

    private boolean idle(List<String> lines) {
        return history.isEmpty() || (!lines.isEmpty() && IDLE_PROMPT.matcher(lines.get(lines.size() - 1)).matches());
    }

    private void take(Viewer v) {
        holder = v;
        for (Viewer other : viewers) {
            if (other == v) {
                other.note("you have the keyboard; detach with Ctrl-]");
            } else {
                other.note(v.who + " has the keyboard");
            }
        }
        applySize();
        onChange.run();
    }

    private void applySize() {
        Size size = holder == null ? null : holder.size;
        if (size == null || size.equals(applied) || terminal.shared()) {
            return;
        }
        applied = size;
        terminal.resize(size).whenComplete((r, e) -> {
            if (e != null) {
                log.debug("console {}: resizing to {} failed: {}", node, size, e.toString());
            }
        });
    }

    private synchronized CompletableFuture<Void> type(Viewer v, byte[] bytes) {
        if (v.gone || bytes.length == 0) {
            return CompletableFuture.completedFuture(null);
        }
        if (holder == null && !v.readOnly) {
            take(v);
        }
        if (holder != v) {
            if (TERMINAL_REPORT.matcher(new String(bytes, StandardCharsets.ISO_8859_1)).matches()) {
                return CompletableFuture.completedFuture(null); // a watcher's terminal answering the shell's cursor query
            }
            if (!v.toldBusy) {
                v.toldBusy = true;
                v.note(v.readOnly ? "read-only: what you type is dropped"
                        : holder.who + " has the keyboard: what you type is dropped until they detach");
            }
            return CompletableFuture.completedFuture(null);
        }
        Typed typed = typeNow(bytes);
        if (typed.held() && !v.toldHeld) {
            v.toldHeld = true;
            v.note("queued: an exec is running; what you type is typed when it has finished");
        }
        return typed.written();
    }

    private Typed typeNow(byte[] bytes) {
        Typed typed = terminal.type(bytes);
        typed.written().whenComplete((r, e) -> {
            if (e != null) {
                log.debug("console {}: typing failed: {}", node, e.toString());
            }
        });
        return typed;
    }

    private synchronized void resize(Viewer v, Size size) {
        v.size = size;
        if (holder == v) {
            applySize();
        }
    }

    private synchronized void leave(Viewer v) {
        if (v.gone) {
            return;
        }
        v.gone = true;
        viewers.remove(v);
        if (holder == v) {
            holder = null;
            for (Viewer other : viewers) {
                other.toldBusy = false;
                if (!other.readOnly) {
                    other.note(v.who + " detached; the keyboard is free: type to take it");
                }
            }
        }
        onChange.run();
    }

    private synchronized void fanout(byte[] chunk) {
        history.append(chunk);
        for (Viewer v : viewers) {
            v.out.onData(chunk);
        }
    }

    private synchronized void closeViewers() {
        for (Viewer v : List.copyOf(viewers)) {
            v.gone = true;
            v.out.onClose();
        }
        viewers.clear();
        holder = null;
        onChange.run();
    }

    /** Runs {@code r} after every change of viewers or keyboard (for status displays and tests); replaces the last one. */
    public void onChange(Runnable r) {
        onChange = r;
    }

    /** Who holds the keyboard, or null. */
    public synchronized String holder() {
        return holder == null ? null : holder.who;
    }

    public synchronized int viewerCount() {
        return viewers.size();
    }

    @Override
    public void close() {
        output.close();
        closeViewers();
        terminal.close();
    }

    /** One attached person: what they type and their terminal's size go through here. */
    public final class Viewer implements AutoCloseable {

        private final String who;
        private final boolean readOnly;
        private final ConsoleListener out;
        private Size size;
        private boolean toldBusy;
        private boolean toldHeld;
        private boolean gone;

        private Viewer(String who, boolean readOnly, Size size, ConsoleListener out) {
            this.who = who;
            this.readOnly = readOnly;
            this.size = size;
            this.out = out;
        }

        /**
         * Types on the node's console if this viewer holds the keyboard (or takes it, being free);
         * completes when the bytes are written, or at once when they are dropped.
         */
        public CompletableFuture<Void> type(byte[] bytes) {
            return ConsoleBroker.this.type(this, bytes);
        }

        /** This viewer's terminal has a new size; the guest's follows while this viewer holds the keyboard. */
        public void resize(Size newSize) {
            ConsoleBroker.this.resize(this, newSize);
        }

        private void send(String text) {
            out.onData(text.getBytes(StandardCharsets.UTF_8));
        }

        /** A line from netloom to this viewer only, never typed on the node. */
        private void note(String text) {
            send("\r\n[netloom: " + text + "]\r\n");
        }

        /** Detaches; the keyboard is freed if this viewer held it. */
        @Override
        public void close() {
            leave(this);
        }
    }
}

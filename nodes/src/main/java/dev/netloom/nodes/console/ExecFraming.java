package dev.netloom.nodes.console;

import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.Escape;
import dev.netloom.nodes.NodeLimits;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * Frames one command typed into a shell and parses its output back out of the console stream,
 * incrementally: chunks may split markers anywhere and output may be megabytes.
 *
 * <p>The typed line prints a start marker line, runs the command through {@code eval} in a subshell
 * with stdin from /dev/null (so {@code exit} or {@code cd} in one command cannot end or change the
 * console's shell, and a command cannot swallow the next typed line), then prints a newline and an end marker
 * carrying {@code $?}. Each marker is typed as two adjacent quoted strings ({@code '@@NL''S<id>'}), so
 * the marker text never appears in the typed line and an echoing shell cannot fake a match. Output is
 * what lies between the start marker's line end and the newline before the end marker, with the
 * terminal's CR LF turned back into LF and decoded as UTF-8 (invalid bytes become U+FFFD).
 *
 * <p>Memory stays bounded whatever the command prints: only a few raw bytes are held back (an end
 * marker candidate and the newline before it); the rest streams into a {@link CappedOutput} that
 * keeps the first {@code cap} bytes and counts the others.
 */
public final class ExecFraming {

    private static final String PREFIX = "@@NL";
    private static final int MAX_ID_LENGTH = 32;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_ID_LENGTH + "}");
    /** A canonical-mode tty line holds 4095 bytes; stay well below so the shell sees the whole line. */
    public static final int MAX_LINE_BYTES = 3500;
    /**
     * The longest command exec takes, in UTF-8 bytes as typed (a single quote is typed as the four
     * bytes '\''): with the framing of the longest id around it the line stays within
     * {@link #MAX_LINE_BYTES}, some 600 bytes under the tty's 4095. Scenario files are held to it too.
     */
    public static final int MAX_COMMAND_BYTES = MAX_LINE_BYTES - frame("x".repeat(MAX_ID_LENGTH), "").length();

    private enum State { SEEK_START, START_LINE_END, BODY, EXIT_CODE, DONE }

    /** A CR the tty may double is allowed this often between the exit code and its LF. */
    private static final int MAX_MARKER_CRS = 2;

    private final String id;
    private final Kmp start;
    private final Kmp end;
    private final CappedOutput output;
    private final int holdBack;  // raw body bytes not yet passed to output: marker candidate + CR LF before it
    private State state = State.SEEK_START;
    private byte[] held;
    private int heldLength;
    private int markerAt;        // where the end marker candidate begins in held
    private long exitCode;
    private int exitDigits;
    private int markerCrs;

    /** Framing with the default output cap ({@link NodeLimits#DEFAULT_EXEC_OUTPUT_CAP}). */
    public ExecFraming(String id) {
        this(id, NodeLimits.DEFAULT_EXEC_OUTPUT_CAP);
    }

    /** Framing whose output keeps at most {@code outputCap} bytes (after CR LF became LF). */
    public ExecFraming(String id, long outputCap) {
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("exec id must match " + ID + ": " + id);
        }
        NodeLimits.checkExecOutputCap(outputCap);
        this.id = id;
        this.start = new Kmp((PREFIX + "S" + id).getBytes(StandardCharsets.US_ASCII));
        this.end = new Kmp((PREFIX + "E" + id + " ").getBytes(StandardCharsets.US_ASCII));
        this.output = new CappedOutput(outputCap);
        this.holdBack = end.length() + 2;
        this.held = new byte[4 * holdBack];
    }

    public String id() {
        return id;
    }

    /**
     * The line to type (with its final newline) that runs {@code command} between this id's markers.
     * Rejects commands that {@link #problem} finds fault with.
     */
    public String line(String command) {
        String problem = problem(command);
        if (problem != null) {
            throw new BadInputException(problem);
        }
        return frame(id, command);
    }

    private static String frame(String id, String command) {
        return "printf '%s\\n' '" + PREFIX + "''S" + id + "'; (eval '" + command.replace("'", "'\\''")
                + "') </dev/null; printf '\\n%s %d\\n' '" + PREFIX + "''E" + id + "' $?\n";
    }

    /**
     * Why {@code command} cannot be typed into a console, or null when it can. Control characters
     * (C0 including tab and newline, DEL, C1) are refused: the tty would act on them (Ctrl-C, Ctrl-D,
     * Ctrl-U) or a newline would end the line early and type the rest as a second command. So is a
     * command longer than {@link #MAX_COMMAND_BYTES} as typed, which the tty would cut off.
     */
    public static String problem(String command) {
        for (int i = 0; i < command.length(); i++) {
            char c = command.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                return "command contains the control character " + Escape.escaped(c) + " at index " + i
                        + "; the serial console would act on it (a newline would start a second command)."
                        + " Keep each command on one line and write such characters as printf escapes: " + Escape.oneLine(command);
            }
        }
        int bytes = command.getBytes(StandardCharsets.UTF_8).length;
        int typed = typedBytes(command);
        if (typed > MAX_COMMAND_BYTES) {
            return "command is " + bytes + " bytes" + (typed != bytes ? " (" + typed + " as typed: each ' is typed as '\\'')" : "")
                    + ", the limit is " + MAX_COMMAND_BYTES + " bytes (the serial console's 4095-byte line, less netloom's framing);"
                    + " copy a script to the node and run that instead";
        }
        return null;
    }

    /** The command's UTF-8 length once quoted for the framing: each single quote becomes four bytes. */
    public static int typedBytes(String command) {
        int quotes = (int) command.chars().filter(c -> c == '\'').count();
        return command.getBytes(StandardCharsets.UTF_8).length + 3 * quotes;
    }

    /** Feeds console bytes; returns true once the end marker with its exit status has been read. */
    public boolean feed(byte[] bytes, int off, int len) {
        int i = off;
        int limit = off + len;
        while (i < limit && state != State.DONE) {
            switch (state) {
                case SEEK_START -> i = seekStart(bytes, i, limit);
                case START_LINE_END -> i = startLineEnd(bytes[i], i);
                case BODY -> i = body(bytes, i, limit);
                case EXIT_CODE -> i = exitCode(bytes[i], i);
                default -> throw new IllegalStateException(state.name());
            }
        }
        return state == State.DONE;
    }

    public boolean feed(byte[] bytes) {
        return feed(bytes, 0, bytes.length);
    }

    public boolean isDone() {
        return state == State.DONE;
    }

    /** True once the start marker has been seen: the command is running. */
    public boolean started() {
        return state.ordinal() >= State.BODY.ordinal();
    }

    /** The command's exit status; only once {@link #isDone()}. */
    public int exitCode() {
        requireDone();
        return (int) exitCode;
    }

    /** The command's output, up to the cap; only once {@link #isDone()}. */
    public String output() {
        requireDone();
        return output.text();
    }

    /** True when the output was longer than the cap and {@link #output()} holds only its first part. */
    public boolean truncated() {
        return output.dropped() > 0;
    }

    /** Bytes of output read but not kept. */
    public long droppedBytes() {
        return output.dropped();
    }

    /** What the command has printed so far, up to the cap (for a command that timed out). */
    public String partialOutput() {
        return soFar().text();
    }

    /** Bytes of the output so far that the cap dropped (for a command that timed out). */
    public long partialDroppedBytes() {
        return soFar().dropped();
    }

    private CappedOutput soFar() {
        if (state == State.DONE) {
            return output;
        }
        CappedOutput sofar = output.copy();
        sofar.write(held, 0, state == State.EXIT_CODE ? markerAt : heldLength);
        sofar.finish();
        return sofar;
    }

    private int seekStart(byte[] bytes, int i, int limit) {
        for (; i < limit; i++) {
            if (start.advance(bytes[i])) {
                state = State.START_LINE_END;
                return i + 1;
            }
        }
        return i;
    }

    private int startLineEnd(byte b, int i) {
        if (b == '\r') {
            return i + 1; // onlcr: the marker line ends in CR LF
        }
        if (b == '\n') {
            state = State.BODY;
            return i + 1;
        }
        // the id was only a prefix of a longer one (an old marker): look again from this byte
        start.reset();
        state = State.SEEK_START;
        return i;
    }

    private int body(byte[] bytes, int i, int limit) {
        for (; i < limit; i++) {
            if (heldLength >= 2 * holdBack) {
                pass(heldLength - holdBack);
            }
            hold(bytes[i]);
            if (end.advance(bytes[i])) {
                markerAt = heldLength - end.length();
                exitCode = 0;
                exitDigits = 0;
                markerCrs = 0;
                state = State.EXIT_CODE;
                return i + 1;
            }
        }
        return i;
    }

    private int exitCode(byte b, int i) {
        if (b >= '0' && b <= '9' && exitDigits < 9) {
            exitCode = exitCode * 10 + (b - '0');
            exitDigits++;
            hold(b);
            return i + 1;
        }
        if (b == '\r' && exitDigits > 0 && markerCrs < MAX_MARKER_CRS) {
            markerCrs++;
            hold(b);
            return i + 1;
        }
        if (b == '\n' && exitDigits > 0) {
            output.write(held, 0, withoutFramingNewline(markerAt));
            output.finish();
            heldLength = 0;
            state = State.DONE;
            return i + 1;
        }
        // not our marker after all (the command printed the marker text): it was output
        end.reset();
        state = State.BODY;
        return i;
    }

    /** {@code length} without the one newline (LF or CR LF) the end marker's printf put before the marker. */
    private int withoutFramingNewline(int length) {
        if (length > 0 && held[length - 1] == '\n') {
            length--;
            if (length > 0 && held[length - 1] == '\r') {
                length--;
            }
        }
        return length;
    }

    private void hold(byte b) {
        if (heldLength == held.length) {
            held = Arrays.copyOf(held, held.length * 2);
        }
        held[heldLength++] = b;
    }

    /** Passes the oldest {@code n} held bytes on to the output; they can no longer be part of a marker. */
    private void pass(int n) {
        output.write(held, 0, n);
        System.arraycopy(held, n, held, 0, heldLength - n);
        heldLength -= n;
    }

    private void requireDone() {
        if (state != State.DONE) {
            throw new IllegalStateException("exec " + id + " has not finished");
        }
    }

    /** Streaming Knuth-Morris-Pratt search for one fixed byte string. */
    private static final class Kmp {
        private final byte[] needle;
        private final int[] fallback;
        private int matched;

        Kmp(byte[] needle) {
            this.needle = needle;
            this.fallback = new int[needle.length];
            for (int i = 1, k = 0; i < needle.length; i++) {
                while (k > 0 && needle[i] != needle[k]) {
                    k = fallback[k - 1];
                }
                if (needle[i] == needle[k]) {
                    k++;
                }
                fallback[i] = k;
            }
        }

        /** Consumes one byte; true when it completes the needle (and the search starts over). */
        boolean advance(byte b) {
            while (matched > 0 && b != needle[matched]) {
                matched = fallback[matched - 1];
            }
            if (b == needle[matched]) {
                matched++;
            }
            if (matched == needle.length) {
                matched = 0;
                return true;
            }
            return false;
        }

        void reset() {
            matched = 0;
        }

        int length() {
            return needle.length;
        }
    }
}

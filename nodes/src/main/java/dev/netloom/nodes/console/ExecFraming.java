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
 * <p>The framing is a shell function, {@link #INSTALL}ed once in the console's shell (and again by
 * every resync), so that each command types only {@code $_n ID 'COMMAND'}: on an emulated UART every
 * typed byte costs the guest an interrupt's share, and the framed line of old was 100 bytes before the
 * command. The function prints a start marker line {@code @SID}, runs the command through {@code eval}
 * in a subshell with stdin from /dev/null and no positional parameters (so {@code exit} or {@code cd}
 * in one command cannot end or change the console's shell, and a command cannot swallow the next typed
 * line), then prints the end marker {@code @EID STATUS}. The markers are assembled by the function, so
 * they never appear in a typed line and an echoing shell cannot fake a match. Output is what lies
 * between the start marker's line end and the end marker, with the terminal's CR LF turned back into
 * LF and decoded as UTF-8 (invalid bytes become U+FFFD).
 *
 * <p>The subshell is the most expensive part of the line: a fork costs a guest under software
 * emulation some 3 ms, three times a whole {@code true} typed raw. A command that cannot change the
 * shell it runs in ({@link InShellCommands#runsInShell}: one simple command, no expansions, quotes, operators or
 * redirections, whose program is not a shell builtin or keyword other than {@code true}, {@code false},
 * {@code echo}, {@code test} or {@code pwd}) is typed as {@code $_m ID 'COMMAND'} instead, whose
 * function runs it in the console's shell itself: an external program is then forked once, as at a
 * prompt, and a builtin not at all. Either way, stdin is /dev/null and the output and status are the same.
 *
 * <p>The functions are called through the variables {@code _n} and {@code _m}, installed with them. A shell that lost them
 * (it was replaced: an init respawned it) expands {@code $_n} to nothing and runs the id as a command,
 * which it reports as not found, naming the id: the framing sees {@code ID: } before any start marker
 * and reports {@link #functionMissing()}; the command did not run, and the session installs the
 * function again and types it anew.
 *
 * <p>Memory stays bounded whatever the command prints: only a few raw bytes are held back (an end
 * marker candidate); the rest streams into a {@link CappedOutput} that keeps the first {@code cap}
 * bytes and counts the others.
 */
public final class ExecFraming {

    /** The shell function that frames a command in a subshell: {@code _nl ID COMMAND}. */
    static final String FUNCTION = "_nl";
    /** The variable through which each command calls the function, so that a shell without it says which id it could not run. */
    static final String VARIABLE = "_n";
    /** The function that frames a command {@link InShellCommands#runsInShell} accepts, run in the shell itself. */
    static final String IN_SHELL_FUNCTION = "_nm";
    /** The variable through which such a command calls it. */
    static final String IN_SHELL_VARIABLE = "_m";
    private static final String START = "@S";
    private static final String END = "@E";
    /**
     * Defines both functions and their variables (no newline). {@code eval "set --;$2"} runs the
     * command with no positional parameters, as at a prompt, in a subshell; the in-shell function
     * needs no {@code set --}, since its commands expand nothing. The functions' own status is always
     * 0; the command's travels in the end marker.
     */
    public static final String INSTALL = FUNCTION + "(){ printf '" + START + "%s\\n' \"$1\";(eval \"set --;$2\")</dev/null;"
            + "printf '" + END + "%s %d\\n' \"$1\" $?;};"
            + IN_SHELL_FUNCTION + "(){ printf '" + START + "%s\\n' \"$1\";eval \"$2\"</dev/null;"
            + "printf '" + END + "%s %d\\n' \"$1\" $?;};" + VARIABLE + "=" + FUNCTION + " " + IN_SHELL_VARIABLE + "=" + IN_SHELL_FUNCTION;
    private static final int MAX_ID_LENGTH = 32;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_ID_LENGTH + "}");
    /** A canonical-mode tty line holds 4095 bytes; stay well below so the shell sees the whole line. */
    public static final int MAX_LINE_BYTES = 3500;
    /**
     * The longest command exec takes, in UTF-8 bytes as typed (a single quote is typed as the four
     * bytes '\''). It is the limit of the earlier framing, whose line was 143 bytes longer, kept so that
     * scenario files keep theirs; with the longest id (or with the function's definition, as a resync
     * types it) the line stays within {@link #MAX_LINE_BYTES}, some 600 bytes under the tty's 4095.
     */
    public static final int MAX_COMMAND_BYTES = 3357;

    private enum State { SEEK_START, START_LINE_END, BODY, EXIT_CODE, DONE, MISSING }

    /** A CR the tty may double is allowed this often between the exit code and its LF. */
    private static final int MAX_MARKER_CRS = 2;

    private final String id;
    private final Kmp start;
    private final Kmp end;
    private final Kmp missing;
    private final CappedOutput output;
    private final int holdBack;  // raw body bytes not yet passed to output: an end marker candidate
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
        this.start = new Kmp((START + id).getBytes(StandardCharsets.US_ASCII));
        this.end = new Kmp((END + id + " ").getBytes(StandardCharsets.US_ASCII));
        this.missing = new Kmp((id + ": ").getBytes(StandardCharsets.US_ASCII));
        this.output = new CappedOutput(outputCap);
        this.holdBack = end.length();
        this.held = new byte[4 * holdBack];
    }

    public String id() {
        return id;
    }

    /**
     * The line to type (with its final newline) that runs {@code command} between this id's markers,
     * through the function a shell got from {@link #INSTALL}. Rejects commands that {@link #problem}
     * finds fault with.
     */
    public String line(String command) {
        return "$" + (InShellCommands.runsInShell(command) ? IN_SHELL_VARIABLE : VARIABLE) + " " + id + " " + quoted(command) + "\n";
    }

    /**
     * The line to type that (re)installs the function and runs {@code command} through it, for a shell
     * that may not have it: {@code prefix} (shell settings ending in a separator) comes first.
     */
    public String installingLine(String prefix, String command) {
        return prefix + INSTALL + ";" + FUNCTION + " " + id + " " + quoted(command) + "\n";
    }

    private static String quoted(String command) {
        String problem = problem(command);
        if (problem != null) {
            throw new BadInputException(problem);
        }
        return "'" + command.replace("'", "'\\''") + "'";
    }

    /**
     * Why {@code command} cannot be typed into a console, or null when it can. Control characters
     * (C0 including tab and newline, DEL, C1) are refused: the tty would act on them (Ctrl-C, Ctrl-D,
     * Ctrl-U) or a newline would end the line early and type the rest as a second command. So is a
     * command longer than {@link #MAX_COMMAND_BYTES} as typed.
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

    /**
     * Feeds console bytes; returns true once the end marker with its exit status has been read, or
     * once the shell said it has no framing function ({@link #functionMissing()}).
     */
    public boolean feed(byte[] bytes, int off, int len) {
        int i = off;
        int limit = off + len;
        while (i < limit && !finished()) {
            switch (state) {
                case SEEK_START -> i = seekStart(bytes, i, limit);
                case START_LINE_END -> i = startLineEnd(bytes[i], i);
                case BODY -> i = body(bytes, i, limit);
                case EXIT_CODE -> i = exitCode(bytes[i], i);
                default -> throw new IllegalStateException(state.name());
            }
        }
        return finished();
    }

    public boolean feed(byte[] bytes) {
        return feed(bytes, 0, bytes.length);
    }

    private boolean finished() {
        return state == State.DONE || state == State.MISSING;
    }

    public boolean isDone() {
        return state == State.DONE;
    }

    /**
     * True when the shell reported this id as a command it could not find before any start marker:
     * it had no framing function (a new shell), so the command did not run. Nothing more is read.
     */
    public boolean functionMissing() {
        return state == State.MISSING;
    }

    /** True once the start marker has been seen: the command is running. */
    public boolean started() {
        return state == State.BODY || state == State.EXIT_CODE || state == State.DONE;
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
            if (missing.advance(bytes[i])) {
                state = State.MISSING;
                return i + 1;
            }
            if (start.advance(bytes[i])) {
                state = State.START_LINE_END;
                return i + 1;
            }
        }
        return i;
    }

    private int startLineEnd(byte b, int i) {
        if (b == '\r') {
            missing.advance(b);
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
            output.write(held, 0, markerAt);
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

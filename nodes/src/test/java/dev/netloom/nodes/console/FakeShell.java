package dev.netloom.nodes.console;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Plays the guest's shell on a {@link ConsoleFixture}: reads the lines a {@link ShellSession} types,
 * knows whether the framing function is installed (a sync line installs it, a respawn loses it) and
 * answers as busybox ash, dash or bash would, markers included. Timing stays in the test's hands.
 */
final class FakeShell {

    /** How each shell reports a command it cannot find. */
    enum Flavour {
        ASH("-sh: %s: not found\r\n"), DASH("sh: 1: %s: not found\r\n"), BASH("-bash: %s: command not found\r\n");

        final String notFound;

        Flavour(String notFound) {
            this.notFound = notFound;
        }
    }

    /** One typed line: the exec line {@code $_n ID 'CMD'} (or {@code $_m}) or a sync line that installs the function first. */
    record Typed(String raw, boolean interrupt, boolean installs, String id, String command) {
    }

    private static final Pattern CALL = Pattern.compile("(\\$_n|\\$_m|_nl) ([A-Za-z0-9._-]+) '((?:[^']|'\\\\'')*)'\n");

    final ConsoleFixture node;
    private final Flavour flavour;
    private boolean installed;
    private boolean echo;

    FakeShell(ConsoleFixture node, Flavour flavour) {
        this.node = node;
        this.flavour = flavour;
    }

    FakeShell(ConsoleFixture node) {
        this(node, Flavour.ASH);
    }

    /** The one line typed since the last call, parsed; a sync line installs the function (and turns echo off). */
    Typed typed() {
        String raw = node.typed();
        Matcher m = CALL.matcher(raw);
        assertThat(m.find()).as("a framed line in %s", raw).isTrue();
        assertThat(m.end()).as("exactly one line in %s", raw).isEqualTo(raw.length());
        boolean interrupt = raw.startsWith("\u0003");
        String before = raw.substring(interrupt ? 1 : 0, m.start());
        boolean installs = m.group(1).equals("_nl");
        if (installs) {
            assertThat(before).isEqualTo(ShellSession.SETTINGS + ExecFraming.INSTALL + ";");
        } else {
            assertThat(before).isEmpty();
        }
        Typed t = new Typed(raw, interrupt, installs, m.group(2), m.group(3).replace("'\\''", "'"));
        if (echo) {
            node.receive(raw.substring(interrupt ? 1 : 0).replace("\n", "\r\n"));
        }
        if (installs) {
            installed = true;
            echo = false;
        }
        return t;
    }

    /** Answers {@code t} as the shell would: markers around the output, or "not found" without the function. */
    FakeShell answer(Typed t, String output, int exit) {
        if (!installed) {
            node.receive(String.format(flavour.notFound, t.id()) + prompt());
        } else {
            node.receive("@S" + t.id() + "\r\n" + output.replace("\n", "\r\n") + "@E" + t.id() + " " + exit + "\r\n" + prompt());
        }
        return this;
    }

    /**
     * The shell exits and a new one starts in its place, as the tiny image's init does: without the
     * function, and echoing typed lines when {@code echoOn} (a getty resets the tty; the tiny init does not).
     */
    FakeShell respawn(boolean echoOn) {
        installed = false;
        echo = echoOn;
        node.receive("\r\n\r\nBusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) built-in shell (ash)\r\n\r\nn1:/root# ");
        return this;
    }

    boolean installed() {
        return installed;
    }

    private String prompt() {
        return installed ? ShellSession.PROMPT : "n1:/root# ";
    }
}

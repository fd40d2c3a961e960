package dev.netloom.api;

import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.console.ConsoleBroker;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a console client sends, split into keystrokes, resizes and the detach (docs/api.md,
 * node.console). A resize is xterm's "resize the text area" sequence, ESC [ 8 ; ROWS ; COLS t, which
 * terminals print but keyboards never send. A sequence split across reads is held back once it is
 * past "ESC [ 8" (a lone Escape, vi's favourite key, never waits); anything else is typed as it is.
 */
final class ConsoleInput {

    /** Ctrl-]: the telnet escape, as in {@code virsh console}. */
    static final byte DETACH = 0x1d;

    private static final Pattern RESIZE = Pattern.compile("\u001b\\[8;(\\d{1,4});(\\d{1,4})t");
    private static final Pattern RESIZE_PREFIX = Pattern.compile("\u001b\\[8(;\\d{0,4}(;\\d{0,4})?)?");

    /** One piece of client input. */
    sealed interface Event {
    }

    record Typed(byte[] bytes) implements Event {
    }

    record Resize(ConsoleBroker.Size size) implements Event {
    }

    record Detach() implements Event {
    }

    private byte[] pending = new byte[0];

    /** The events in {@code chunk} (with what an earlier chunk left unfinished); nothing after a detach. */
    List<Event> feed(byte[] chunk) {
        byte[] in = pending.length == 0 ? chunk : concat(pending, chunk);
        pending = new byte[0];
        String text = new String(in, StandardCharsets.ISO_8859_1);
        List<Event> events = new ArrayList<>();
        ByteArrayOutputStream typed = new ByteArrayOutputStream();
        for (int i = 0; i < in.length; i++) {
            byte b = in[i];
            if (b == DETACH) {
                flush(typed, events);
                events.add(new Detach());
                return events;
            }
            if (b == 0x1b) {
                Matcher m = RESIZE.matcher(text).region(i, text.length());
                if (m.lookingAt()) {
                    flush(typed, events);
                    resize(m, events);
                    i = m.end() - 1;
                    continue;
                }
                if (RESIZE_PREFIX.matcher(text.substring(i)).matches()) {
                    pending = Arrays.copyOfRange(in, i, in.length);
                    break;
                }
            }
            typed.write(b);
        }
        flush(typed, events);
        return events;
    }

    private static void resize(Matcher m, List<Event> events) {
        try {
            events.add(new Resize(new ConsoleBroker.Size(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)))));
        } catch (BadInputException e) {
            // a size no terminal has: ignored, like a terminal ignores it
        }
    }

    private static void flush(ByteArrayOutputStream typed, List<Event> events) {
        if (typed.size() > 0) {
            events.add(new Typed(typed.toByteArray()));
            typed.reset();
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** The bytes that ask for a resize to {@code size}. */
    static byte[] resizeSequence(ConsoleBroker.Size size) {
        return ("\u001b[8;" + size.rows() + ";" + size.cols() + "t").getBytes(StandardCharsets.US_ASCII);
    }
}

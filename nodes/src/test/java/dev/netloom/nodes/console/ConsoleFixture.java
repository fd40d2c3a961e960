package dev.netloom.nodes.console;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A console over an EmbeddedChannel with frozen, hand-driven time: the test plays the node, feeding
 * console output and reading what the controller typed. No processes, no sockets, no waiting.
 */
final class ConsoleFixture {

    final EmbeddedChannel channel = new EmbeddedChannel();
    private long now = 1_000_000_000L;
    final ConsoleSession console;

    ConsoleFixture() {
        this(null);
    }

    ConsoleFixture(Path transcript) {
        this(transcript, dev.netloom.nodes.NodeLimits.DEFAULT_TRANSCRIPT_CAP);
    }

    /** A console whose transcript is rotated at {@code transcriptCap} bytes. */
    ConsoleFixture(Path transcript, long transcriptCap) {
        channel.freezeTime();
        console = new ConsoleSession(channel, transcript, transcriptCap, () -> now);
    }

    /** The node prints text (ISO-8859-1, so "\u00ff" is the byte 0xff). */
    ConsoleFixture receive(String text) {
        return receive(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    ConsoleFixture receive(byte[] bytes) {
        channel.writeInbound(Unpooled.wrappedBuffer(bytes));
        channel.runPendingTasks();
        return this;
    }

    /** Moves the console clock and the event loop's timers forward together, running what falls due. */
    ConsoleFixture advance(Duration d) {
        now += d.toNanos();
        channel.advanceTimeBy(d.toNanos(), TimeUnit.NANOSECONDS);
        channel.runPendingTasks();
        return this;
    }

    void runTasks() {
        channel.runPendingTasks();
    }

    /** Everything typed on the console since the last call. */
    String typed() {
        channel.runPendingTasks();
        StringBuilder out = new StringBuilder();
        ByteBuf buf;
        while ((buf = channel.readOutbound()) != null) {
            out.append(buf.toString(StandardCharsets.ISO_8859_1));
            buf.release();
        }
        return out.toString();
    }
}

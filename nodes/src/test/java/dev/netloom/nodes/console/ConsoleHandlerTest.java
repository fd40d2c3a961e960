package dev.netloom.nodes.console;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

class ConsoleHandlerTest {

    private final ByteArrayOutputStream seen = new ByteArrayOutputStream();
    private int closes;
    private final ConsoleListener sink = new ConsoleListener() {
        @Override
        public void onData(byte[] chunk) {
            seen.writeBytes(chunk);
        }

        @Override
        public void onClose() {
            closes++;
        }
    };

    @Test
    void channelRead_passesEveryChunkToTheSink() {
        EmbeddedChannel channel = new EmbeddedChannel(new ConsoleHandler(sink));
        channel.writeInbound(new byte[] {'a', 'b'}, new byte[0], new byte[] {(byte) 0xff});
        assertThat(seen.toByteArray()).containsExactly('a', 'b', 0xff);
        assertThat(channel.inboundMessages()).isEmpty(); // consumed, not passed on
    }

    @Test
    void close_tellsTheSinkOnce() {
        EmbeddedChannel channel = new EmbeddedChannel(new ConsoleHandler(sink));
        channel.close();
        channel.finish();
        assertThat(closes).isEqualTo(1);
    }
}

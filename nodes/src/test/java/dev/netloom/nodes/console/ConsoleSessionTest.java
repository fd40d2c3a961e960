package dev.netloom.nodes.console;

import dev.netloom.nodes.NetloomException;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConsoleSessionTest {

    @TempDir
    Path dir;

    @Test
    void receive_writesEveryByteToTheTranscript() throws Exception {
        Path transcript = dir.resolve("console.log");
        ConsoleFixture node = new ConsoleFixture(transcript);
        node.receive("hello\r\n").receive(new byte[] {(byte) 0xff, 0, 1}).receive("bye");
        node.console.close();
        node.runTasks();
        assertThat(node.console.closeFuture()).isCompleted();
        byte[] expected = {'h', 'e', 'l', 'l', 'o', '\r', '\n', (byte) 0xff, 0, 1, 'b', 'y', 'e'};
        assertThat(Files.readAllBytes(transcript)).containsExactly(expected);
    }

    @Test
    void expect_whenPromptSplitAcrossBuffers_matches() {
        ConsoleFixture node = new ConsoleFixture();
        CompletableFuture<ConsoleMatch> prompt = node.console.expect(Pattern.compile("n1:/root# "));
        node.receive("n1:/ro");
        assertThat(prompt).isNotDone();
        node.receive("ot# ");
        assertThat(prompt.join().end()).isEqualTo(node.console.offset());
    }

    @Test
    void attach_seesDataUntilDetached_andHearsClose() {
        ConsoleFixture node = new ConsoleFixture();
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        boolean[] closed = {false};
        Attachment attachment = node.console.attach(new ConsoleListener() {
            @Override
            public void onData(byte[] chunk) {
                seen.writeBytes(chunk);
            }

            @Override
            public void onClose() {
                closed[0] = true;
            }
        });
        node.receive("one ");
        node.receive("two ");
        attachment.close();
        node.receive("three");
        assertThat(seen.toString()).isEqualTo("one two ");
        node.console.attach(chunk -> { });
        node.console.close();
        node.runTasks();
        assertThat(closed[0]).isFalse();
    }

    @Test
    void attach_whenAReaderThrows_othersStillSeeData() {
        ConsoleFixture node = new ConsoleFixture();
        StringBuilder seen = new StringBuilder();
        node.console.attach(chunk -> { throw new IllegalStateException("broken reader"); });
        node.console.attach(chunk -> seen.append(new String(chunk)));
        node.receive("data");
        assertThat(seen).hasToString("data");
    }

    @Test
    void send_whenAHumanHoldsTheWriter_fails_andWorksAfterRelease() {
        ConsoleFixture node = new ConsoleFixture();
        WriterLease lease = node.console.acquireWriter("alice");
        assertThatThrownBy(() -> node.console.acquireWriter("bob")).hasMessageContaining("taken by alice");
        assertThat(node.console.send("ls\n")).isCompletedExceptionally();
        lease.send("whoami\n");
        assertThat(node.typed()).isEqualTo("whoami\n");
        lease.close();
        assertThat(lease.send("late\n")).isCompletedExceptionally();
        node.console.send("ls\n");
        assertThat(node.typed()).isEqualTo("ls\n");
    }

    @Test
    void close_failsPendingExpectationsWithLastLines() {
        ConsoleFixture node = new ConsoleFixture();
        CompletableFuture<ConsoleMatch> prompt = node.console.expect(Pattern.compile("# "));
        node.receive("Kernel panic - not syncing\r\n");
        node.console.close();
        node.runTasks();
        assertThatThrownBy(prompt::join).hasCauseInstanceOf(NetloomException.class)
                .hasMessageContaining("Kernel panic - not syncing");
    }

    @Test
    void lastOutputNanos_followsTheClock() {
        ConsoleFixture node = new ConsoleFixture();
        long before = node.console.lastOutputNanos();
        node.advance(Duration.ofSeconds(5)).receive("x");
        assertThat(node.console.lastOutputNanos() - before).isEqualTo(Duration.ofSeconds(5).toNanos());
    }

    @Test
    void connect_whenSocketAppearsLate_retriesUntilItIsThere() throws Exception {
        EventLoopGroup group = ConsoleSession.newEventLoopGroup(1);
        Path socket = dir.resolve("late.sock");
        Thread server = new Thread(() -> {
            try {
                Thread.sleep(300); // QEMU creates its socket a moment after it starts
                try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                    listener.bind(UnixDomainSocketAddress.of(socket));
                    try (SocketChannel peer = listener.accept()) {
                        peer.write(ByteBuffer.wrap("console up\r\n".getBytes(StandardCharsets.US_ASCII)));
                        Thread.sleep(500);
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        server.start();
        try {
            ConsoleSession session = ConsoleSession.connect(socket, dir.resolve("late.log"), group,
                    Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
            assertThat(session.expect(Pattern.compile("console up"), 0).get(5, TimeUnit.SECONDS).start()).isZero();
            session.close();
            session.closeFuture().get(5, TimeUnit.SECONDS);
            assertThat(dir.resolve("late.log")).hasContent("console up\r\n");
        } finally {
            server.join(5000);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    @Test
    void connect_whenSocketNeverAppears_failsNamingTheSocket() {
        EventLoopGroup group = ConsoleSession.newEventLoopGroup(1);
        try {
            Path socket = dir.resolve("missing.sock");
            CompletableFuture<ConsoleSession> session =
                    ConsoleSession.connect(socket, dir.resolve("t.log"), group, Duration.ofMillis(200));
            assertThatThrownBy(() -> session.get(5, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(NetloomException.class)
                    .hasMessageContaining(socket.toString());
            assertThat(dir.resolve("t.log")).doesNotExist();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}

package dev.netloom.nodes.console;

import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A console session over a real socket (a Unix socket this test listens on, as QEMU does): what a
 * sender types goes into the socket from the sender's thread, in order, and never after a close.
 */
class ConsoleSocketTest {

    @TempDir
    Path dir;

    private EventLoopGroup group;
    private ServerSocketChannel listener;
    private SocketChannel node;
    private ConsoleSession console;

    @BeforeEach
    void connect() throws Exception {
        group = ConsoleSession.newEventLoopGroup(1);
        Path socket = dir.resolve("console.sock");
        listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        listener.bind(UnixDomainSocketAddress.of(socket));
        var session = ConsoleSession.connect(socket, null, group, Duration.ofSeconds(5));
        node = listener.accept();
        console = session.get(5, TimeUnit.SECONDS);
    }

    @AfterEach
    void close() throws Exception {
        console.close();
        node.close();
        listener.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    @Test
    void send_fromAnotherThread_typesWithoutTheEventLoop() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch held = new CountDownLatch(1);
        console.eventLoop().execute(() -> {
            held.countDown();
            awaitQuietly(release);
        });
        try {
            held.await(5, TimeUnit.SECONDS);
            // the loop is busy: the line can only arrive if this thread typed it itself
            assertThat(console.send("$_m a.1 'true'\n").isDone()).isTrue();
            assertThat(read(15)).isEqualTo("$_m a.1 'true'\n");
        } finally {
            release.countDown();
        }
    }

    @Test
    void send_moreThanTheSocketTakes_keepsTheOrderOfEverySend() throws Exception {
        byte[] big = new byte[1 << 20];
        Arrays.fill(big, (byte) 'x');
        var first = console.send(big);      // fills the socket; the rest goes through the channel
        var second = console.send("after\n"); // must not overtake what the channel still holds
        String received = read(big.length + 6);
        first.get(5, TimeUnit.SECONDS);
        second.get(5, TimeUnit.SECONDS);
        assertThat(received).hasSize(big.length + 6).startsWith("xxxx").endsWith("x" + "after\n");
        assertThat(received.indexOf("after")).isEqualTo(big.length);
    }

    @Test
    void send_afterTheNodeClosedItsEnd_failsAndTheSessionCloses() throws Exception {
        node.close(); // QEMU exited: the session half-closes, then closes itself
        console.closeFuture().get(5, TimeUnit.SECONDS);
        assertThatThrownBy(() -> console.send("true\n").get(5, TimeUnit.SECONDS))
                .hasMessageContaining("console is closed");
    }

    @Test
    void send_afterClose_fails() {
        console.close();
        assertThatThrownBy(() -> console.send("true\n").get(5, TimeUnit.SECONDS))
                .hasMessageContaining("console is closed");
    }

    private String read(int bytes) throws Exception {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        while (got.size() < bytes) {
            buf.clear();
            int n = node.read(buf);
            assertThat(n).as("the session closed its end early").isPositive();
            got.write(buf.array(), 0, n);
        }
        return got.toString(StandardCharsets.ISO_8859_1);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

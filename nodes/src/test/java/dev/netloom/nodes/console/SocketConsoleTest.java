package dev.netloom.nodes.console;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JDK console transport over a real Unix socket this test listens on, as QEMU does: idle output is
 * read by the console's loop, a caller in {@link ConsoleSession#readWhile} reads its answer on its own
 * thread, and every byte reaches the readers and the transcript once, in order, whoever read it.
 */
class SocketConsoleTest {

    @TempDir
    Path dir;

    private ServerSocketChannel listener;
    private SocketChannel node;
    private ConsoleSession console;
    private final List<String> readBy = new CopyOnWriteArrayList<>();
    private final StringBuffer seen = new StringBuffer();

    @BeforeEach
    void connect() throws Exception {
        Path socket = dir.resolve("console.sock");
        listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        listener.bind(UnixDomainSocketAddress.of(socket));
        var session = ConsoleSession.connect(socket, dir.resolve("console.log"), null, Duration.ofSeconds(5));
        node = listener.accept();
        console = session.get(5, TimeUnit.SECONDS);
        console.attach(chunk -> {
            readBy.add(Thread.currentThread().getName());
            seen.append(new String(chunk, StandardCharsets.ISO_8859_1));
        });
    }

    @AfterEach
    void close() throws Exception {
        console.close();
        node.close();
        listener.close();
    }

    @Test
    void idleOutput_isReadByTheConsolesLoop() throws Exception {
        var boot = console.expect(Pattern.compile("login: "));
        nodeSays("Linux version 6.1\nlogin: ");
        boot.get(5, TimeUnit.SECONDS);
        assertThat(readBy).allMatch(name -> name.startsWith("netloom-console-nio"));
    }

    @Test
    void readWhile_readsTheAnswerOnTheCallersThread() throws Exception {
        var booted = console.expect(Pattern.compile("booted"));
        nodeSays("booted\n");
        booted.get(5, TimeUnit.SECONDS);
        CompletableFuture<Void> answered = console.expect(Pattern.compile("@E1 0")).thenApply(m -> null);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch held = new CountDownLatch(1);
        console.eventLoop().execute(() -> {
            held.countDown();
            awaitQuietly(release);
        });
        try {
            held.await(5, TimeUnit.SECONDS); // the loop is busy (and done with the boot line): only this thread can read
            readBy.clear();
            console.send("$_m 1 'true'\n").get(5, TimeUnit.SECONDS);
            nodeSays("@S1\n@E1 0\n");
            console.readWhile(answered, Duration.ofSeconds(5));
            assertThat(answered).isDone();
            assertThat(readBy).containsOnly(Thread.currentThread().getName());
        } finally {
            release.countDown();
        }
    }

    @Test
    void everyByte_reachesReadersAndTranscriptOnceInOrder_whoeverReadIt() throws Exception {
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            String line = "line " + i + "\n";
            expected.append(line);
            CompletableFuture<Void> got = console.expect(Pattern.compile("line " + i + "\n")).thenApply(m -> null);
            if (i % 2 == 0) {
                startThread(() -> nodeSaysQuietly(line));
                console.readWhile(got, Duration.ofSeconds(5)); // this thread reads
            } else {
                nodeSays(line);                               // the loop reads
            }
            got.get(5, TimeUnit.SECONDS);
        }
        console.close();
        console.closeFuture().get(5, TimeUnit.SECONDS); // after the last reader had its chunk
        assertThat(seen.toString()).isEqualTo(expected.toString());
        assertThat(Files.readString(dir.resolve("console.log"))).isEqualTo(expected.toString());
    }

    @Test
    void readWhile_returnsWhenTheNodeClosesItsEnd() throws Exception {
        var booted = console.expect(Pattern.compile("booted"));
        nodeSays("booted\n");
        booted.get(5, TimeUnit.SECONDS);
        CompletableFuture<Void> never = new CompletableFuture<>();
        startThread(() -> {
            try {
                node.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        long t0 = System.nanoTime();
        console.readWhile(never, Duration.ofSeconds(20));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        console.closeFuture().get(5, TimeUnit.SECONDS);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void startThread(Runnable r) {
        new Thread(r, "node-side").start();
    }

    private void nodeSays(String text) throws Exception {
        ByteBuffer out = ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
        while (out.hasRemaining()) {
            node.write(out);
        }
    }

    private void nodeSaysQuietly(String text) {
        try {
            nodeSays(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

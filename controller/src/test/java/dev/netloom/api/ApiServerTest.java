package dev.netloom.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.netloom.lab.LabEvent;
import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.console.ConsoleSession;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static dev.netloom.api.JsonLineCodec.MAPPER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The server on real sockets (Unix and loopback TCP) against a fake lab, with {@link ApiClient}: no QEMU, no root. */
class ApiServerTest {

    private static EventLoopGroup group;

    @TempDir
    Path dir;
    private FakeOps ops;
    private EventHub events;
    private ApiServer server;
    private Path socket;

    @BeforeAll
    static void loops() {
        group = ConsoleSession.newEventLoopGroup(1);
    }

    @AfterAll
    static void stopLoops() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    @BeforeEach
    void start() {
        ops = new FakeOps();
        ops.autoExec = FakeOps::ok;
        events = new EventHub();
        socket = dir.resolve("api.sock");
        server = ApiServer.start(ops, events, socket, group, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                dir.resolve("api.token"), () -> { });
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void unixSocket_isOwnerOnly_andAnswers() throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
        assertThat(Files.getPosixFilePermissions(socket.getParent())).doesNotContain(java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE);
        try (ApiClient c = ApiClient.connect(socket, Duration.ofSeconds(2))) {
            JsonNode r = c.call("node.exec", MAPPER.createObjectNode().put("node", "n1").put("command", "echo hi"), Duration.ofSeconds(5));
            assertThat(r.path("output").asText()).isEqualTo("echo hi");
        }
    }

    @Test
    void client_errorAnswer_isApiExceptionWithCode() {
        try (ApiClient c = ApiClient.connect(socket, Duration.ofSeconds(2))) {
            assertThatThrownBy(() -> c.call("node.exec", MAPPER.createObjectNode().put("node", "zz").put("command", "true"), Duration.ofSeconds(5)))
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.code()).isEqualTo(-32001);
                        assertThat(e.exitCode()).isEqualTo(2);
                    })
                    .hasMessageContaining("nodes: n1, n2");
        }
    }

    @Test
    void client_noAnswerInTime_isTimeout() {
        ops.autoExec = null;
        try (ApiClient c = ApiClient.connect(socket, Duration.ofSeconds(2))) {
            assertThatThrownBy(() -> c.call("node.exec", MAPPER.createObjectNode().put("node", "n1").put("command", "sleep 9"), Duration.ofMillis(200)))
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(-32003));
        }
    }

    @Test
    void manyClients_concurrently_eachGetTheirOwnAnswers() {
        List<CompletableFuture<Void>> clients = new java.util.ArrayList<>();
        for (int k = 0; k < 20; k++) {
            int client = k;
            clients.add(CompletableFuture.runAsync(() -> {
                try (ApiClient c = ApiClient.connect(socket, Duration.ofSeconds(2))) {
                    List<CompletableFuture<JsonNode>> calls = new java.util.ArrayList<>();
                    for (int i = 0; i < 50; i++) {
                        calls.add(c.callAsync("node.exec", MAPPER.createObjectNode().put("node", "n" + (i % 2 + 1)).put("command", "echo " + client + "-" + i)));
                    }
                    for (int i = 0; i < 50; i++) {
                        assertThat(calls.get(i).join().path("output").asText()).isEqualTo("echo " + client + "-" + i);
                    }
                }
            }));
        }
        CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).join();
        assertThat(ops.execs).hasSize(1000);
    }

    @Test
    void tcp_token_fileIsOwnerOnly_wrongTokenRefused_rightTokenWorks() throws Exception {
        Path tokenFile = dir.resolve("api.token");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile))).isEqualTo("rw-------");
        String token = Files.readString(tokenFile).strip();
        assertThat(token).matches("[0-9a-f]{64}");
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.tcpPort());
        assertThat(server.tcpPort()).isPositive();

        assertThatThrownBy(() -> ApiClient.connectTcp(address, "0".repeat(64), Duration.ofSeconds(2)))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(-32005));
        try (ApiClient c = ApiClient.connectTcp(address, token, Duration.ofSeconds(2))) {
            assertThat(c.call("lab.status", null, Duration.ofSeconds(2)).path("lab").asText()).isEqualTo("fake");
        }
    }

    @Test
    void tcp_ninthConnectionWaitingForAuth_isRefusedAtOnce_whileTheEightCanStillAuthenticate() throws Exception {
        ApiLimits limits = ApiLimits.DEFAULTS.withAuthTimeout(Duration.ofMinutes(1)); // the test must not race the deadline
        try (ApiServer limited = ApiServer.start(ops, events, dir.resolve("l.sock"), group, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                dir.resolve("l.token"), () -> { }, limits)) {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), limited.tcpPort());
            List<java.net.Socket> waiting = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < limits.maxUnauthenticated(); i++) {
                    waiting.add(socket(address));
                }
                try (java.net.Socket ninth = socket(address)) {
                    java.io.BufferedReader in = reader(ninth);
                    JsonNode refused = MAPPER.readTree(in.readLine());
                    assertThat(refused.path("error").path("code").asInt()).isEqualTo(ApiException.BUSY);
                    assertThat(refused.path("error").path("message").asText()).contains("8 connections are already waiting to authenticate");
                    assertThat(in.readLine()).as("closed after the refusal").isNull();
                }
                String token = Files.readString(limited.tokenFile()).strip();
                for (java.net.Socket s : waiting) {
                    s.getOutputStream().write(("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"auth\",\"params\":{\"token\":\"" + token + "\"}}\n")
                            .getBytes(StandardCharsets.UTF_8));
                    assertThat(MAPPER.readTree(reader(s).readLine()).path("result").path("authenticated").asBoolean()).isTrue();
                }
            } finally {
                for (java.net.Socket s : waiting) {
                    s.close();
                }
            }
        }
    }

    private static java.net.Socket socket(InetSocketAddress address) throws java.io.IOException {
        java.net.Socket s = new java.net.Socket(address.getAddress(), address.getPort());
        s.setSoTimeout(10_000); // a read that would hang fails the test instead
        return s;
    }

    private static java.io.BufferedReader reader(java.net.Socket s) throws java.io.IOException {
        return new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
    }

    @Test
    void tcp_nonLoopbackAddress_isRefused() {
        assertThatThrownBy(() -> ApiServer.start(ops, events, dir.resolve("b.sock"), group, new InetSocketAddress("0.0.0.0", 0),
                dir.resolve("b.token"), () -> { }))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("loopback");
    }

    @Test
    void events_reachTheSubscriber() {
        List<JsonNode> seen = new CopyOnWriteArrayList<>();
        CompletableFuture<JsonNode> first = new CompletableFuture<>();
        try (ApiClient c = ApiClient.connect(socket, Duration.ofSeconds(2))) {
            c.subscribe(List.of("link"), e -> {
                seen.add(e);
                first.complete(e);
            });
            events.publish(LabEvent.of(LabEvent.Kind.LINK, "n1-n2", "down"));
            assertThat(first).succeedsWithin(Duration.ofSeconds(5))
                    .satisfies(e -> assertThat(e.path("detail").asText()).isEqualTo("down"));
            assertThat(seen).hasSize(1);
        }
    }

    @Test
    void labStats_isOneReading_andStatsEventsComeOnlyToThoseWhoAskForThem() {
        try (ApiClient c = ApiClient.connect(socket, Duration.ofSeconds(2))) {
            JsonNode stats = c.call("lab.stats", JsonLineCodec.MAPPER.createObjectNode(), Duration.ofSeconds(5));
            assertThat(stats.path("lab").asText()).isEqualTo(ops.info().lab());
            assertThat(stats.path("links")).extracting(l -> l.path("direction").asText()).containsExactlyInAnyOrder("n1->n2", "n2->n1");
            assertThat(stats.path("links").get(0).path("packets").asLong()).isEqualTo(1);
            assertThat(stats.path("nodes")).extracting(n -> n.path("node").asText()).containsExactly("n1", "n2");

            List<JsonNode> others = new CopyOnWriteArrayList<>();
            try (ApiClient all = ApiClient.connect(socket, Duration.ofSeconds(2))) {
                all.subscribe(null, others::add); // every lab event type, which is not stats
                CompletableFuture<JsonNode> reading = new CompletableFuture<>();
                c.subscribe(List.of("stats"), reading::complete);
                assertThat(reading).succeedsWithin(ApiServer.STATS_INTERVAL.multipliedBy(5))
                        .satisfies(e -> {
                            assertThat(e.path("kind").asText()).isEqualTo("stats");
                            assertThat(e.path("stats").path("links").get(0).path("packets").asLong()).isGreaterThan(1);
                        });
                assertThat(others).isEmpty();
            }
        }
    }

    @Test
    void console_streamsBothWays_untilCtrlBracket() throws Exception {
        PipedOutputStream keys = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(keys);
        WatchedOutput screen = new WatchedOutput();
        try (ApiClient c = ApiClient.connect(socket, Duration.ofSeconds(2))) {
            CompletableFuture<Void> session = CompletableFuture.runAsync(() -> c.console("n1", in, screen));
            assertThat(ops.whenConsole(() -> ops.viewers("n1") == 1)).succeedsWithin(Duration.ofSeconds(5));
            keys.write("uname\r".getBytes(StandardCharsets.UTF_8));
            keys.flush(); // wakes the reading end now: PipedInputStream only notices unflushed bytes within 1 s
            // the first writer of a console that printed nothing yet gets a fresh prompt (an Enter), then types
            assertThat(ops.whenConsole(() -> ops.typed().equals("\runame\r"))).as(() -> "typed: " + ops.typed())
                    .succeedsWithin(Duration.ofSeconds(5));
            ops.consoleReaders.get(0).onData("Linux\r\n".getBytes(StandardCharsets.UTF_8));
            assertThat(screen.whenContains("[netloom: you have the keyboard; detach with Ctrl-]]\r\nLinux\r\n"))
                    .as(() -> "screen: " + screen.text()).succeedsWithin(Duration.ofSeconds(5));
            keys.write(0x1d);
            keys.flush();
            session.get(5, TimeUnit.SECONDS);
            assertThat(ops.whenConsole(() -> ops.viewers("n1") == 0)).succeedsWithin(Duration.ofSeconds(5));
        }
    }

    @Test
    void console_endOfInput_ends() throws Exception {
        try (ApiClient c = ApiClient.connect(socket, Duration.ofSeconds(2))) {
            CompletableFuture.runAsync(() -> c.console("n1", new ByteArrayInputStream("date\n".getBytes(StandardCharsets.UTF_8)),
                    new ByteArrayOutputStream())).get(5, TimeUnit.SECONDS);
            assertThat(ops.typed()).isEqualTo("\rdate\n");
        }
    }

    @Test
    void close_removesTheSocketAndTokenFiles_andEndsConnections() {
        ApiClient c = ApiClient.connect(socket, Duration.ofSeconds(2));
        server.close();
        assertThat(socket).doesNotExist();
        assertThat(dir.resolve("api.token")).doesNotExist();
        assertThat(c.closed()).succeedsWithin(Duration.ofSeconds(5));
        assertThatThrownBy(() -> ApiClient.connect(socket, Duration.ofMillis(100))).hasMessageContaining("is the lab running");
    }
}

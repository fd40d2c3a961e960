package dev.netloom.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netloom.lab.Lab;
import dev.netloom.nodes.console.ConsoleSession;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static dev.netloom.api.JsonLineCodec.MAPPER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The socket API of a real lab of three tiny nodes, on a real Unix socket and loopback TCP. */
@Tag("e2e")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ApiE2ETest {

    private static final String SCENARIO = """
            { "name": "apie2e",
              "defaults": { "image": "tiny" },
              "nodes": ["a", "b", "c"],
              "links": [ {"between": ["a", "b"]}, {"between": ["b", "c"]} ],
              "routing": "static" }
            """;
    private static final List<String> NODES = List.of("a", "b", "c");
    private static final Duration CALL = Duration.ofSeconds(120);

    private static Lab lab;
    private static EventLoopGroup group;
    private static ApiServer server;
    private static Path socket;
    private static final CompletableFuture<Void> downAsked = new CompletableFuture<>();

    @BeforeAll
    static void up() {
        lab = ApiLabFixture.up(SCENARIO);
        group = ConsoleSession.newEventLoopGroup(1);
        socket = lab.paths().dir().resolve("api.sock");
        server = ApiServer.start(lab, socket, group, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                lab.paths().dir().resolve("api.token"), () -> downAsked.complete(null));
    }

    @AfterAll
    static void down() throws Exception {
        try {
            if (server != null) {
                try (ApiClient c = ApiClient.connect(socket, Duration.ofSeconds(5))) {
                    assertThat(c.call("lab.down", null, CALL).isEmpty()).isTrue();
                }
                downAsked.get(30, TimeUnit.SECONDS); // the lab process would run lab.down() here
                server.close();
            }
        } finally {
            if (lab != null) {
                lab.down();
            }
            if (group != null) {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    @Order(1)
    void status_nodes_links_topology_describeTheLab() throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
        try (ApiClient c = client()) {
            JsonNode status = c.call("lab.status", null, CALL);
            assertThat(status.path("lab").asText()).isEqualTo("apie2e");
            assertThat(status.path("state").asText()).isEqualTo("READY");
            assertThat(status.path("namespace").asText()).isEqualTo("nl-apie2e");
            assertThat(status.path("socket").asText()).isEqualTo(socket.toString());
            assertThat(status.path("nodes")).hasSize(3).allMatch(n -> n.path("pid").asLong() > 0 && n.path("bootMillis").asLong() > 0);

            JsonNode nodes = c.call("nodes.list", null, CALL);
            assertThat(nodes.get(1).path("name").asText()).isEqualTo("b");
            assertThat(nodes.get(1).path("interfaces")).hasSize(2);
            assertThat(nodes.get(1).path("interfaces").get(0).path("address").asText()).contains("/");

            JsonNode links = c.call("links.list", null, CALL);
            assertThat(links).hasSize(2);
            assertThat(links.get(0).path("name").asText()).isEqualTo("a-b");
            assertThat(links.get(0).path("members").get(0).path("interface").asText()).isEqualTo("eth0");

            JsonNode dot = c.call("topology.get", MAPPER.createObjectNode().put("format", "dot"), CALL);
            assertThat(dot.path("dot").asText()).contains("\"a\" -- \"b\"");
            JsonNode view = c.call("topology.get", null, CALL);
            assertThat(view.path("nodes").get(1).path("neighbours")).hasSize(2);
        }
    }

    @Test
    @Order(2)
    void exec_reportsExitCodes() {
        try (ApiClient c = client()) {
            assertThat(exec(c, "a", "echo hello").path("output").asText()).isEqualTo("hello\n");
            assertThat(exec(c, "a", "true").path("exitCode").asInt()).isZero();
            assertThat(exec(c, "b", "false").path("exitCode").asInt()).isEqualTo(1);
            JsonNode missing = exec(c, "c", "no-such-command");
            assertThat(missing.path("exitCode").asInt()).isEqualTo(127);
            assertThat(missing.path("output").asText()).contains("not found");
            JsonNode slow = c.call("node.exec", MAPPER.createObjectNode().put("node", "a").put("command", "sleep 5").put("timeout", "1s"), CALL);
            assertThat(slow.path("timedOut").asBoolean()).isTrue();
            assertThat(exec(c, "a", "echo after").path("output").asText()).isEqualTo("after\n");

            JsonNode all = c.call("node.execAll", MAPPER.createObjectNode().put("command", "hostname"), CALL);
            for (String n : NODES) {
                assertThat(all.path("results").path(n).path("output").asText()).isEqualTo(n + "\n");
            }
        }
    }

    @Test
    @Order(3)
    void fiftyClients_twentyExecsEach_everyAnswerOnceWithItsOwnOutput() {
        List<CompletableFuture<Void>> clients = new ArrayList<>();
        for (int k = 0; k < 50; k++) {
            int client = k;
            clients.add(CompletableFuture.runAsync(() -> {
                try (RawConn conn = RawConn.open(socket)) {
                    StringBuilder requests = new StringBuilder();
                    for (int i = 0; i < 20; i++) {
                        requests.append(request(i, "node.exec", MAPPER.createObjectNode().put("node", NODES.get((client + i) % 3))
                                .put("command", "echo " + client + "-" + i)));
                    }
                    conn.write(requests.toString());
                    Map<Integer, Integer> answered = new HashMap<>();
                    for (int n = 0; n < 20; n++) {
                        JsonNode r = conn.readJson();
                        int id = r.path("id").asInt();
                        answered.merge(id, 1, Integer::sum);
                        assertThat(r.path("result").path("exitCode").asInt()).isZero();
                        assertThat(r.path("result").path("output").asText()).isEqualTo(client + "-" + id + "\n");
                    }
                    assertThat(answered).hasSize(20).allSatisfy((id, times) -> assertThat(times).isEqualTo(1));
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            }));
        }
        CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).orTimeout(10, TimeUnit.MINUTES).join();
    }

    @Test
    @Order(4)
    void pipelinedRequests_onOneConnection_areAnsweredAsTheyComplete() throws IOException {
        try (RawConn conn = RawConn.open(socket)) {
            conn.write(request("slow", "node.exec", MAPPER.createObjectNode().put("node", "a").put("command", "sleep 1; echo slow"))
                    + request("fast", "node.exec", MAPPER.createObjectNode().put("node", "b").put("command", "echo fast"))
                    + request(3, "lab.status", null));
            List<String> order = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                JsonNode r = conn.readJson();
                order.add(r.path("id").asText());
                if (r.path("id").isTextual()) {
                    assertThat(r.path("result").path("output").asText()).isEqualTo(r.path("id").asText() + "\n");
                }
            }
            assertThat(order).containsExactlyInAnyOrder("slow", "fast", "3");
            assertThat(order.get(2)).isEqualTo("slow");
        }
    }

    @Test
    @Order(5)
    void malformedJson_thenAValidRequest_onTheSameConnection() throws IOException {
        try (RawConn conn = RawConn.open(socket)) {
            conn.write("{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"node.exec\", \"params\": {\"node\": \"a\",\n");
            JsonNode err = conn.readJson();
            assertThat(err.path("error").path("code").asInt()).isEqualTo(-32700);
            conn.write(request(2, "node.exec", MAPPER.createObjectNode().put("node", "a").put("command", "echo still here")));
            JsonNode ok = conn.readJson();
            assertThat(ok.path("id").asInt()).isEqualTo(2);
            assertThat(ok.path("result").path("output").asText()).isEqualTo("still here\n");
        }
    }

    @Test
    @Order(6)
    void unknownMethod_isMethodNotFound() {
        try (ApiClient c = client()) {
            assertThatThrownBy(() -> c.call("node.reboot", null, CALL))
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(-32601))
                    .hasMessageContaining("node.exec");
        }
    }

    @Test
    @Order(7)
    void oversizeLine_closesThatConnection_whileAnotherClientKeepsWorking() throws Exception {
        try (RawConn big = RawConn.open(socket); ApiClient other = client()) {
            CompletableFuture<JsonNode> during = other.callAsync("node.exec", MAPPER.createObjectNode().put("node", "b").put("command", "sleep 1; echo other"));
            byte[] junk = new byte[(1 << 20) + 4096];
            Arrays.fill(junk, (byte) 'x');
            try {
                big.write(junk);
            } catch (IOException e) {
                // the server may close before it has read everything
            }
            JsonNode err = big.readJson();
            assertThat(err.path("error").path("message").asText()).contains("line over 1 MiB");
            assertThat(big.closedByServer()).isTrue();
            assertThat(during.get(60, TimeUnit.SECONDS).path("output").asText()).isEqualTo("other\n");
            assertThat(exec(other, "b", "echo later").path("output").asText()).isEqualTo("later\n");
        }
    }

    @Test
    @Order(8)
    void clientKilledDuringAnExec_leavesTheNodeUsable() throws Exception {
        // watch c's automation console (people's consoles never show execs) to know when the exec has
        // really started, then kill its client mid-way
        ConsoleSession automation = lab.nodes().get("c").console();
        CompletableFuture<dev.netloom.nodes.console.ConsoleMatch> started = automation.expect(java.util.regex.Pattern.compile("@S"));
        RawConn doomed = RawConn.open(socket);
        doomed.write(request(1, "node.exec", MAPPER.createObjectNode().put("node", "c").put("command", "sleep 3; echo done")));
        assertThat(started).as(() -> "console: " + automation.lastLines(10)).succeedsWithin(Duration.ofSeconds(30));
        doomed.close();
        try (ApiClient c = client()) {
            long t0 = System.nanoTime();
            JsonNode r = exec(c, "c", "echo alive");
            assertThat(r.path("exitCode").asInt()).isZero();
            assertThat(r.path("output").asText()).isEqualTo("alive\n");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThan(Duration.ofSeconds(2)); // it waited for the sleep
            assertThat(exec(c, "c", "echo again").path("output").asText()).isEqualTo("again\n");
        }
    }

    @Test
    @Order(9)
    void linkSet_andLinkState_changeTheRunningLab() {
        try (ApiClient c = client()) {
            JsonNode set = c.call("link.set", MAPPER.createObjectNode().put("link", "a-b").put("direction", "a->b")
                    .set("impairment", MAPPER.createObjectNode().put("delay", "100ms")), CALL);
            assertThat(set.path("impairments").path("a->b").path("delay").asText()).isEqualTo("100ms");
            assertThat(set.path("engines").path("a->b").asText()).isNotEqualTo("none");
            assertThat(exec(c, "b", "tc qdisc show dev eth0").path("output").asText()).doesNotContain("delay 100");
            assertThat(exec(c, "a", "tc qdisc show dev eth0").path("output").asText()).contains("delay 100");
            JsonNode cleared = c.call("link.set", MAPPER.createObjectNode().put("link", "a-b").put("clear", true), CALL);
            assertThat(cleared.path("impairments").path("a->b").isEmpty()).isTrue();

            JsonNode down = c.call("link.state", MAPPER.createObjectNode().put("link", "b-c").put("up", false), CALL);
            assertThat(down.path("up").asBoolean()).isFalse();
            assertThat(exec(c, "a", "ping -c 1 -w 2 c").path("exitCode").asInt()).isNotZero();
            c.call("link.state", MAPPER.createObjectNode().put("link", "b-c").put("up", true), CALL);
            assertThat(exec(c, "a", "ping -c 1 -w 5 c || ping -c 1 -w 5 c").path("exitCode").asInt()).isZero();
        }
    }

    @Test
    @Order(10)
    void console_streamsTheNodesShell_andLeavesItUsable() throws Exception {
        PipedOutputStream keys = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(keys);
        WatchedOutput screen = new WatchedOutput();
        try (ApiClient human = client(); ApiClient robot = client()) {
            CompletableFuture<Void> session = CompletableFuture.runAsync(() -> human.console("b", in, screen));
            // no need to wait for the attach: typed bytes wait in the pipe until the console is streaming
            keys.write("echo con$((40+2))\r".getBytes(StandardCharsets.UTF_8));
            keys.flush(); // wakes the reading end now: PipedInputStream only notices unflushed bytes within 1 s
            assertThat(screen.whenContains("con42")).as(() -> "screen: " + screen.text()).succeedsWithin(Duration.ofSeconds(30));
            keys.write(0x1d);
            keys.flush();
            session.get(30, TimeUnit.SECONDS);
            assertThat(exec(robot, "b", "echo robot").path("output").asText()).isEqualTo("robot\n");
        }
    }

    @Test
    @Order(11)
    void tcp_wrongTokenRefused_rightTokenWorks() throws Exception {
        InetSocketAddress tcp = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.tcpPort());
        assertThatThrownBy(() -> ApiClient.connectTcp(tcp, "f".repeat(64), Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(-32005));
        String token = Files.readString(server.tokenFile()).strip();
        try (ApiClient c = ApiClient.connectTcp(tcp, token, Duration.ofSeconds(5))) {
            assertThat(exec(c, "a", "echo tcp").path("output").asText()).isEqualTo("tcp\n");
        }
    }

    @Test
    @Order(12)
    void pythonClientFromTheDocs_works() throws Exception {
        Path doc = Path.of("..", "docs", "api.md");
        assertThat(doc).exists();
        org.junit.jupiter.api.Assumptions.assumeTrue(new ProcessBuilder("python3", "--version").start().waitFor() == 0, "python3 is missing");
        String md = Files.readString(doc);
        int start = md.indexOf("```python\n");
        assertThat(start).as("a python block in docs/api.md").isNotNegative();
        String code = md.substring(start + "```python\n".length(), md.indexOf("```", start + 10));
        Path script = Files.createTempFile("netloom-api", ".py");
        Files.writeString(script, code);
        try {
            Process p = new ProcessBuilder("python3", script.toString(), socket.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            System.err.println("python client said:\n" + out);
            assertThat(p.exitValue()).as(out).isZero();
            assertThat(out).contains("apie2e", "Linux");
        } finally {
            Files.deleteIfExists(script);
        }
    }

    @Test
    @Order(13)
    void measure_roundTrip_andThroughput() throws Exception {
        try (ApiClient c = client()) {
            for (int i = 0; i < 20; i++) {
                exec(c, "a", "true"); // warm up
            }
            long[] nanos = new long[200];
            for (int i = 0; i < nanos.length; i++) {
                long t0 = System.nanoTime();
                assertThat(exec(c, "a", "true").path("exitCode").asInt()).isZero();
                nanos[i] = System.nanoTime() - t0;
            }
            Arrays.sort(nanos);
            System.err.printf("API round trip of node.exec {command: true}, 200 calls from one client: median %.2f ms, p90 %.2f ms, min %.2f ms%n",
                    nanos[100] / 1e6, nanos[180] / 1e6, nanos[0] / 1e6);
        }
        AtomicLong done = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        List<CompletableFuture<Void>> clients = new ArrayList<>();
        for (int k = 0; k < 8; k++) {
            String node = NODES.get(k % 3);
            clients.add(CompletableFuture.runAsync(() -> {
                try (ApiClient c = client()) {
                    while (!stop.get()) {
                        exec(c, node, "true");
                        done.incrementAndGet();
                    }
                }
            }));
        }
        Thread.sleep(5000);
        long count = done.get();
        stop.set(true);
        CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        System.err.printf("API throughput: %d execs in 5 s with 8 clients over %d nodes = %.0f execs/s%n", count, NODES.size(), count / 5.0);
    }

    @Test
    @Order(14)
    void events_seeANodeRestart() throws Exception {
        List<JsonNode> seen = new CopyOnWriteArrayList<>();
        try (ApiClient watcher = client(); ApiClient c = client()) {
            CompletableFuture<JsonNode> configured = new CompletableFuture<>();
            watcher.subscribe(List.of("node"), e -> {
                seen.add(e);
                if (e.path("detail").asText().startsWith("configured")) {
                    configured.complete(e);
                }
            });
            JsonNode r = c.call("node.restart", MAPPER.createObjectNode().put("node", "c"), Duration.ofMinutes(5));
            assertThat(r.path("state").asText()).isEqualTo("READY");
            assertThat(configured).as(() -> "events seen: " + seen).succeedsWithin(Duration.ofSeconds(30));
            List<String> states = seen.stream().filter(e -> e.path("subject").asText().equals("c") && e.has("state"))
                    .map(e -> e.path("state").asText()).toList();
            System.err.println("node c states seen: " + states);
            assertThat(states).containsSubsequence("STOPPING", "STOPPED", "STARTING", "BOOTING", "READY");
            assertThat(exec(c, "c", "echo back").path("output").asText()).isEqualTo("back\n");
        }
    }

    // ---- helpers ----

    private static ApiClient client() {
        return ApiClient.connect(socket, Duration.ofSeconds(5));
    }

    private static JsonNode exec(ApiClient c, String node, String command) {
        return c.call("node.exec", MAPPER.createObjectNode().put("node", node).put("command", command), CALL);
    }

    private static String request(Object id, String method, ObjectNode params) {
        ObjectNode r = MAPPER.createObjectNode().put("jsonrpc", "2.0").put("method", method);
        r.set("id", MAPPER.valueToTree(id));
        if (params != null) {
            r.set("params", params);
        }
        return r + "\n";
    }

    /** A bare connection for what ApiClient would not send: raw lines, malformed JSON, oversize lines. */
    private static final class RawConn implements AutoCloseable {
        private final SocketChannel ch;
        private final BufferedReader in;

        private RawConn(SocketChannel ch) {
            this.ch = ch;
            this.in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
        }

        static RawConn open(Path socket) throws IOException {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket));
            return new RawConn(ch);
        }

        void write(String s) throws IOException {
            write(s.getBytes(StandardCharsets.UTF_8));
        }

        void write(byte[] bytes) throws IOException {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
        }

        String readLine() throws IOException {
            return in.readLine();
        }

        /** End of stream, or a reset (the server closed with our unread junk in its buffer). */
        boolean closedByServer() {
            try {
                return in.readLine() == null;
            } catch (IOException e) {
                return e.getMessage() != null && e.getMessage().contains("reset");
            }
        }

        JsonNode readJson() throws IOException {
            String line = in.readLine();
            assertThat(line).as("an answer before the connection closed").isNotNull();
            return MAPPER.readTree(line);
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }
}

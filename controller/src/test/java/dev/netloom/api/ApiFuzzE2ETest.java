package dev.netloom.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.netloom.lab.Lab;
import dev.netloom.nodes.console.ConsoleSession;
import dev.netloom.nodes.console.WriterLease;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.netloom.api.JsonLineCodec.MAPPER;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the API of a real one-node tiny lab for about 30 s, then checks that the node is still
 * fully usable: exact exec output, a console that can be taken for writing, a console that types.
 * Node actions and lab.down are only ever sent with broken params, and the commands are harmless
 * however one byte of them is mutated; nothing is typed on the console during the fuzz.
 */
@Tag("e2e")
class ApiFuzzE2ETest {

    private static final String SCENARIO = """
            { "name": "apifuzz",
              "defaults": { "image": "tiny" },
              "nodes": ["a"] }
            """;
    private static final Duration CALL = Duration.ofSeconds(60);

    private static Lab lab;
    private static EventLoopGroup group;
    private static ApiServer server;
    private static Path socket;

    @BeforeAll
    static void up() {
        lab = ApiLabFixture.up(SCENARIO);
        group = ConsoleSession.newEventLoopGroup(1);
        socket = lab.paths().dir().resolve("api.sock");
        server = ApiServer.start(lab, socket, group, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                lab.paths().dir().resolve("api.token"), () -> { });
    }

    @AfterAll
    static void down() {
        try {
            if (server != null) {
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
    void fuzz_thenExecIsExact_andTheConsoleCanBeTakenForWriting() throws Exception {
        long seed = Long.getLong("netloom.fuzz.seed", new Random().nextLong());
        String token = Files.readString(server.tokenFile()).strip();
        List<String> safe = List.of("lab.status", "nodes.list", "node.exec", "node.execAll", "links.list", "link.set", "link.state",
                "topology.get", "events.subscribe", "events.unsubscribe", "auth");
        RpcFuzzer.Target target = new RpcFuzzer.Target(safe, List.of("a"), List.of(),
                List.of("echo fuzz", "true", "hostname", "uname -s", "printf 'a%sb\\n' x", "cat /proc/uptime", "ls /nonexistent"),
                token, 256 << 10);
        InetSocketAddress tcp = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.tcpPort());
        ApiFuzz.Report report = ApiFuzz.run(new ApiFuzz.Settings(socket, tcp, token, target,
                Duration.ofSeconds(Long.getLong("netloom.fuzz.seconds", 30)), seed, 2, Duration.ofSeconds(60), false));
        assertThat(report.lines()).isPositive();

        try (ApiClient c = ApiClient.connect(socket, Duration.ofSeconds(5))) {
            JsonNode status = c.call("lab.status", null, CALL);
            assertThat(status.path("lab").asText()).isEqualTo("apifuzz");
            assertThat(status.path("state").asText()).isEqualTo("READY");
            String expected = IntStream.rangeClosed(1, 2000).mapToObj(Integer::toString).collect(Collectors.joining("\n", "", "\n"));
            assertThat(exec(c, "seq 1 2000").path("output").asText()).isEqualTo(expected);
            JsonNode exact = exec(c, "printf 'fuzz\\t%s|\\n' \"$((6*7))\"; exit 3");
            assertThat(exact.path("output").asText()).isEqualTo("fuzz\t42|\n");
            assertThat(exact.path("exitCode").asInt()).isEqualTo(3);
        }

        // no one holds the console's writer, and a human can type on it through the API
        try (WriterLease lease = lab.nodes().get("a").console().acquireWriter("apifuzz check")) {
            assertThat(lease.owner()).isEqualTo("apifuzz check");
        }
        PipedOutputStream keys = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(keys);
        WatchedOutput screen = new WatchedOutput();
        try (ApiClient human = ApiClient.connect(socket, Duration.ofSeconds(5))) {
            CompletableFuture<Void> session = CompletableFuture.runAsync(() -> human.console("a", in, screen));
            keys.write("echo con$((40+2))\r".getBytes(StandardCharsets.UTF_8));
            keys.flush();
            assertThat(screen.whenContains("con42")).as(() -> "screen: " + screen.text()).succeedsWithin(Duration.ofSeconds(10));
            keys.write(0x1d);
            keys.flush();
            session.get(30, TimeUnit.SECONDS);
        }
        try (ApiClient c = ApiClient.connect(socket, Duration.ofSeconds(5))) {
            assertThat(exec(c, "echo after").path("output").asText()).isEqualTo("after\n");
        }
    }

    private static JsonNode exec(ApiClient c, String command) {
        return c.call("node.exec", MAPPER.createObjectNode().put("node", "a").put("command", command), CALL);
    }
}

package dev.netloom.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.netloom.lab.LabEvent;
import dev.netloom.nodes.console.ConsoleSession;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static dev.netloom.api.JsonLineCodec.MAPPER;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes a real ApiServer (Unix socket and loopback TCP) in front of the fake lab, with events and
 * console output flowing meanwhile. {@code -Dnetloom.fuzz.seed=N} replays a run, {@code
 * -Dnetloom.fuzz.seconds=N} changes its length (8 s by default).
 */
class ApiFuzzTest {

    @TempDir
    Path dir;
    private EventLoopGroup group;
    private ScheduledExecutorService noise;
    private FakeOps ops;
    private ApiServer server;

    @BeforeEach
    void start() {
        group = ConsoleSession.newEventLoopGroup(1);
        noise = Executors.newSingleThreadScheduledExecutor();
        ops = new FakeOps();
        ops.autoExec = FakeOps::ok;
        EventHub events = new EventHub();
        server = ApiServer.start(ops, events, dir.resolve("api.sock"), group, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                dir.resolve("api.token"), () -> { });
        // the lab is never quiet: events for subscribers, output for attached consoles
        noise.scheduleAtFixedRate(() -> {
            events.publish(LabEvent.of(LabEvent.Kind.LINK, "n1-n2", "noise"));
            ops.consoleReaders.forEach(r -> r.onData("console noise\r\n".getBytes(StandardCharsets.US_ASCII)));
        }, 5, 5, TimeUnit.MILLISECONDS);
    }

    @AfterEach
    void stop() {
        noise.shutdownNow();
        server.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    @Test
    void fuzz_everyLineIsAnsweredOrClosedCleanly_andTheServerStaysWhole() throws Exception {
        long seed = Long.getLong("netloom.fuzz.seed", new Random().nextLong());
        String token = Files.readString(server.tokenFile()).strip();
        RpcFuzzer.Target target = new RpcFuzzer.Target(List.copyOf(RpcHandler.ALL_METHODS), ops.nodeNames(), ops.linkNames(),
                List.of("echo hi", "true", "hostname", "printf '%s\\n' x"), token, (1 << 20) + (256 << 10));
        InetSocketAddress tcp = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.tcpPort());
        ApiFuzz.Report report = ApiFuzz.run(new ApiFuzz.Settings(dir.resolve("api.sock"), tcp, token, target,
                Duration.ofSeconds(Long.getLong("netloom.fuzz.seconds", 8)), seed, 3, Duration.ofSeconds(10), true));
        assertThat(report.lines()).isPositive();
        assertThat(report.answers()).isGreaterThanOrEqualTo(report.lines());

        // no console viewer is left behind by the attaches and detaches
        assertThat(ops.whenConsole(() -> ops.brokers.values().stream().allMatch(b -> b.viewerCount() == 0)))
                .as("console viewers left: %s", ops.brokers).succeedsWithin(Duration.ofSeconds(5));
        try (ApiClient c = ApiClient.connect(dir.resolve("api.sock"), Duration.ofSeconds(2))) {
            JsonNode status = c.call("lab.status", null, Duration.ofSeconds(5));
            assertThat(status.path("lab").asText()).isEqualTo(ops.info().lab());
            assertThat(status.path("state").asText()).isEqualTo(ops.info().state());
            assertThat(names(status.path("nodes"))).isEqualTo(ops.nodeNames());
            String command = "echo after fuzz " + seed;
            assertThat(c.call("node.exec", MAPPER.createObjectNode().put("node", "n1").put("command", command), Duration.ofSeconds(5))
                    .path("output").asText()).isEqualTo(command);
        }
        String probe = "typed after fuzz " + seed + "\r";
        try (ApiClient c = ApiClient.connect(dir.resolve("api.sock"), Duration.ofSeconds(2))) {
            c.console("n1", new ByteArrayInputStream(probe.getBytes(StandardCharsets.UTF_8)), new ByteArrayOutputStream());
        }
        assertThat(ops.whenConsole(() -> ops.typed().endsWith(probe))).succeedsWithin(Duration.ofSeconds(5));
        try (ApiClient c = ApiClient.connectTcp(tcp, token, Duration.ofSeconds(5))) {
            assertThat(names(c.call("nodes.list", null, Duration.ofSeconds(5)))).isEqualTo(ops.nodeNames());
        }
    }

    private static List<String> names(JsonNode nodes) {
        List<String> out = new java.util.ArrayList<>();
        nodes.forEach(n -> out.add(n.path("name").asText()));
        return out;
    }
}

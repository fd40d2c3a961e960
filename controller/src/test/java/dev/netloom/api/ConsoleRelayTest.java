package dev.netloom.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netloom.capture.LinkCapture;
import dev.netloom.nodes.console.ConsoleSession;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.netloom.api.JsonLineCodec.MAPPER;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * node.console on a lab whose consoles are elsewhere (a coordinator's, docs/scale-out.md), against a
 * fake remote console on the real server: the remote's answer and first bytes reach the client, typed
 * bytes reach the remote, and either side's end ends the other.
 */
class ConsoleRelayTest {

    private static EventLoopGroup group;

    @TempDir
    Path dir;
    private ApiServer server;
    private final CompletableFuture<ObjectNode> asked = new CompletableFuture<>();
    private final CompletableFuture<Void> remoteEnded = new CompletableFuture<>();
    private final CompletableFuture<Void> closedByRelay = new CompletableFuture<>();

    /** A remote console that greets, then echoes what is typed in capitals. */
    private final class Relaying extends FakeOps {
        @Override
        public boolean relaysConsoles() {
            return true;
        }

        @Override
        public RelayedConsole relayConsole(String node, ObjectNode params, LinkCapture.Output out) {
            asked.complete(params);
            try {
                out.write(("hello from " + node + "'s host\r\n").getBytes(StandardCharsets.US_ASCII)); // before the switch: kept, then sent first
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return new RelayedConsole(MAPPER.createObjectNode().put("console", node).put("keyboard", "yours").put("relayed", true),
                    bytes -> out.write(new String(bytes, StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII)),
                    () -> closedByRelay.complete(null), remoteEnded);
        }
    }

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
        server = ApiServer.start(new Relaying(), new EventHub(), dir.resolve("api.sock"), group, null, null, () -> { });
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void theRemotesAnswerAndBytes_reachTheClient_andTypingReachesTheRemote() throws Exception {
        try (ApiClient c = ApiClient.connect(dir.resolve("api.sock"), Duration.ofSeconds(5))) {
            WatchedOutput screen = new WatchedOutput();
            JsonNode answer = c.attachConsole("n1", MAPPER.createObjectNode().put("name", "alice").put("rows", 30).put("cols", 100), screen);
            assertThat(answer.path("relayed").asBoolean()).isTrue();
            assertThat(asked.get(5, TimeUnit.SECONDS).path("name").asText()).isEqualTo("alice");
            screen.whenContains("hello from n1's host").get(5, TimeUnit.SECONDS);
            c.sendRaw("echo hi\r".getBytes(StandardCharsets.US_ASCII));
            screen.whenContains("ECHO HI").get(5, TimeUnit.SECONDS);
            assertThat(screen.text()).startsWith("hello from n1's host");
        }
        closedByRelay.get(5, TimeUnit.SECONDS); // the client went: the relay ends its side to the remote
    }

    @Test
    void theRemotesEnd_closesTheClient() throws Exception {
        try (ApiClient c = ApiClient.connect(dir.resolve("api.sock"), Duration.ofSeconds(5))) {
            WatchedOutput screen = new WatchedOutput();
            c.attachConsole("n2", MAPPER.createObjectNode(), screen);
            screen.whenContains("hello from n2's host").get(5, TimeUnit.SECONDS);
            remoteEnded.complete(null);
            c.closed().get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void badParams_areRefused_beforeAnyRemoteIsAsked() {
        try (ApiClient c = ApiClient.connect(dir.resolve("api.sock"), Duration.ofSeconds(5))) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.attachConsole("n1", MAPPER.createObjectNode().put("rows", 30), new WatchedOutput()))
                    .isInstanceOf(ApiException.class).hasMessageContaining("rows and cols go together");
            assertThat(asked).isNotDone();
        }
    }
}

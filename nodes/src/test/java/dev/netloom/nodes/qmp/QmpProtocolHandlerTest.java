package dev.netloom.nodes.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The QMP pipeline against scripted QEMU output: no sockets, no processes. */
class QmpProtocolHandlerTest {

    static final String GREETING = "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 22, \"minor\": 2, \"major\": 7},"
            + " \"package\": \"Debian 1:7.2+dfsg-7\"}, \"capabilities\": [\"oob\"]}}";

    private QmpProtocolHandler protocol;
    private EmbeddedChannel channel;

    @BeforeEach
    void setUp() {
        protocol = new QmpProtocolHandler("/run/lab/r1/qmp.sock");
        channel = new EmbeddedChannel(new QmpChannelInitializer(protocol));
    }

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
    }

    @Test
    void pipeline_isFramingThenJsonThenProtocol() {
        assertThat(channel.pipeline().names()).containsSubsequence("framing", "json", "qmp");
    }

    @Test
    void negotiation_afterGreeting_sendsCapabilitiesAndCompletesOnReturn() {
        inbound(GREETING);
        JsonNode request = outbound();
        assertThat(request.path("execute").asText()).isEqualTo("qmp_capabilities");
        assertThat(request.has("arguments")).isFalse();
        assertThat(protocol.negotiated()).isNotDone();

        inbound("{\"return\": {}, \"id\": " + request.get("id") + "}");

        assertThat(protocol.negotiated()).isCompleted();
        assertThat(protocol.negotiated().join().path("version").path("qemu").path("major").asInt()).isEqualTo(7);
    }

    @Test
    void negotiation_whenRefused_failsWithQmpError() {
        inbound(GREETING);
        JsonNode request = outbound();
        inbound("{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"nope\"}, \"id\": " + request.get("id") + "}");

        assertThatThrownBy(() -> protocol.negotiated().join())
                .hasCauseInstanceOf(QmpException.class)
                .hasMessageContaining("/run/lab/r1/qmp.sock");
    }

    @Test
    void execute_sendsCommandArgumentsAndId() {
        negotiate();
        var args = QmpJsonCodec.MAPPER.createObjectNode().put("device", "net0");
        protocol.execute("device_del", args);

        JsonNode request = outbound();
        assertThat(request.path("execute").asText()).isEqualTo("device_del");
        assertThat(request.path("arguments").path("device").asText()).isEqualTo("net0");
        assertThat(request.get("id").canConvertToLong()).isTrue();
    }

    @Test
    void execute_responsesOutOfOrder_areMatchedById() {
        negotiate();
        CompletableFuture<JsonNode> status = protocol.execute("query-status", null);
        CompletableFuture<JsonNode> name = protocol.execute("query-name", null);
        JsonNode statusRequest = outbound();
        JsonNode nameRequest = outbound();
        assertThat(statusRequest.get("id")).isNotEqualTo(nameRequest.get("id"));

        inbound("{\"return\": {\"name\": \"r1\"}, \"id\": " + nameRequest.get("id") + "}");
        assertThat(name).isCompleted();
        assertThat(status).isNotDone();
        inbound("{\"return\": {\"status\": \"running\", \"running\": true}, \"id\": " + statusRequest.get("id") + "}");

        assertThat(name.join().path("name").asText()).isEqualTo("r1");
        assertThat(status.join().path("status").asText()).isEqualTo("running");
    }

    @Test
    void execute_errorResponse_failsWithQmpExceptionCarryingClassAndDesc() {
        negotiate();
        CompletableFuture<JsonNode> result = protocol.execute("nonsense", null);
        inbound("{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"The command nonsense has not been found\"},"
                + " \"id\": " + outbound().get("id") + "}");

        assertThat(result).isCompletedExceptionally();
        Throwable cause = causeOf(result);
        assertThat(cause).isInstanceOf(QmpException.class)
                .hasMessageContaining("nonsense")
                .hasMessageContaining("/run/lab/r1/qmp.sock");
        QmpException qmp = (QmpException) cause;
        assertThat(qmp.errorClass()).isEqualTo("CommandNotFound");
        assertThat(qmp.desc()).isEqualTo("The command nonsense has not been found");
    }

    @Test
    void events_goToEveryListenerAndToTheNextAwaiterOfThatName() {
        negotiate();
        List<QmpEvent> seen = new ArrayList<>();
        protocol.addEventListener(e -> {
            throw new IllegalStateException("a broken listener must not stop the others");
        });
        protocol.addEventListener(seen::add);
        CompletableFuture<QmpEvent> reset = protocol.awaitEvent("RESET");
        CompletableFuture<QmpEvent> shutdown = protocol.awaitEvent("SHUTDOWN");

        inbound("{\"timestamp\": {\"seconds\": 1700000000, \"microseconds\": 123456}, \"event\": \"RESET\","
                + " \"data\": {\"guest\": false, \"reason\": \"host-qmp-system-reset\"}}");
        inbound("{\"timestamp\": {\"seconds\": 1700000001, \"microseconds\": 5}, \"event\": \"STOP\"}");

        assertThat(seen).extracting(QmpEvent::name).containsExactly("RESET", "STOP");
        assertThat(reset).isCompleted();
        QmpEvent event = reset.join();
        assertThat(event.timestampMicros()).isEqualTo(1_700_000_000_123_456L);
        assertThat(event.data().path("reason").asText()).isEqualTo("host-qmp-system-reset");
        assertThat(seen.get(1).data().isObject()).isTrue();
        assertThat(shutdown).isNotDone();

        // awaitEvent is for the next event only: a later RESET does not reuse the completed waiter
        CompletableFuture<QmpEvent> nextReset = protocol.awaitEvent("RESET");
        assertThat(nextReset).isNotDone();
    }

    @Test
    void inbound_frameSplitAcrossTwoBuffers_isReassembled() {
        negotiate();
        CompletableFuture<JsonNode> result = protocol.execute("query-status", null);
        long id = outbound().get("id").asLong();
        String line = "{\"return\": {\"status\": \"running\", \"running\": true}, \"id\": " + id + "}\r\n";
        int cut = line.indexOf("running\"") + 3;

        channel.writeInbound(bytes(line.substring(0, cut)));
        assertThat(result).isNotDone();
        channel.writeInbound(bytes(line.substring(cut)));

        assertThat(result.join().path("running").asBoolean()).isTrue();
    }

    @Test
    void inbound_twoMessagesInOneBuffer_areBothHandled() {
        negotiate();
        CompletableFuture<JsonNode> result = protocol.execute("system_reset", null);
        CompletableFuture<QmpEvent> reset = protocol.awaitEvent("RESET");
        long id = outbound().get("id").asLong();

        channel.writeInbound(bytes("{\"return\": {}, \"id\": " + id + "}\r\n"
                + "{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, \"event\": \"RESET\"}\r\n"));

        assertThat(result).isCompleted();
        assertThat(reset).isCompleted();
    }

    @Test
    void close_failsPendingCommandsAndEventWaiters() {
        negotiate();
        CompletableFuture<JsonNode> status = protocol.execute("query-status", null);
        CompletableFuture<QmpEvent> shutdown = protocol.awaitEvent("SHUTDOWN");
        outbound();

        channel.close();

        assertThat(causeOf(status)).isInstanceOf(QmpException.class)
                .hasMessageContaining("/run/lab/r1/qmp.sock")
                .hasMessageContaining("query-status");
        assertThat(causeOf(shutdown)).isInstanceOf(QmpException.class);
        assertThat(protocol.closed()).isCompleted();
    }

    @Test
    void execute_afterClose_failsAtOnce() {
        negotiate();
        channel.close();

        CompletableFuture<JsonNode> result = protocol.execute("query-status", null);

        assertThat(causeOf(result)).isInstanceOf(QmpException.class).hasMessageContaining("closed");
        assertThat(causeOf(protocol.awaitEvent("RESET"))).isInstanceOf(QmpException.class);
    }

    @Test
    void quit_whenSocketClosesBeforeTheReturn_completesNormally() {
        negotiate();
        CompletableFuture<JsonNode> quit = protocol.execute("quit", null);
        CompletableFuture<JsonNode> other = protocol.execute("query-status", null);
        outbound();
        outbound();

        channel.close();

        assertThat(quit).isCompleted();
        assertThat(other).isCompletedExceptionally();
    }

    @Test
    void quit_whenReturnArrivesBeforeClose_completesNormally() {
        QmpClient client = negotiatedClient();
        CompletableFuture<Void> quit = client.quit();
        inbound("{\"return\": {}, \"id\": " + outbound().get("id") + "}");
        channel.close();

        assertThat(quit).isCompleted();
        assertThat(client.closeFuture()).isCompleted();
    }

    @Test
    void client_queryStatus_parsesRunningAndStatus() {
        QmpClient client = negotiatedClient();
        CompletableFuture<QmpStatus> status = client.queryStatus();
        JsonNode request = outbound();
        assertThat(request.path("execute").asText()).isEqualTo("query-status");
        inbound("{\"return\": {\"status\": \"paused\", \"singlestep\": false, \"running\": false}, \"id\": "
                + request.get("id") + "}");

        assertThat(status.join()).isEqualTo(new QmpStatus(false, "paused"));
        assertThat(client.qemuVersion()).isEqualTo("7.2.22");
    }

    @Test
    void client_convenienceCommands_sendQmpNames() {
        QmpClient client = negotiatedClient();
        client.systemReset();
        client.systemPowerdown();
        client.quit();

        assertThat(List.of(outbound(), outbound(), outbound()))
                .extracting(r -> r.path("execute").asText())
                .containsExactly("system_reset", "system_powerdown", "quit");
    }

    @Test
    void malformedLine_closesAndFailsPendingWithTheCause() {
        negotiate();
        CompletableFuture<JsonNode> result = protocol.execute("query-status", null);
        outbound();

        channel.writeInbound(bytes("{not json\r\n"));

        assertThat(channel.isActive()).isFalse();
        assertThat(causeOf(result)).isInstanceOf(QmpException.class).hasMessageContaining("query-status");
    }

    @Test
    void awaitEvent_givenUp_isForgotten() throws Exception {
        negotiate();
        CompletableFuture<QmpEvent> waiter = protocol.awaitEvent("POWERDOWN");
        waiter.cancel(false);
        CompletableFuture<QmpEvent> next = protocol.awaitEvent("POWERDOWN");

        inbound("{\"timestamp\": {\"seconds\": 1, \"microseconds\": 0}, \"event\": \"POWERDOWN\"}");

        assertThat(next.get(1, TimeUnit.SECONDS).name()).isEqualTo("POWERDOWN");
    }

    private QmpClient negotiatedClient() {
        negotiate();
        return new QmpClient(channel, protocol, protocol.negotiated().join());
    }

    private void negotiate() {
        inbound(GREETING);
        inbound("{\"return\": {}, \"id\": " + outbound().get("id") + "}");
        assertThat(protocol.negotiated()).isCompleted();
    }

    private void inbound(String json) {
        channel.writeInbound(bytes(json + "\r\n"));
    }

    private JsonNode outbound() {
        ByteBuf buf = channel.readOutbound();
        assertThat(buf).as("a request was written").isNotNull();
        try {
            String line = buf.toString(StandardCharsets.UTF_8);
            assertThat(line).endsWith("\n");
            return QmpJsonCodec.MAPPER.readTree(line);
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            buf.release();
        }
    }

    private static ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }

    private static Throwable causeOf(CompletableFuture<?> future) {
        assertThat(future).isCompletedExceptionally();
        try {
            future.join();
            throw new AssertionError("not failed");
        } catch (CompletionException e) {
            return e.getCause();
        }
    }
}

package dev.netloom.api;

import dev.netloom.nodes.console.ConsoleBroker;
import dev.netloom.nodes.NodeState;
import com.fasterxml.jackson.databind.JsonNode;
import dev.netloom.lab.LabEvent;
import dev.netloom.nodes.ExecResult;
import dev.netloom.impairment.Impairment;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The API's protocol on an EmbeddedChannel against a fake lab: no sockets, no processes. */
class RpcHandlerTest {

    private FakeOps ops;
    private EventHub events;
    private final Queue<Runnable> blocking = new ArrayDeque<>();
    private final AtomicInteger downs = new AtomicInteger();
    private EmbeddedChannel channel;

    @BeforeEach
    void setUp() {
        ops = new FakeOps();
        events = new EventHub();
        channel = channel(false);
    }

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
    }

    private EmbeddedChannel channel(boolean tcp) {
        RpcHandler.Shared shared = new RpcHandler.Shared(new Methods(ops, blocking::add, "/run/netloom/labs/fake/api.sock"), events, ops,
                tcp ? "s3cret".getBytes(StandardCharsets.UTF_8) : null, "/run/netloom/labs/fake/api.token", downs::incrementAndGet,
                ApiLimits.DEFAULTS);
        return new EmbeddedChannel(new ApiChannelInitializer(shared, tcp ? new AtomicInteger() : null, null));
    }

    // ---- framing and JSON-RPC ----

    @Test
    void pipeline_isFramingThenJsonThenRpc() {
        assertThat(channel.pipeline().names()).containsSubsequence("framing", "json", "rpc");
    }

    @Test
    void request_answeredWithItsIdAndResult() {
        send("{\"jsonrpc\":\"2.0\",\"id\":\"a7\",\"method\":\"lab.status\"}");
        JsonNode r = response();
        assertThat(r.path("jsonrpc").asText()).isEqualTo("2.0");
        assertThat(r.path("id").asText()).isEqualTo("a7");
        assertThat(r.path("result").path("lab").asText()).isEqualTo("fake");
        assertThat(r.path("result").path("socket").asText()).isEqualTo("/run/netloom/labs/fake/api.sock");
        assertThat(r.path("result").path("nodes").get(0).path("bootMillis").asLong()).isEqualTo(4200);
        assertThat(r.path("result").path("links").get(0).path("name").asText()).isEqualTo("n1-n2");
    }

    @Test
    void request_splitAcrossBuffers_isOneRequest() {
        channel.writeInbound(buf("{\"jsonrpc\":\"2.0\",\"id\":1,"));
        assertThat((Object) channel.readOutbound()).isNull();
        channel.writeInbound(buf("\"method\":\"nodes.list\"}\r\n"));
        JsonNode r = response();
        assertThat(r.path("result").get(0).path("interfaces").get(0).path("mac").asText()).isEqualTo("52:54:00:00:00:01");
    }

    @Test
    void nodesAndLinks_showAddress6_onlyWhereThereIsOne() {
        send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"nodes.list\"}");
        JsonNode nodes = response().path("result");
        assertThat(nodes.get(0).path("interfaces").get(0).path("address6").asText()).isEqualTo("fd00:1::1/64");
        assertThat(nodes.get(1).path("interfaces").get(0).has("address6")).isFalse();
        send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"links.list\"}");
        JsonNode members = response().path("result").get(0).path("members");
        assertThat(members.get(0).path("address6").asText()).isEqualTo("fd00:1::1/64");
        assertThat(members.get(1).has("address6")).isFalse();
    }

    @Test
    void malformedJson_isParseError_andTheConnectionStaysOpen() {
        send("{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": ");
        JsonNode err = response();
        assertThat(err.path("error").path("code").asInt()).isEqualTo(-32700);
        assertThat(err.get("id").isNull()).isTrue();
        assertThat(channel.isOpen()).isTrue();

        send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"lab.status\"}");
        assertThat(response().path("id").asInt()).isEqualTo(2);
    }

    @Test
    void trailingGarbage_isParseError() {
        send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"lab.status\"} x");
        assertThat(response().path("error").path("code").asInt()).isEqualTo(-32700);
    }

    @Test
    void blankLines_areIgnored() {
        send("");
        send("   ");
        assertThat((Object) channel.readOutbound()).isNull();
    }

    @Test
    void nonObjectsAndMissingFields_areInvalidRequests() {
        for (String line : List.of("[1,2]", "42", "\"lab.status\"", "{\"id\":1,\"method\":\"lab.status\"}",
                "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"lab.status\"}", "{\"jsonrpc\":\"2.0\",\"id\":1}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":7}", "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"lab.status\"}")) {
            send(line);
            JsonNode r = response();
            assertThat(r.path("error").path("code").asInt()).as(line).isEqualTo(-32600);
        }
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void invalidRequest_keepsItsIdWhenItHasOne() {
        send("{\"jsonrpc\":\"2.0\",\"id\":9}");
        assertThat(response().path("id").asInt()).isEqualTo(9);
    }

    @Test
    void id_beyondADouble_isEchoedWithItsExactValue() { // found by ApiFuzzTest: 1E+400 came back as the string "Infinity"
        for (String id : List.of("1E+400", "12345678901234567890.5", "0.1")) {
            send("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"lab.status\"}");
            JsonNode echoed = response().get("id");
            assertThat(echoed.isNumber()).as(id).isTrue();
            assertThat(echoed.decimalValue()).as(id).isEqualByComparingTo(new java.math.BigDecimal(id));
        }
    }

    @Test
    void execTimeout_beyondALong_isInvalidParams_notWrappedAround() {
        send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"node.exec\",\"params\":{\"node\":\"n1\",\"command\":\"true\","
                + "\"timeout\":18446744073709551621}}");
        JsonNode err = response().path("error");
        assertThat(err.path("code").asInt()).isEqualTo(-32602);
        assertThat(err.path("message").asText()).contains("'timeout'", "at most 24h");
        assertThat(ops.execs).isEmpty();
    }

    @Test
    void unknownMethod_isMethodNotFound_listingTheMethods() {
        send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"node.reboot\"}");
        JsonNode err = response().path("error");
        assertThat(err.path("code").asInt()).isEqualTo(-32601);
        assertThat(err.path("message").asText()).contains("node.reboot", "node.exec", "link.set", "events.subscribe", "node.console");
        assertThat(err.path("data").path("valid").size()).isEqualTo(RpcHandler.ALL_METHODS.size());
    }

    @Test
    void notification_withoutId_getsNoAnswer() {
        ops.autoExec = FakeOps::ok;
        send("{\"jsonrpc\":\"2.0\",\"method\":\"node.exec\",\"params\":{\"node\":\"n1\",\"command\":\"true\"}}");
        assertThat(ops.execs).hasSize(1);
        assertThat((Object) channel.readOutbound()).isNull();
    }

    @Test
    void oversizeLine_isAnsweredAndClosesTheConnection() {
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[(1 << 20) + 10]));
        JsonNode err = response().path("error");
        assertThat(err.path("message").asText()).contains("line over 1 MiB");
        channel.runPendingTasks();
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void lineOfExactlyOneMiB_isStillRead() {
        String pad = " ".repeat((1 << 20) - 60);
        String line = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"lab.status\"}" + pad;
        assertThat(line.length()).isLessThanOrEqualTo(1 << 20);
        send(line);
        assertThat(response().path("id").asInt()).isEqualTo(1);
    }

    // ---- params ----

    @Test
    void missingParam_isInvalidParams_namingIt() {
        send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"node.exec\",\"params\":{\"node\":\"n1\"}}");
        JsonNode err = response().path("error");
        assertThat(err.path("code").asInt()).isEqualTo(-32602);
        assertThat(err.path("message").asText()).contains("node.exec", "'command'", "shell command");
    }

    @Test
    void badParams_areInvalidParams() {
        for (String params : List.of("[1]", "{\"node\":\"n1\",\"command\":5}", "{\"node\":\"n1\",\"command\":\"true\",\"timeout\":\"soon\"}",
                "{\"node\":\"n1\",\"command\":\"true\",\"timeout\":-5}", "{\"node\":\"n1\",\"command\":\"true\",\"user\":\"root\"}")) {
            send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"node.exec\",\"params\":" + params + "}");
            assertThat(response().path("error").path("code").asInt()).as(params).isEqualTo(-32602);
        }
        assertThat(ops.execs).isEmpty();
    }

    @Test
    void unknownNode_isUnknownName_listingTheNodes() {
        send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"node.exec\",\"params\":{\"node\":\"n9\",\"command\":\"true\"}}");
        JsonNode err = response().path("error");
        assertThat(err.path("code").asInt()).isEqualTo(-32001);
        assertThat(err.path("message").asText()).contains("n9", "n1, n2");
    }

    @Test
    void unknownLink_isUnknownName_listingTheLinks() {
        send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"link.state\",\"params\":{\"link\":\"x\",\"up\":false}}");
        JsonNode err = response().path("error");
        assertThat(err.path("code").asInt()).isEqualTo(-32001);
        assertThat(err.path("message").asText()).contains("n1-n2");
    }

    @Test
    void nodeNotReady_isNotReady() {
        ops.notReady = "n2";
        send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"node.exec\",\"params\":{\"node\":\"n2\",\"command\":\"true\"}}");
        assertThat(response().path("error").path("code").asInt()).isEqualTo(-32002);
    }

    // ---- exec ----

    @Test
    void exec_passesTheTimeout_andShapesTheResult() {
        send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"node.exec\",\"params\":{\"node\":\"n1\",\"command\":\"false\",\"timeout\":\"5s\"}}");
        send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"node.exec\",\"params\":{\"node\":\"n1\",\"command\":\"true\",\"timeout\":1500}}");
        send("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"node.exec\",\"params\":{\"node\":\"n1\",\"command\":\"true\"}}");
        assertThat(ops.execs).extracting(FakeOps.Exec::timeout)
                .containsExactly(Duration.ofSeconds(5), Duration.ofMillis(1500), Duration.ofSeconds(60));
        ops.execs.get(0).result().complete(new ExecResult(1, "no\n", Duration.ofMillis(12), false));
        JsonNode r = response();
        assertThat(r.path("id").asInt()).isEqualTo(1);
        assertThat(r.path("result").path("exitCode").asInt()).isEqualTo(1);
        assertThat(r.path("result").path("output").asText()).isEqualTo("no\n");
        assertThat(r.path("result").path("durationMs").asLong()).isEqualTo(12);
        assertThat(r.path("result").path("timedOut").asBoolean()).isFalse();
        assertThat(r.path("result").path("truncated").asBoolean()).isFalse();
    }

    @Test
    void exec_whoseOutputWasCapped_saysTruncatedAndHowMuchWasDropped() {
        send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"node.exec\",\"params\":{\"node\":\"n1\",\"command\":\"yes\"}}");
        ops.execs.get(0).result().complete(new ExecResult(0, "y\n".repeat(4), Duration.ofMillis(30), false, true, 4096));
        JsonNode r = response().path("result");
        assertThat(r.path("output").asText()).isEqualTo("y\n".repeat(4));
        assertThat(r.path("truncated").asBoolean()).isTrue();
        assertThat(r.path("droppedBytes").asLong()).isEqualTo(4096);
    }

    @Test
    void pipelinedRequests_areAnsweredAsTheyComplete_withTheirIds() {
        for (int i = 1; i <= 3; i++) {
            send("{\"jsonrpc\":\"2.0\",\"id\":" + i + ",\"method\":\"node.exec\",\"params\":{\"node\":\"n" + (i % 2 + 1) + "\",\"command\":\"echo " + i + "\"}}");
        }
        assertThat((Object) channel.readOutbound()).isNull();
        ops.execs.get(2).result().complete(FakeOps.ok("3"));
        ops.execs.get(0).result().complete(FakeOps.ok("1"));
        ops.execs.get(1).result().complete(FakeOps.ok("2"));
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            JsonNode r = response();
            assertThat(r.path("result").path("output").asText()).isEqualTo(r.path("id").asText());
            seen.add(r.path("id").asText());
        }
        assertThat(seen).containsExactly("3", "1", "2");
    }

    @Test
    void execFailure_isOtherFailure_withTheMessage() {
        send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"node.exec\",\"params\":{\"node\":\"n1\",\"command\":\"true\"}}");
        ops.execs.get(0).result().completeExceptionally(new dev.netloom.nodes.NetloomException("console closed"));
        JsonNode err = response().path("error");
        assertThat(err.path("code").asInt()).isEqualTo(-32000);
        assertThat(err.path("message").asText()).isEqualTo("console closed");
    }

    @Test
    void execAll_runsOnEveryNodeInParallel_andReportsEach() {
        ops.notReady = "n2";
        send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"node.execAll\",\"params\":{\"command\":\"hostname\"}}");
        assertThat(ops.execs).hasSize(1);
        ops.execs.get(0).result().complete(FakeOps.ok("n1\n"));
        JsonNode results = response().path("result").path("results");
        assertThat(results.path("n1").path("output").asText()).isEqualTo("n1\n");
        assertThat(results.path("n2").path("error").path("code").asInt()).isEqualTo(-32002);
    }

    @Test
    void execAll_onNamedNodes_checksTheNames() {
        send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"node.execAll\",\"params\":{\"command\":\"true\",\"nodes\":[\"n1\",\"zz\"]}}");
        assertThat(response().path("error").path("code").asInt()).isEqualTo(-32001);
        assertThat(ops.execs).isEmpty();
    }

    // ---- node actions and links ----

    @Test
    void changes_runOnTheBlockingExecutor_oneAtATime_inOrderOfArrival() {
        send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"node.restart\",\"params\":{\"node\":\"n1\"}}");
        send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"link.state\",\"params\":{\"link\":\"n1-n2\",\"up\":false}}");
        assertThat(ops.actions).isEmpty(); // not on the event loop
        assertThat(blocking).hasSize(1); // the link change waits for the restart

        blocking.poll().run();
        JsonNode first = response();
        assertThat(first.path("id").asInt()).isEqualTo(1);
        assertThat(first.path("result").path("node").asText()).isEqualTo("n1");
        assertThat(first.path("result").path("state").asText()).isEqualTo("READY");
        assertThat(ops.actions).containsExactly("restart n1");
        assertThat(ops.linkChanges).isEmpty();

        blocking.poll().run();
        assertThat(response().path("id").asInt()).isEqualTo(2);
        assertThat(ops.linkChanges).containsExactly("n1-n2 down");
    }

    @Test
    void changes_beyondTheQueueLimit_areBusy() {
        for (int i = 0; i < LabChanges.MAX_QUEUED_CHANGES; i++) {
            send("{\"jsonrpc\":\"2.0\",\"id\":" + i + ",\"method\":\"node.stop\",\"params\":{\"node\":\"n2\"}}");
        }
        send("{\"jsonrpc\":\"2.0\",\"id\":\"one too many\",\"method\":\"node.stop\",\"params\":{\"node\":\"n2\"}}");
        JsonNode busy = response();
        assertThat(busy.path("id").asText()).isEqualTo("one too many");
        assertThat(busy.path("error").path("code").asInt()).isEqualTo(-32004);
    }

    @Test
    void parseError_saysWhere() {
        send("{\"jsonrpc\": \"2.0\", \"id\": 1,");
        assertThat(response().path("error").path("message").asText()).startsWith("parse error: column ").doesNotContain("REDACTED", "Source");
    }

    @Test
    void linkSet_parsesQuantitiesAsScenarioFilesDo() {
        send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"link.set\",\"params\":{\"link\":\"n1-n2\",\"direction\":\"n1->n2\","
                + "\"impairment\":{\"delay\":\"10ms\",\"jitter\":\"2ms\",\"loss\":\"1%\",\"rate\":\"10mbit\"}}}");
        blocking.poll().run();
        JsonNode link = response().path("result");
        assertThat(ops.impairments.get("n1->n2")).isEqualTo(new Impairment(Duration.ofMillis(10), Duration.ofMillis(2), 1.0, 10_000_000L, null, null, null));
        assertThat(ops.impairments.get("n2->n1")).isEqualTo(Impairment.NONE);
        assertThat(link.path("impairments").path("n1->n2").toString()).isEqualTo("{\"delay\":\"10ms\",\"jitter\":\"2ms\",\"loss\":\"1%\",\"rate\":\"10mbit\"}");
        assertThat(link.path("engines").path("n1->n2").asText()).isEqualTo("guest-netem");
    }

    @Test
    void linkSet_takesTheRestOfNetem_withLimitAsANumberOrAString() {
        send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"link.set\",\"params\":{\"link\":\"n1-n2\",\"direction\":\"n1->n2\","
                + "\"impairment\":{\"delay\":\"10ms\",\"duplicate\":\"5%\",\"corrupt\":\"0.1%\",\"reorder\":\"25%\",\"limit\":50}}}");
        blocking.poll().run();
        assertThat(ops.impairments.get("n1->n2")).isEqualTo(new Impairment(Duration.ofMillis(10), null, null, null, 5.0, 0.1, 25.0, 50L));
        assertThat(response().path("result").path("impairments").path("n1->n2").path("limit").asText()).isEqualTo("50");
        send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"link.set\",\"params\":{\"link\":\"n1-n2\",\"direction\":\"n1->n2\","
                + "\"impairment\":{\"limit\":\"7\"}}}");
        blocking.poll().run();
        assertThat(response().path("result").path("impairments").path("n1->n2").path("limit").asText()).isEqualTo("7");
        assertThat(ops.impairments.get("n1->n2").limitPackets()).isEqualTo(7L);
        send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"link.set\",\"params\":{\"link\":\"n1-n2\",\"impairment\":{\"limit\":1.5}}}");
        assertThat(response().path("error").path("message").asText()).contains("impairment.limit", "a number of packets");
    }

    @Test
    void linkSet_clear_removesTheImpairment() {
        ops.impairments.put("n1->n2", new Impairment(Duration.ofMillis(10), null, null, null, null, null, null));
        send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"link.set\",\"params\":{\"link\":\"n1-n2\",\"clear\":true}}");
        blocking.poll().run();
        assertThat(response().path("result").path("impairments").path("n1->n2").isEmpty()).isTrue();
        assertThat(ops.impairments.get("n1->n2")).isEqualTo(Impairment.NONE);
    }

    @Test
    void linkSet_badInput_isInvalidParams() {
        for (String params : List.of("{\"link\":\"n1-n2\"}", "{\"link\":\"n1-n2\",\"impairment\":{}}",
                "{\"link\":\"n1-n2\",\"impairment\":{\"delay\":10}}", "{\"link\":\"n1-n2\",\"impairment\":{\"delay\":\"10 parsecs\"}}",
                "{\"link\":\"n1-n2\",\"impairment\":{\"latency\":\"10ms\"}}", "{\"link\":\"n1-n2\",\"impairment\":{\"jitter\":\"1ms\"}}",
                "{\"link\":\"n1-n2\",\"direction\":\"n2->n3\",\"impairment\":{\"delay\":\"1ms\"}}",
                "{\"link\":\"n1-n2\",\"clear\":true,\"impairment\":{\"delay\":\"1ms\"}}")) {
            send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"link.set\",\"params\":" + params + "}");
            JsonNode err = response().path("error");
            assertThat(err.path("code").asInt()).as(params).isEqualTo(-32602);
        }
        assertThat(blocking).isEmpty();
    }

    @Test
    void linkSet_badValue_namesTheField() {
        send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"link.set\",\"params\":{\"link\":\"n1-n2\",\"impairment\":{\"loss\":\"150%\"}}}");
        assertThat(response().path("error").path("message").asText()).contains("impairment.loss", "100%");
    }

    @Test
    void linkState_takesTheLinkDown() {
        send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"link.state\",\"params\":{\"link\":\"n1-n2\",\"up\":false}}");
        blocking.poll().run();
        assertThat(response().path("result").path("up").asBoolean()).isFalse();
        assertThat(ops.linkChanges).containsExactly("n1-n2 down");
    }

    @Test
    void linkState_withADirection_takesThatDirectionDownOnly() {
        send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"link.state\",\"params\":{\"link\":\"n1-n2\",\"up\":false,\"direction\":\"n1->n2\"}}");
        blocking.poll().run();
        JsonNode link = response().path("result");
        assertThat(link.path("up").asBoolean()).isFalse();
        assertThat(link.path("state").path("n1->n2").asText()).isEqualTo("down");
        assertThat(link.path("state").path("n2->n1").asText()).isEqualTo("up");
        assertThat(ops.linkChanges).containsExactly("n1-n2 n1->n2 down");
    }

    @Test
    void linkState_withAnUnknownDirection_isInvalidParams_namingTheDirections_andChangesNothing() {
        send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"link.state\",\"params\":{\"link\":\"n1-n2\",\"up\":false,\"direction\":\"n1->n3\"}}");
        JsonNode err = response().path("error");
        assertThat(err.path("code").asInt()).isEqualTo(-32602);
        assertThat(err.path("message").asText()).contains("no direction 'n1->n3'", "n1->n2, n2->n1");
        assertThat(blocking).isEmpty();
        assertThat(ops.linkChanges).isEmpty();
    }

    @Test
    void topology_asJsonAndDot() {
        send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"topology.get\",\"params\":{\"format\":\"json\"}}");
        JsonNode view = response().path("result");
        assertThat(view.path("nodes").get(0).path("neighbours").get(0).asText()).isEqualTo("n2");
        assertThat(view.path("segments").get(0).path("kind").asText()).isEqualTo("LINK");
        send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"topology.get\",\"params\":{\"format\":\"dot\"}}");
        assertThat(response().path("result").path("dot").asText()).startsWith("graph \"fake\"");
        send("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"topology.get\",\"params\":{\"format\":\"svg\"}}");
        assertThat(response().path("error").path("code").asInt()).isEqualTo(-32602);
    }

    // ---- connection-level ----

    @Test
    void events_afterSubscribe_areNotificationsOfTheChosenKinds() {
        send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"events.subscribe\",\"params\":{\"types\":[\"node\"]}}");
        assertThat(response().path("result").path("subscribed").toString()).isEqualTo("[\"node\"]");

        events.publish(new LabEvent(Instant.parse("2025-01-01T00:00:00Z"), LabEvent.Kind.LINK, "n1-n2", "down", null));
        events.publish(new LabEvent(Instant.parse("2025-01-01T00:00:01Z"), LabEvent.Kind.NODE, "n1", "STOPPING (stopping)", NodeState.STOPPING));
        JsonNode n = response();
        assertThat(n.has("id")).isFalse();
        assertThat(n.path("method").asText()).isEqualTo("event");
        assertThat(n.path("params").path("kind").asText()).isEqualTo("node");
        assertThat(n.path("params").path("subject").asText()).isEqualTo("n1");
        assertThat(n.path("params").path("state").asText()).isEqualTo("STOPPING");
        assertThat(n.path("params").path("at").asText()).isEqualTo("2025-01-01T00:00:01Z");
        assertThat((Object) channel.readOutbound()).isNull();
    }

    @Test
    void events_unknownType_isInvalidParams_listingTheTypes() {
        send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"events.subscribe\",\"params\":{\"types\":[\"nodes\"]}}");
        JsonNode err = response().path("error");
        assertThat(err.path("code").asInt()).isEqualTo(-32602);
        assertThat(err.path("message").asText()).contains("node, link, timeline");
        assertThat(events.size()).isZero();
    }

    @Test
    void events_stopWhenTheConnectionCloses() {
        send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"events.subscribe\"}");
        response();
        assertThat(events.size()).isEqualTo(1);
        channel.close();
        assertThat(events.size()).isZero();
    }

    @Test
    void labDown_answersThenAsksForDown() {
        send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"lab.down\"}");
        assertThat(response().path("result").isEmpty()).isTrue();
        assertThat(downs.get()).isEqualTo(1);
    }

    @Test
    void tcp_firstRequestMustBeAuth_elseErrorAndClose() {
        EmbeddedChannel tcp = channel(true);
        tcp.writeInbound(buf("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"lab.status\"}\n"));
        JsonNode err = response(tcp).path("error");
        assertThat(err.path("code").asInt()).isEqualTo(-32005);
        assertThat(err.path("message").asText()).contains("auth", "api.token");
        tcp.runPendingTasks();
        assertThat(tcp.isOpen()).isFalse();
        tcp.finishAndReleaseAll();
    }

    @Test
    void tcp_wrongToken_isRefusedAndClosed() {
        EmbeddedChannel tcp = channel(true);
        tcp.writeInbound(buf("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"auth\",\"params\":{\"token\":\"guess\"}}\n"));
        assertThat(response(tcp).path("error").path("code").asInt()).isEqualTo(-32005);
        tcp.runPendingTasks();
        assertThat(tcp.isOpen()).isFalse();
        tcp.finishAndReleaseAll();
    }

    @Test
    void tcp_rightToken_thenRequestsWork() {
        EmbeddedChannel tcp = channel(true);
        tcp.writeInbound(buf("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"auth\",\"params\":{\"token\":\"s3cret\"}}\n"));
        assertThat(response(tcp).path("result").path("authenticated").asBoolean()).isTrue();
        tcp.writeInbound(buf("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"lab.status\"}\n"));
        assertThat(response(tcp).path("result").path("state").asText()).isEqualTo("READY");
        assertThat(tcp.isOpen()).isTrue();
        tcp.finishAndReleaseAll();
    }

    @Test
    void tcp_malformedBeforeAuth_closes() {
        EmbeddedChannel tcp = channel(true);
        tcp.writeInbound(buf("hello\n"));
        assertThat(response(tcp).path("error").path("code").asInt()).isEqualTo(-32700);
        tcp.runPendingTasks();
        assertThat(tcp.isOpen()).isFalse();
        tcp.finishAndReleaseAll();
    }

    @Test
    void console_switchesToRawBytes_bothWays_andCtrlBracketDetaches() {
        // the request and the first typed bytes arrive in one buffer: the bytes after the line are typed, not parsed
        channel.writeInbound(buf("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"node.console\",\"params\":{\"node\":\"n1\"}}\nls\r"));
        JsonNode r = response();
        assertThat(r.path("result").path("console").asText()).isEqualTo("n1");
        assertThat(r.path("result").path("detach").asText()).isEqualTo("Ctrl-]");
        assertThat(channel.pipeline().names()).contains("console").doesNotContain("framing", "json", "rpc");
        assertThat(ops.typed()).isEqualTo("\rls\r"); // a fresh prompt first: the console printed nothing yet
        assertThat(outbound()).isEqualTo("\r\n[netloom: you have the keyboard; detach with Ctrl-]]\r\n");

        ops.consoleReaders.get(0).onData("bin  etc\r\nnl# ".getBytes(StandardCharsets.UTF_8));
        assertThat(outbound()).isEqualTo("bin  etc\r\nnl# ");

        channel.writeInbound(buf("{\"not\": \"json\"}\n"));
        assertThat(ops.typed()).isEqualTo("\rls\r{\"not\": \"json\"}\n");

        channel.writeInbound(Unpooled.wrappedBuffer(new byte[]{'x', 0x1d, 'y'}));
        assertThat(ops.typed()).endsWith("\nx");
        channel.runPendingTasks();
        assertThat(channel.isOpen()).isFalse();
        assertThat(ops.viewers("n1")).isZero();
    }

    /** Everything the channel wrote so far, as text. */
    private String outbound() {
        StringBuilder text = new StringBuilder();
        for (ByteBuf b; (b = channel.readOutbound()) != null; ) {
            text.append(b.toString(StandardCharsets.UTF_8));
            b.release();
        }
        return text.toString();
    }

    @Test
    void console_sizeAndName_reachTheBroker_andResizesTravelInBand() {
        channel.writeInbound(buf("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"node.console\",\"params\":"
                + "{\"node\":\"n1\",\"name\":\"alice\",\"rows\":40,\"cols\":120,\"history\":5}}\n"));
        assertThat(response().path("result").path("keyboard").asText()).isEqualTo("yours");
        assertThat(ops.brokers.get("n1").holder()).isEqualTo("alice");
        assertThat(ops.resizes).containsExactly(new ConsoleBroker.Size(40, 120));
        channel.writeInbound(buf("\u001b[8;50;132t"));
        assertThat(ops.resizes).last().isEqualTo(new ConsoleBroker.Size(50, 132));
        assertThat(ops.typed()).isEqualTo("\r");
    }

    @Test
    void console_readOnly_answersSo_andBadParamsStayJson() {
        send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"node.console\",\"params\":{\"node\":\"n1\",\"rows\":40}}");
        assertThat(response().path("error").path("message").asText()).contains("rows and cols go together");
        send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"node.console\",\"params\":{\"node\":\"n1\",\"name\":\"a\\u0007b\"}}");
        assertThat(response().path("error").path("message").asText()).contains("printable ASCII");
        send("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"node.console\",\"params\":{\"node\":\"n1\",\"rows\":0,\"cols\":80}}");
        assertThat(response().path("error").path("code").asInt()).isEqualTo(-32602);
        assertThat(channel.pipeline().names()).contains("rpc");
        send("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"node.console\",\"params\":{\"node\":\"n1\",\"readOnly\":true}}");
        assertThat(response().path("result").path("keyboard").asText()).isEqualTo("read-only");
        channel.writeInbound(buf("ls\r"));
        assertThat(ops.typed()).isEmpty();
        assertThat(ops.brokers.get("n1").holder()).isNull();
    }

    @Test
    void console_dropsAnswersToRequestsStillRunning() {
        send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"node.exec\",\"params\":{\"node\":\"n1\",\"command\":\"sleep 1\"}}");
        send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"node.console\",\"params\":{\"node\":\"n1\"}}");
        assertThat(response().path("id").asInt()).isEqualTo(2);
        assertThat(outbound()).startsWith("\r\n[netloom: you have the keyboard");
        ops.execs.get(0).result().complete(FakeOps.ok(""));
        channel.runPendingTasks();
        assertThat((Object) channel.readOutbound()).isNull();
    }

    @Test
    void console_ofNodeNotReady_staysJson() {
        ops.notReady = "n2";
        send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"node.console\",\"params\":{\"node\":\"n2\"}}");
        assertThat(response().path("error").path("code").asInt()).isEqualTo(-32002);
        assertThat(channel.pipeline().names()).contains("rpc");
    }

    @Test
    void inputClosed_answersWhatRunsThenCloses() {
        send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"node.exec\",\"params\":{\"node\":\"n1\",\"command\":\"sleep 1\"}}");
        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        channel.runPendingTasks();
        assertThat(channel.isOpen()).isTrue();
        ops.execs.get(0).result().complete(FakeOps.ok("late"));
        assertThat(response().path("result").path("output").asText()).isEqualTo("late");
        channel.runPendingTasks();
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void inputClosed_subscriberStaysOpenForEvents() {
        send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"events.subscribe\"}");
        response();
        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        events.publish(LabEvent.of(LabEvent.Kind.LAB, "fake", "READY"));
        assertThat(response().path("params").path("detail").asText()).isEqualTo("READY");
        assertThat(channel.isOpen()).isTrue();
    }

    // ---- capture ----

    @Test
    void capture_answersWithItsInterfaces_thenStreamsRawBytes_andAByteFromTheClientStopsIt() throws Exception {
        send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"link.capture\",\"params\":{\"link\":\"n1-n2\",\"direction\":\"n1->n2\","
                + "\"filter\":\"icmp\",\"count\":5,\"duration\":\"10s\"}}");
        assertThat(ops.captures).isEmpty(); // started on the blocking executor, not on the event loop
        blocking.poll().run();
        FakeOps.Capture c = ops.captures.get(0);
        assertThat(c.filter()).isEqualTo("icmp");
        assertThat(c.count()).isEqualTo(5);
        assertThat(c.duration()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.format()).isEqualTo(dev.netloom.capture.LinkCapture.Format.PCAPNG);
        JsonNode r = response();
        assertThat(r.path("result").path("interfaces").get(0).path("tap").asText()).isEqualTo("t0x0");
        assertThat(r.path("result").path("interfaces").get(0).path("direction").asText()).isEqualTo("n1->n2");
        assertThat(channel.pipeline().names()).contains("capture").doesNotContain("framing", "json", "rpc");
        ByteBuf early = channel.readOutbound();
        assertThat(early.toString(StandardCharsets.US_ASCII)).isEqualTo("HDR"); // written before the answer, sent after it
        early.release();

        c.out().write(new byte[]{0, 1, 2, (byte) 0xff, '\n'});
        channel.runPendingTasks();
        ByteBuf frame = channel.readOutbound();
        byte[] got = new byte[frame.readableBytes()];
        frame.readBytes(got);
        frame.release();
        assertThat(got).containsExactly(0, 1, 2, 0xff, '\n');

        channel.writeInbound(buf("q"));
        assertThat(c.stopped().get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("stopped by the client");
        channel.runPendingTasks();
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void capture_waitsWhileTheClientIsBehind_insteadOfBuffering() throws Exception {
        send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"link.capture\",\"params\":{\"link\":\"n1-n2\"}}");
        blocking.poll().run();
        response();
        ((ByteBuf) channel.readOutbound()).release(); // the early "HDR"
        FakeOps.Capture c = ops.captures.get(0);
        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false); // as over the high-water mark
        java.util.concurrent.CompletableFuture<Void> write = java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                c.out().write(new byte[]{42});
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertThatThrownBy(() -> write.get(300, java.util.concurrent.TimeUnit.MILLISECONDS))
                .isInstanceOf(java.util.concurrent.TimeoutException.class);
        assertThat((Object) channel.readOutbound()).as("nothing queued while the client is behind").isNull();
        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        channel.runPendingTasks(); // Netty tells the pipeline on the event loop
        write.get(10, java.util.concurrent.TimeUnit.SECONDS);
        ByteBuf frame = channel.readOutbound();
        assertThat(frame.readByte()).isEqualTo((byte) 42);
        frame.release();
    }

    @Test
    void capture_whenTheClientGoesAway_aWaitingWriteFails_andTheCaptureStops() throws Exception {
        send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"link.capture\",\"params\":{\"link\":\"n1-n2\"}}");
        blocking.poll().run();
        response();
        FakeOps.Capture c = ops.captures.get(0);
        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        java.util.concurrent.CompletableFuture<Void> write = java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                c.out().write(new byte[]{42});
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        channel.close();
        assertThatThrownBy(() -> write.get(10, java.util.concurrent.TimeUnit.SECONDS)).hasCauseInstanceOf(java.io.UncheckedIOException.class);
        assertThat(c.stopped().get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("the client closed the connection");
    }

    @Test
    void capture_withAFilterTcpdumpRefuses_isInvalidParams_andTheConnectionStaysJson() {
        send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"link.capture\",\"params\":{\"link\":\"n1-n2\",\"filter\":\"bad\"}}");
        blocking.poll().run();
        JsonNode err = response().path("error");
        assertThat(err.path("code").asInt()).isEqualTo(-32602);
        assertThat(err.path("message").asText()).contains("--filter \"bad\"", "syntax error");
        assertThat(channel.pipeline().names()).contains("rpc");
    }

    @Test
    void capture_ofAnUnknownDirectionOrFormat_isInvalidParams_andStartsNothing() {
        send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"link.capture\",\"params\":{\"link\":\"n1-n2\",\"direction\":\"n2->n3\"}}");
        assertThat(response().path("error").path("message").asText()).contains("no direction 'n2->n3'", "n1->n2");
        send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"link.capture\",\"params\":{\"link\":\"n1-n2\",\"format\":\"pcap\"}}");
        assertThat(response().path("error").path("message").asText()).contains("\"pcapng\" or \"text\"");
        send("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"link.capture\",\"params\":{\"link\":\"n1-n2\",\"count\":0}}");
        assertThat(response().path("error").path("message").asText()).contains("'count'", "from 1");
        assertThat(blocking).isEmpty();
        assertThat(ops.captures).isEmpty();
    }

    // ---- helpers ----

    private void send(String line) {
        channel.writeInbound(buf(line + "\n"));
    }

    private static ByteBuf buf(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }

    private JsonNode response() {
        return response(channel);
    }

    private static JsonNode response(EmbeddedChannel ch) {
        ch.runPendingTasks();
        ByteBuf out = ch.readOutbound();
        assertThat(out).as("an answer").isNotNull();
        try {
            String line = out.toString(StandardCharsets.UTF_8);
            assertThat(line).endsWith("\n");
            assertThat(line.indexOf('\n')).isEqualTo(line.length() - 1);
            return JsonLineCodec.MAPPER.readTree(line);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        } finally {
            out.release();
        }
    }
}

package dev.netloom.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.netloom.lab.LabEvent;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The API's bounds (docs/api.md, "Limits") on EmbeddedChannels against a fake lab: no sockets, no processes. */
class ApiLimitsTest {

    private static final String AUTH = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"auth\",\"params\":{\"token\":\"s3cret\"}}\n";
    private static final String STATUS = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"lab.status\"}\n";

    private FakeOps ops;
    private EventHub events;
    private final AtomicInteger unauthenticated = new AtomicInteger();
    private final List<EmbeddedChannel> channels = new ArrayList<>();

    @BeforeEach
    void setUp() {
        ops = new FakeOps();
        ops.autoExec = FakeOps::ok;
        events = new EventHub();
    }

    @AfterEach
    void tearDown() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    private EmbeddedChannel tcp(ApiLimits limits) {
        return channel(limits, true);
    }

    private EmbeddedChannel channel(ApiLimits limits, boolean tcp) {
        RpcHandler.Shared shared = new RpcHandler.Shared(new Methods(ops, Runnable::run, "/run/netloom/labs/fake/api.sock"), events, ops,
                "s3cret".getBytes(StandardCharsets.UTF_8), "/run/netloom/labs/fake/api.token", () -> { }, limits);
        // the clock is frozen before the channel is active, when the auth timer starts: otherwise the real
        // time between two lines counts too, and a timer due 1 ms later has fired already on a busy host
        EmbeddedChannel ch = new EmbeddedChannel(DefaultChannelId.newInstance(), false, false,
                new ApiChannelInitializer(shared, tcp ? unauthenticated : null, null));
        ch.freezeTime();
        try {
            ch.register();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        channels.add(ch);
        return ch;
    }

    // ---- before auth on TCP ----

    @Test
    void auth_whenLineTooLongBeforeAuth_closesConnectionSayingWhy() {
        EmbeddedChannel ch = tcp(ApiLimits.DEFAULTS);
        ch.writeInbound(buf("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"auth\",\"params\":{\"token\":\"" + "x".repeat(5000) + "\"}}\n"));
        JsonNode err = response(ch).path("error");
        assertThat(err.path("code").asInt()).isEqualTo(ApiException.INVALID_REQUEST);
        assertThat(err.path("message").asText()).isEqualTo("line over 4 KiB before auth; the connection is closed");
        ch.runPendingTasks();
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void auth_thenTheNormalLineLength_evenForLinesInTheSameBuffer() {
        EmbeddedChannel ch = tcp(ApiLimits.DEFAULTS);
        String longCommand = "echo " + "y".repeat(100_000);
        ch.writeInbound(buf(AUTH + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"node.exec\",\"params\":{\"node\":\"n1\",\"command\":\""
                + longCommand + "\"}}\n"));
        assertThat(response(ch).path("result").path("authenticated").asBoolean()).isTrue();
        assertThat(response(ch).path("result").path("output").asText()).isEqualTo(longCommand);
        assertThat(ch.pipeline().names()).doesNotContain(ApiChannelInitializer.AUTH);
        assertThat(unauthenticated).hasValue(0);
        assertThat(ch.isOpen()).isTrue();
    }

    @Test
    void auth_whenNotSentWithinTheTimeout_closesConnection() {
        EmbeddedChannel ch = tcp(ApiLimits.DEFAULTS);
        ch.advanceTimeBy(ApiLimits.DEFAULTS.authTimeout().toMillis() - 1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isTrue();
        ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        JsonNode err = response(ch).path("error");
        assertThat(err.path("code").asInt()).isEqualTo(ApiException.UNAUTHORIZED);
        assertThat(err.path("message").asText()).contains("no auth request within 5000 ms");
        ch.runPendingTasks();
        assertThat(ch.isOpen()).isFalse();
        assertThat(unauthenticated).hasValue(0);
    }

    @Test
    void auth_afterSuccess_theTimeoutNoLongerCloses() {
        EmbeddedChannel ch = tcp(ApiLimits.DEFAULTS);
        ch.writeInbound(buf(AUTH));
        response(ch);
        ch.advanceTimeBy(ApiLimits.DEFAULTS.authTimeout().toMillis() * 2, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isTrue();
        ch.writeInbound(buf(STATUS));
        assertThat(response(ch).path("result").path("lab").asText()).isEqualTo("fake");
    }

    @Test
    void auth_whenTooManyWaiting_closesTheExtraAtOnce_andAFinishedOneFreesItsPlace() {
        ApiLimits limits = ApiLimits.DEFAULTS.withMaxUnauthenticated(2);
        EmbeddedChannel first = tcp(limits);
        EmbeddedChannel second = tcp(limits);
        EmbeddedChannel third = tcp(limits);
        JsonNode err = response(third).path("error");
        assertThat(err.path("code").asInt()).isEqualTo(ApiException.BUSY);
        assertThat(err.path("message").asText()).contains("2 connections are already waiting to authenticate");
        third.runPendingTasks();
        assertThat(third.isOpen()).isFalse();
        assertThat(first.isOpen()).isTrue();

        first.writeInbound(buf(AUTH)); // authenticated: no longer waiting
        response(first);
        second.close();                // gone: no longer waiting
        assertThat(unauthenticated).hasValue(0);
        EmbeddedChannel fourth = tcp(limits);
        EmbeddedChannel fifth = tcp(limits);
        assertThat((Object) fourth.readOutbound()).isNull();
        assertThat(fourth.isOpen()).isTrue();
        assertThat(fifth.isOpen()).isTrue();
    }

    @Test
    void auth_whenWrongToken_closesAndFreesItsPlace() {
        EmbeddedChannel ch = tcp(ApiLimits.DEFAULTS);
        ch.writeInbound(buf("{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"method\":\"auth\",\"params\":{\"token\":\"guess\"}}\n" + STATUS));
        JsonNode err = response(ch);
        assertThat(err.path("id").asText()).isEqualTo("x");
        assertThat(err.path("error").path("code").asInt()).isEqualTo(ApiException.UNAUTHORIZED);
        ch.runPendingTasks();
        assertThat((Object) ch.readOutbound()).as("nothing for the line after the refused one").isNull();
        assertThat(ch.isOpen()).isFalse();
        assertThat(unauthenticated).hasValue(0);
    }

    // ---- outbound ----

    @Test
    void outboundCap_whenTheClientNeverReads_closesTheConnection() {
        ApiLimits limits = new ApiLimits(1 << 20, 4 << 10, 8, Duration.ofSeconds(5), new WriteBufferWaterMark(64, 128),
                new WriteBufferWaterMark(64, 128), 4096, 64, 16);
        EmbeddedChannel ch = channel(limits, false);
        ch.writeOneOutbound(Unpooled.wrappedBuffer(new byte[4000])); // unflushed: what a client that does not read leaves behind
        ch.writeInbound(buf(STATUS));
        ch.runPendingTasks();
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void events_whileTheClientDoesNotRead_areDropped_thenOneNoticeSaysHowMany() {
        ApiLimits limits = new ApiLimits(1 << 20, 4 << 10, 8, Duration.ofSeconds(5), new WriteBufferWaterMark(64, 128),
                new WriteBufferWaterMark(64, 128), 1 << 20, 64, 16);
        EmbeddedChannel ch = channel(limits, false);
        ch.writeInbound(buf("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"events.subscribe\"}\n"));
        response(ch);
        ch.writeOneOutbound(Unpooled.wrappedBuffer(new byte[200])); // over the high mark until flushed
        assertThat(ch.isWritable()).isFalse();
        assertThat(ch.config().isAutoRead()).as("a client that does not read is not read from").isFalse();
        for (int i = 0; i < 3; i++) {
            events.publish(LabEvent.of(LabEvent.Kind.LINK, "n1-n2", "lost " + i));
        }
        ch.flushOutbound(); // the client reads: writable again
        ch.runPendingTasks();
        ((ByteBuf) ch.readOutbound()).release();
        JsonNode notice = response(ch);
        assertThat(notice.path("method").asText()).isEqualTo("event");
        assertThat(notice.path("params").path("kind").asText()).isEqualTo("dropped");
        assertThat(notice.path("params").path("missed").asLong()).isEqualTo(3);
        assertThat(ch.config().isAutoRead()).isTrue();
        events.publish(LabEvent.of(LabEvent.Kind.LINK, "n1-n2", "seen"));
        assertThat(response(ch).path("params").path("detail").asText()).isEqualTo("seen");
    }

    // ---- console ----

    @Test
    void console_whenTheConsoleLags_stopsReadingTheClient_untilItCaughtUp() {
        ops.holdTyping = true;
        EmbeddedChannel ch = console(ApiLimits.DEFAULTS);
        int high = ApiLimits.DEFAULTS.consoleInputHighBytes();
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[high]));
        assertThat(ch.config().isAutoRead()).isTrue();
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[1]));
        assertThat(ch.config().isAutoRead()).isFalse();
        // typing.get(0) is the fresh prompt's Enter, typed by the broker when the first writer came
        ops.typing.get(2).complete(null); // one byte written: still far over the low mark
        ch.runPendingTasks();
        assertThat(ch.config().isAutoRead()).isFalse();
        ops.typing.get(1).complete(null);
        ch.runPendingTasks();
        assertThat(ch.config().isAutoRead()).isTrue();
    }

    @Test
    void console_slowViewer_losesOutputForItselfOnly_andIsToldHowMuch() {
        ApiLimits limits = new ApiLimits(1 << 20, 4 << 10, 8, Duration.ofSeconds(5), new WriteBufferWaterMark(64, 128),
                new WriteBufferWaterMark(64, 128), 1 << 20, 64, 16);
        EmbeddedChannel slow = console(limits);
        EmbeddedChannel fast = console(limits);
        assertThat(ops.viewers("n1")).isEqualTo(2);
        drain(fast); // the notes: who has the keyboard
        slow.flushOutbound();
        slow.runPendingTasks();
        drain(slow);
        slow.writeOneOutbound(Unpooled.wrappedBuffer(new byte[200])); // the slow viewer has not read this yet
        output("lost\r\n");
        output("next\r\n");
        assertThat(drain(fast)).isEqualTo("lost\r\nnext\r\n");
        slow.flushOutbound();
        slow.runPendingTasks();
        assertThat(drain(slow)).hasSize(200);
        output("back\r\n");
        assertThat(drain(slow)).isEqualTo(new String(ConsoleBridge.droppedNotice(12), StandardCharsets.US_ASCII) + "back\r\n");
        assertThat(drain(fast)).isEqualTo("back\r\n");
    }

    // ---- helpers ----

    private EmbeddedChannel console(ApiLimits limits) {
        EmbeddedChannel ch = channel(limits, false);
        ch.writeInbound(buf("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"node.console\",\"params\":{\"node\":\"n1\"}}\n"));
        assertThat(response(ch).path("result").path("console").asText()).isEqualTo("n1");
        return ch;
    }

    private void output(String text) {
        ops.consoleReaders.forEach(r -> r.onData(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static String drain(EmbeddedChannel ch) {
        ch.runPendingTasks();
        StringBuilder out = new StringBuilder();
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            out.append(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
        }
        return out.toString();
    }

    private static ByteBuf buf(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }

    private static JsonNode response(EmbeddedChannel ch) {
        ch.runPendingTasks();
        ByteBuf out = ch.readOutbound();
        assertThat(out).as("an answer").isNotNull();
        try {
            return JsonLineCodec.MAPPER.readTree(out.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError(e);
        } finally {
            out.release();
        }
    }
}

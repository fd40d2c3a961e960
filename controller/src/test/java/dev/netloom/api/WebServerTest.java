package dev.netloom.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.console.ConsoleSession;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.netloom.api.JsonLineCodec.MAPPER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The web view's gate on a real loopback port against a fake lab: token, cookie, files, and the API over a WebSocket. */
class WebServerTest {

    private static final Duration T = Duration.ofSeconds(5);
    private static EventLoopGroup group;

    @TempDir
    Path dir;
    private FakeOps ops;
    private ApiServer server;
    private String url;
    private String base;
    private String token;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeAll
    static void loops() {
        group = ConsoleSession.newEventLoopGroup(1);
    }

    @AfterAll
    static void stopLoops() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    @BeforeEach
    void start() throws Exception {
        ops = new FakeOps();
        ops.autoExec = FakeOps::ok;
        server = ApiServer.start(ops, new EventHub(), dir.resolve("api.sock"), group, null, dir.resolve("api.token"), () -> { });
        url = server.startWeb("127.0.0.1:0");
        token = Files.readString(dir.resolve("api.token")).strip();
        base = url.replaceFirst("\\?token=.*", "");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path.substring(1)));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String cookie() throws Exception {
        HttpResponse<String> login = get("/?token=" + token);
        return login.headers().firstValue("set-cookie").orElseThrow().split(";")[0];
    }

    @Test
    void url_carriesTheLabsToken_andStartingAgainAnswersTheSameUrl() {
        assertThat(url).matches("http://127\\.0\\.0\\.1:[0-9]+/\\?token=[0-9a-f]{64}").endsWith(token);
        assertThat(server.startWeb(null)).isEqualTo(url);
        assertThat(server.webUrl()).isEqualTo(url);
        assertThatThrownBy(() -> server.startWeb("127.0.0.2:1")).isInstanceOf(BadInputException.class).hasMessageContaining("already serves");
        assertThatThrownBy(() -> server.startWeb("10.1.2.3:80")).isInstanceOf(BadInputException.class).hasMessageContaining("loopback");
    }

    @Test
    void withoutTheCookie_nothingIsServed() throws Exception {
        for (String path : new String[] {"/", "/app.js", "/xterm/xterm.js", "/api", "/nothing"}) {
            HttpResponse<String> r = get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(401);
            assertThat(r.body()).as(path).contains("netloom web LAB").doesNotContain("<html");
        }
        assertThat(get("/", "Cookie", "netloom-1=" + token).statusCode()).as("another port's cookie").isEqualTo(401);
        int port = URI.create(base).getPort();
        assertThat(get("/", "Cookie", "netloom-" + port + "=" + token.replace('a', 'b').replace('0', '1')).statusCode()).isEqualTo(401);
        HttpResponse<String> wrong = get("/?token=00" + token.substring(2));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().firstValue("set-cookie")).isEmpty();
    }

    @Test
    void theToken_becomesAnHttpOnlyStrictCookie_thatOpensThePage() throws Exception {
        HttpResponse<String> login = get("/?token=" + token);
        assertThat(login.statusCode()).isEqualTo(303);
        assertThat(login.headers().firstValue("location")).contains("/");
        String setCookie = login.headers().firstValue("set-cookie").orElseThrow();
        assertThat(setCookie).startsWith("netloom-" + URI.create(base).getPort() + "=" + token).contains("HTTPOnly").contains("SameSite=Strict");
        HttpResponse<String> page = get("/", "Cookie", cookie());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<script type=\"module\" src=\"/app.js\">");
        assertThat(page.headers().firstValue("content-security-policy")).contains(WebGate.CSP);
        assertThat(page.headers().firstValue("x-frame-options")).contains("DENY");
        HttpResponse<String> xterm = get("/xterm/xterm.js", "Cookie", cookie());
        assertThat(xterm.statusCode()).isEqualTo(200);
        assertThat(xterm.body()).contains("Terminal");
        assertThat(get("/../pom.xml", "Cookie", cookie()).statusCode()).isEqualTo(404);
    }

    @Test
    void webSocket_needsTheCookieAndThePagesOrigin() throws Exception {
        String origin = base.substring(0, base.length() - 1);
        assertThat(upgradeStatus(null, origin)).isEqualTo(401);
        assertThat(upgradeStatus(cookie(), null)).isEqualTo(403);
        assertThat(upgradeStatus(cookie(), "http://evil.example")).isEqualTo(403);
        assertThat(upgradeStatus(cookie(), origin)).isEqualTo(101);
    }

    private int upgradeStatus(String cookie, String origin) throws Exception {
        return dev.netloom.web.WebProbe.upgradeStatus(URI.create(base), cookie, origin);
    }

    /** A WebSocket client that queues what it receives: text messages as strings, binary ones as their bytes in ISO-8859-1. */
    private static final class Received implements WebSocket.Listener {
        final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                messages.add(text.toString());
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            messages.add("binary:" + new String(b, StandardCharsets.ISO_8859_1));
            ws.request(1);
            return null;
        }

        String next() throws InterruptedException {
            String m = messages.poll(T.toSeconds(), TimeUnit.SECONDS);
            assertThat(m).as("a message within " + T).isNotNull();
            return m;
        }
    }

    private WebSocket connect(Received received) throws Exception {
        String origin = base.substring(0, base.length() - 1);
        return http.newWebSocketBuilder().header("Cookie", cookie()).header("Origin", origin)
                .buildAsync(URI.create(base.replace("http:", "ws:") + "api"), received).get(T.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void webSocket_speaksTheApisJsonRpc_andStreamsAConsoleInBinaryFrames() throws Exception {
        Received rpc = new Received();
        WebSocket ws = connect(rpc);
        ws.sendText("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"node.exec\",\"params\":{\"node\":\"n1\",\"command\":\"echo hi\"}}", true);
        JsonNode answer = MAPPER.readTree(rpc.next());
        assertThat(answer.path("id").asInt()).isEqualTo(7);
        assertThat(answer.path("result").path("output").asText()).isEqualTo("echo hi");
        ws.sendText("{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"nope\"}", true);
        assertThat(MAPPER.readTree(rpc.next()).path("error").path("code").asInt()).isEqualTo(ApiException.METHOD_NOT_FOUND);
        ws.sendText("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"lab.status\"}", true);
        assertThat(MAPPER.readTree(rpc.next()).path("result").path("web").asText()).isEqualTo(url);

        Received console = new Received();
        WebSocket c = connect(console);
        c.sendText("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"node.console\",\"params\":{\"node\":\"n1\"}}", true);
        assertThat(MAPPER.readTree(console.next()).path("result").path("console").asText()).isEqualTo("n1");
        assertThat(ops.whenConsole(() -> ops.viewers("n1") == 1)).succeedsWithin(T);
        ops.consoleReaders.get(0).onData("Linux\r\n".getBytes(StandardCharsets.UTF_8));
        StringBuilder screen = new StringBuilder(); // netloom's notes to this viewer, then the console's output: all binary
        while (!screen.toString().contains("Linux\r\n")) {
            String m = console.next();
            assertThat(m).startsWith("binary:");
            screen.append(m.substring("binary:".length()));
        }
        c.sendBinary(ByteBuffer.wrap("uname\r".getBytes(StandardCharsets.UTF_8)), true);
        // the first writer of a console that printed nothing yet gets a fresh prompt (an Enter), then types
        assertThat(ops.whenConsole(() -> ops.typed().equals("\runame\r"))).as(() -> "typed: " + ops.typed()).succeedsWithin(T);
        c.sendBinary(ByteBuffer.wrap(new byte[] {ConsoleInput.DETACH}), true);
        assertThat(ops.whenConsole(() -> ops.viewers("n1") == 0)).succeedsWithin(T);
        ws.abort();
    }

    @Test
    void labWeb_method_answersTheUrl_refusesOtherAddresses_andTheViewEndsWithTheServer() throws Exception {
        try (ApiClient c = ApiClient.connect(dir.resolve("api.sock"), T)) {
            JsonNode r = c.call("lab.web", MAPPER.createObjectNode(), T);
            assertThat(r.path("url").asText()).isEqualTo(url);
            assertThatThrownBy(() -> c.call("lab.web", MAPPER.createObjectNode().put("address", "0.0.0.0:80"), T))
                    .hasMessageContaining("loopback");
        }
        server.close();
        assertThatThrownBy(() -> get("/")).isInstanceOf(java.io.IOException.class);
    }
}

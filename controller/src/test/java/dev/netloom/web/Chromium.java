package dev.netloom.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Debian's headless Chromium driven over the DevTools protocol (a WebSocket, with the JDK's own
 * client): no WebDriver, no dependency. One browser, one page; every wait is a promise in the page
 * that a MutationObserver settles, never a sleep.
 */
public final class Chromium implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");

    private final Process process;
    private final Path profile;
    private final List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Map<Integer, CompletableFuture<JsonNode>> waiting = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<JsonNode>> events = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private WebSocket page;

    private Chromium(Process process, Path profile) {
        this.process = process;
        this.profile = profile;
    }

    /** Starts the browser (as root it needs --no-sandbox) with a fresh profile and attaches to its first page. */
    public static Chromium start(Duration timeout) throws Exception {
        Path profile = Files.createTempDirectory("netloom-chromium");
        Process p = new ProcessBuilder("chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "--user-data-dir=" + profile,
                "--window-size=1500,1000", "about:blank").redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        Chromium c = new Chromium(p, profile);
        try {
            c.attach(timeout);
        } catch (Exception e) {
            c.close();
            throw e;
        }
        return c;
    }

    private void attach(Duration timeout) throws Exception {
        CompletableFuture<String> browserUrl = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    log.add(line);
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        browserUrl.complete(m.group(1));
                    }
                }
            } catch (IOException e) {
                // the browser ended
            }
            browserUrl.completeExceptionally(new IllegalStateException("chromium ended before it listened: " + String.join("\n", log)));
        }, "chromium output");
        reader.setDaemon(true);
        reader.start();
        URI browser = URI.create(browserUrl.get(timeout.toSeconds(), TimeUnit.SECONDS));
        HttpClient http = HttpClient.newHttpClient();
        JsonNode targets = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://" + browser.getAuthority() + "/json/list")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        String pageUrl = null;
        for (JsonNode t : targets) {
            if (t.path("type").asText().equals("page")) {
                pageUrl = t.path("webSocketDebuggerUrl").asText();
                break;
            }
        }
        if (pageUrl == null) {
            throw new IllegalStateException("chromium has no page: " + targets);
        }
        page = http.newWebSocketBuilder().buildAsync(URI.create(pageUrl), new Listener()).get(timeout.toSeconds(), TimeUnit.SECONDS);
        send("Page.enable", JSON.createObjectNode(), timeout);
    }

    /** Accumulates a message's parts, then completes the call it answers or the event it is. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                try {
                    JsonNode msg = JSON.readTree(text.toString());
                    if (msg.has("id")) {
                        CompletableFuture<JsonNode> f = waiting.remove(msg.path("id").asInt());
                        if (f != null) {
                            f.complete(msg);
                        }
                    } else {
                        CompletableFuture<JsonNode> f = events.remove(msg.path("method").asText());
                        if (f != null) {
                            f.complete(msg.path("params"));
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }
    }

    /** One DevTools command; its result, or an IllegalStateException with the protocol's error. */
    public JsonNode send(String method, ObjectNode params, Duration timeout) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        waiting.put(id, answer);
        ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
        msg.set("params", params);
        page.sendText(JSON.writeValueAsString(msg), true).get(timeout.toSeconds(), TimeUnit.SECONDS);
        JsonNode a = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (a.has("error")) {
            throw new IllegalStateException(method + ": " + a.path("error"));
        }
        return a.path("result");
    }

    /** Opens url and returns once its load event fired. */
    public void open(String url, Duration timeout) throws Exception {
        CompletableFuture<JsonNode> loaded = new CompletableFuture<>();
        events.put("Page.loadEventFired", loaded);
        JsonNode r = send("Page.navigate", JSON.createObjectNode().put("url", url), timeout);
        if (r.has("errorText")) {
            throw new IllegalStateException("cannot open " + url + ": " + r.path("errorText").asText());
        }
        loaded.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Evaluates a JavaScript expression in the page (awaiting it if it is a promise) and returns its value. */
    public JsonNode eval(String expression, Duration timeout) throws Exception {
        JsonNode r = send("Runtime.evaluate", JSON.createObjectNode().put("expression", expression).put("awaitPromise", true)
                .put("returnByValue", true), timeout.plusSeconds(5));
        if (r.has("exceptionDetails")) {
            throw new IllegalStateException("in the page: " + r.path("exceptionDetails").path("exception").path("description").asText(
                    r.path("exceptionDetails").path("text").asText()) + "\nwhile evaluating: " + expression);
        }
        return r.path("result").path("value");
    }

    /**
     * Returns once the JavaScript {@code condition} holds in the page: checked now and after every change
     * of the document; fails after {@code timeout} naming the condition.
     */
    public void waitFor(String condition, Duration timeout) throws Exception {
        String js = "new Promise((resolve, reject) => {"
                + "  let timer; const obs = new MutationObserver(() => check());"
                + "  const check = () => { let v = false; try { v = (" + condition + "); } catch (e) { }"
                + "    if (v) { obs.disconnect(); clearTimeout(timer); resolve(true); } };"
                + "  timer = setTimeout(() => { obs.disconnect(); reject(new Error('no ' + " + JSON.writeValueAsString(condition)
                + " + ' within " + timeout.toMillis() + " ms')); }, " + timeout.toMillis() + ");"
                + "  obs.observe(document, {subtree: true, childList: true, attributes: true, characterData: true});"
                + "  check(); })";
        eval(js, timeout);
    }

    /** Clicks the first element that matches the CSS selector; fails when there is none. */
    public void click(String selector, Duration timeout) throws Exception {
        eval("(() => { const e = document.querySelector(" + JSON.writeValueAsString(selector) + ");"
                + " if (!e) throw new Error('nothing matches " + selector.replace("'", "\\'") + "'); e.click(); return true; })()", timeout);
    }

    /** Types text as key presses into the focused element; '\r' is the Enter key. */
    public void type(String text, Duration timeout) throws Exception {
        for (char ch : text.toCharArray()) {
            String s = String.valueOf(ch);
            ObjectNode down = JSON.createObjectNode().put("type", "keyDown").put("text", s).put("unmodifiedText", s).put("key", ch == '\r' ? "Enter" : s);
            if (ch == '\r') {
                down.put("code", "Enter").put("windowsVirtualKeyCode", 13).put("nativeVirtualKeyCode", 13);
            }
            send("Input.dispatchKeyEvent", down, timeout);
            send("Input.dispatchKeyEvent", JSON.createObjectNode().put("type", "keyUp").put("key", ch == '\r' ? "Enter" : s), timeout);
        }
    }

    /** The page as PNG. */
    public byte[] screenshot(Duration timeout) throws Exception {
        return Base64.getDecoder().decode(send("Page.captureScreenshot", JSON.createObjectNode().put("format", "png"), timeout).path("data").asText());
    }

    /** What the browser printed (for failure messages). */
    public String output() {
        synchronized (log) {
            return String.join("\n", log);
        }
    }

    @Override
    public void close() throws IOException {
        if (page != null) {
            page.abort();
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> all = Files.walk(profile)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}

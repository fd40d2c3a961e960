package dev.netloom.api;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fuzzes a running API server over real sockets for a bounded time. Each worker owns a connection
 * and its own seeded {@link RpcFuzzer}; after every fuzz line it sends a sentinel request and reads
 * until both have been answered or the connection closed, all within a timeout. Every line the server
 * sends must be well-formed JSON-RPC, every request with a valid id must be answered with exactly
 * that id (or its connection closed), and an answer switching to a console is followed by a raw
 * session that ends in a detach or a close. A failure names the seed and the last lines sent.
 */
final class ApiFuzz {

    /** Parses what the server sends, strictly, keeping numbers exact so ids can be compared. */
    static final ObjectMapper ORACLE = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);

    private static final Set<String> RESPONSE_FIELDS = Set.of("jsonrpc", "id", "result", "error");

    /**
     * @param tcpOrNull     also fuzz the loopback TCP listener (one worker), authenticating with {@code token}
     * @param typeOnConsole type random bytes on the consoles the fuzz attaches to (a fake lab only)
     */
    record Settings(Path socket, InetSocketAddress tcpOrNull, String token, RpcFuzzer.Target target, Duration duration, long seed,
                    int unixWorkers, Duration answerTimeout, boolean typeOnConsole) {
    }

    /** What the fuzz did, for the log. */
    record Report(long lines, long answers, long events, long closes, long consoles) {
    }

    private final Settings settings;
    private final AtomicLong lines = new AtomicLong();
    private final AtomicLong answers = new AtomicLong();
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong closes = new AtomicLong();
    private final AtomicLong consoles = new AtomicLong();

    private ApiFuzz(Settings settings) {
        this.settings = settings;
    }

    static Report run(Settings settings) {
        System.err.println("API fuzz: seed " + settings.seed() + " for " + settings.duration().toSeconds()
                + " s (rerun with -Dnetloom.fuzz.seed=" + settings.seed() + ")");
        ApiFuzz fuzz = new ApiFuzz(settings);
        long deadline = System.nanoTime() + settings.duration().toNanos();
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        int n = settings.unixWorkers() + (settings.tcpOrNull() == null ? 0 : 1);
        for (int i = 0; i < n; i++) {
            boolean tcp = i == settings.unixWorkers();
            Worker w = fuzz.new Worker(settings.seed() + i, tcp);
            workers.add(CompletableFuture.runAsync(() -> w.run(deadline), r -> {
                Thread t = new Thread(r, "api-fuzz-" + (tcp ? "tcp" : "unix"));
                t.setDaemon(true);
                t.start();
            }));
        }
        CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new))
                .orTimeout(settings.duration().plus(settings.answerTimeout().multipliedBy(4)).toMillis(), TimeUnit.MILLISECONDS).join();
        Report report = new Report(fuzz.lines.get(), fuzz.answers.get(), fuzz.events.get(), fuzz.closes.get(), fuzz.consoles.get());
        System.err.println("API fuzz: " + report);
        return report;
    }

    /** One connection at a time, fuzzed line by line; reconnects after a close or a console session. */
    private final class Worker {
        private final long seed;
        private final boolean tcp;
        private final Random random;
        private final RpcFuzzer fuzzer;
        private final Deque<String> recent = new ArrayDeque<>();
        private final Map<String, Integer> expected = new HashMap<>();
        private Conn conn;
        private long sentinels;

        Worker(long seed, boolean tcp) {
            this.seed = seed;
            this.tcp = tcp;
            this.random = new Random(seed);
            this.fuzzer = new RpcFuzzer(random, settings.target());
        }

        void run(long deadline) {
            try {
                while (System.nanoTime() - deadline < 0) {
                    if (conn == null) {
                        open();
                    }
                    if (!tcp && random.nextInt(25) == 0) {
                        consoleChurn();
                    }
                    RpcFuzzer.Line line = fuzzer.next();
                    remember(line.preview());
                    lines.incrementAndGet();
                    String id = expectedId(line.bytes());
                    if (!conn.send(line.bytes(), true)) {
                        lost();
                        continue;
                    }
                    if (id != null) {
                        expected.merge(id, 1, Integer::sum);
                    }
                    String sentinel = "sentinel-" + ++sentinels;
                    conn.send(("{\"jsonrpc\":\"2.0\",\"id\":\"" + sentinel + "\",\"method\":\"lab.status\"}").getBytes(StandardCharsets.UTF_8), true);
                    readUntil(key(sentinel));
                    readUntil(null); // and the fuzz line's own answer, even if it comes after the sentinel's
                    if (conn != null && random.nextInt(100) == 0) {
                        lost(); // a fresh connection now and then: on TCP, its first lines meet the auth gate
                    }
                }
                if (conn != null) {
                    readUntil(null); // the answers still owed: every one must come
                    conn.close();
                }
            } catch (AssertionError | IOException e) {
                throw new AssertionError("API fuzz worker " + (tcp ? "tcp" : "unix") + " with seed " + seed + ": " + e.getMessage()
                        + "\nlast lines sent:\n  " + String.join("\n  ", recent), e);
            }
        }

        private void open() throws IOException {
            conn = tcp ? Conn.open(settings.tcpOrNull(), StandardProtocolFamily.INET) : Conn.open(UnixDomainSocketAddress.of(settings.socket()),
                    StandardProtocolFamily.UNIX);
            if (tcp && random.nextInt(3) > 0) {
                // most TCP connections authenticate first, so the fuzz reaches the methods too; the others fuzz the gate
                conn.send(("{\"jsonrpc\":\"2.0\",\"id\":\"auth\",\"method\":\"auth\",\"params\":{\"token\":\"" + settings.token() + "\"}}")
                        .getBytes(StandardCharsets.UTF_8), true);
                readUntil(key("auth"));
            }
        }

        /** Reads answers until the one with {@code untilKey} (or, with null, until nothing is owed), a close, or a console switch. */
        private void readUntil(String untilKey) throws IOException {
            long deadline = System.nanoTime() + settings.answerTimeout().toNanos(); // events coming meanwhile do not extend it
            while (conn != null && (untilKey != null || !expected.isEmpty())) {
                String text = conn.next(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())), expected.keySet());
                if (text == null) {
                    lost();
                    return;
                }
                JsonNode msg = wellFormed(text);
                if (msg.has("method")) {
                    events.incrementAndGet();
                    continue;
                }
                answers.incrementAndGet();
                String key = key(msg.get("id"));
                if (msg.path("result").has("console")) {
                    owed(key);
                    console(conn);
                    lost();
                    return;
                }
                if (key != null && key.equals(untilKey)) {
                    int code = msg.path("error").path("code").asInt();
                    if (code == ApiException.UNAUTHORIZED || code == ApiException.BUSY && tcp) {
                        awaitClose(conn); // refused before auth: the server closes
                        lost();
                    }
                    return;
                }
                owed(key);
            }
        }

        private void owed(String key) {
            if (key == null) {
                return; // errors about lines without a valid id
            }
            Integer n = expected.get(key);
            if (n == null) {
                throw new AssertionError("an answer with id " + key + " that no request had: ids owed " + expected.keySet());
            }
            if (n == 1) {
                expected.remove(key);
            } else {
                expected.put(key, n - 1);
            }
        }

        /** Attaches to a console on a connection of its own, and leaves it again: attaches and detaches interleave with the rest. */
        private void consoleChurn() throws IOException {
            String node = settings.target().nodes().get(random.nextInt(settings.target().nodes().size()));
            remember("console churn on " + node);
            try (Conn c = Conn.open(UnixDomainSocketAddress.of(settings.socket()), StandardProtocolFamily.UNIX)) {
                c.send(("{\"jsonrpc\":\"2.0\",\"id\":\"console\",\"method\":\"node.console\",\"params\":{\"node\":\"" + node + "\"}}")
                        .getBytes(StandardCharsets.UTF_8), true);
                String answer = c.next(settings.answerTimeout(), Set.of(key("console")));
                if (answer == null) {
                    throw new AssertionError("node.console on " + node + ": the server closed without an answer");
                }
                JsonNode msg = wellFormed(answer);
                if (!msg.path("result").path("console").asText().equals(node)) {
                    throw new AssertionError("node.console on " + node + " answered " + answer);
                }
                console(c);
            }
        }

        /** {@code c} is a raw console now: type a little (on a fake lab), then detach, half-close or drop it. */
        private void console(Conn c) throws IOException {
            consoles.incrementAndGet();
            if (settings.typeOnConsole()) {
                for (int i = random.nextInt(4); i > 0; i--) {
                    byte[] junk = new byte[random.nextInt(200)];
                    random.nextBytes(junk);
                    for (int j = 0; j < junk.length; j++) {
                        if (junk[j] == ConsoleInput.DETACH) {
                            junk[j] = 'x';
                        }
                    }
                    c.send(junk, false);
                }
            }
            switch (random.nextInt(3)) {
                case 0 -> {
                    c.send(new byte[]{ConsoleInput.DETACH}, false);
                    awaitClose(c);
                }
                case 1 -> {
                    c.shutdownOutput();
                    awaitClose(c);
                }
                default -> c.close();
            }
        }

        private void awaitClose(Conn c) {
            if (!c.awaitEof(settings.answerTimeout())) {
                throw new AssertionError("the server did not close the connection within " + settings.answerTimeout().toMillis() + " ms");
            }
        }

        /** The server closed (or we did): what it owed on that connection is void. */
        private void lost() throws IOException {
            closes.incrementAndGet();
            conn.close();
            conn = null;
            expected.clear();
        }

        private void remember(String preview) {
            recent.addLast(preview);
            if (recent.size() > 12) {
                recent.removeFirst();
            }
        }
    }

    // ---- the oracle ----

    /** The id the server must answer a line with, as a key; null when the line has none (not JSON, not an object, a notification). */
    static String expectedId(byte[] line) {
        JsonNode request;
        try {
            request = ORACLE.readTree(line);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        if (request == null || !request.isObject()) {
            return null;
        }
        JsonNode id = request.get("id");
        return id != null && (id.isTextual() || id.isNumber()) ? key(id) : null;
    }

    private static String key(String textId) {
        return "s:" + textId;
    }

    /** Ids compare as JSON values: strings by text, numbers by value (1.0 is 1). */
    static String key(JsonNode id) {
        if (id == null || id.isNull()) {
            return null;
        }
        if (id.isTextual()) {
            return key(id.asText());
        }
        if (id.isNumber()) {
            try {
                return "n:" + id.decimalValue().stripTrailingZeros().toPlainString();
            } catch (NumberFormatException e) {
                return "bad-number:" + id; // NaN or Infinity: no request can have it
            }
        }
        return "bad-type:" + id;
    }

    /** One line from the server: a JSON-RPC 2.0 response (result xor error{code, message}) or an event notification. */
    static JsonNode wellFormed(String line) {
        JsonNode msg;
        try {
            msg = ORACLE.readTree(line);
        } catch (IOException e) {
            throw new AssertionError("the server sent a line that is not JSON: " + e.getMessage() + ": " + abbreviate(line));
        }
        if (msg == null || !msg.isObject() || !msg.path("jsonrpc").asText("").equals("2.0")) {
            throw new AssertionError("not a JSON-RPC 2.0 message: " + abbreviate(line));
        }
        if (msg.has("method")) {
            if (!msg.path("method").asText().equals("event") || msg.has("id") || !msg.path("params").path("kind").isTextual()) {
                throw new AssertionError("a notification that is not an event: " + abbreviate(line));
            }
            return msg;
        }
        for (Iterator<String> it = msg.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!RESPONSE_FIELDS.contains(f)) {
                throw new AssertionError("a response with field '" + f + "': " + abbreviate(line));
            }
        }
        JsonNode id = msg.get("id");
        if (id == null || !(id.isNull() || id.isTextual() || id.isNumber())) {
            throw new AssertionError("a response without a valid id: " + abbreviate(line));
        }
        if (msg.has("result") == msg.has("error")) {
            throw new AssertionError("a response needs exactly one of result and error: " + abbreviate(line));
        }
        JsonNode error = msg.get("error");
        if (error != null && (!error.path("code").canConvertToInt() || !error.path("code").isIntegralNumber()
                || !error.path("message").isTextual() || error.path("message").asText().isEmpty())) {
            throw new AssertionError("an error needs an integer code and a message: " + abbreviate(line));
        }
        return msg;
    }

    private static String abbreviate(String s) {
        return s.length() > 500 ? s.substring(0, 500) + "... (" + s.length() + " chars)" : s;
    }

    // ---- one connection ----

    /** A raw client connection: lines read by a thread of its own into a queue, so every read can time out. */
    private static final class Conn implements AutoCloseable {
        private static final Object EOF = new Object();
        private final SocketChannel ch;
        private final BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();

        private Conn(SocketChannel ch) {
            this.ch = ch;
            Thread reader = new Thread(this::read, "api-fuzz-reader");
            reader.setDaemon(true);
            reader.start();
        }

        static Conn open(SocketAddress address, StandardProtocolFamily family) throws IOException {
            SocketChannel ch = SocketChannel.open(family);
            ch.connect(address);
            return new Conn(ch);
        }

        private void read() {
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            try {
                while (ch.read(buf.clear()) >= 0) {
                    for (int i = 0; i < buf.position(); i++) {
                        byte b = buf.get(i);
                        if (b == '\n') {
                            inbox.add(strictUtf8(line.toByteArray()));
                            line.reset();
                        } else {
                            line.write(b);
                        }
                    }
                }
            } catch (IOException e) {
                // a reset after the server closed with our bytes unread: a close like any other
            } finally {
                inbox.add(EOF);
            }
        }

        /** The line as text, or a note that stands out as not JSON when it is not UTF-8 (JSON text must be). */
        private static String strictUtf8(byte[] bytes) {
            try {
                return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
            } catch (java.nio.charset.CharacterCodingException e) {
                return "NOT UTF-8: " + new String(bytes, StandardCharsets.UTF_8);
            }
        }

        /** The next line, or null once the server closed; an AssertionError when nothing came in time. */
        String next(Duration timeout, Set<String> owed) {
            Object o;
            try {
                o = inbox.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
            if (o == null) {
                throw new AssertionError("no answer and no close in time; answers owed: " + owed);
            }
            if (o == EOF) {
                inbox.add(EOF);
                return null;
            }
            return (String) o;
        }

        /** Skips whatever comes (console bytes) until the server closes; false if it did not in time. */
        boolean awaitEof(Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            try {
                Object o;
                do {
                    o = inbox.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } while (o != null && o != EOF);
                return o == EOF;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        /** False when the server has closed the connection already. */
        boolean send(byte[] bytes, boolean newline) {
            try {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                if (newline) {
                    ByteBuffer nl = ByteBuffer.wrap(new byte[]{'\n'});
                    while (nl.hasRemaining()) {
                        ch.write(nl);
                    }
                }
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        void shutdownOutput() throws IOException {
            ch.shutdownOutput();
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }
}

package dev.netloom.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netloom.nodes.NetloomException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import static dev.netloom.api.JsonLineCodec.MAPPER;

/**
 * A blocking client of the lab API, for the CLI and tests. Calls may come from several threads at
 * once (they are pipelined on the one connection); a reader thread matches answers to calls by id
 * and hands event notifications to the subscriber.
 */
public final class ApiClient implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ApiClient.class);

    private final ApiWire wire;
    private final String peer;
    private final Object writeLock = new Object();
    private final AtomicLong ids = new AtomicLong();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final ApiClientReader reader;

    private ApiClient(ApiWire wire, String peer) {
        this.wire = wire;
        this.peer = peer;
        this.reader = new ApiClientReader(wire, peer, closed);
        Thread thread = new Thread(reader::readLoop, "api-client-reader");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Connects to a lab's Unix socket, retrying while it does not exist yet or refuses (the lab is
     * still starting) until {@code budget} is spent.
     */
    public static ApiClient connect(Path unixSocket, Duration budget) {
        return connect(UnixDomainSocketAddress.of(unixSocket), StandardProtocolFamily.UNIX, unixSocket.toString(), budget);
    }

    /** Connects to the API on loopback TCP and authenticates with {@code token} (the content of the token file). */
    public static ApiClient connectTcp(InetSocketAddress address, String token, Duration budget) {
        return authenticated(connect(address, address.getAddress() instanceof java.net.Inet6Address ? StandardProtocolFamily.INET6
                : StandardProtocolFamily.INET, address.toString(), budget), token, budget);
    }

    /**
     * Connects to an agent's API over mutual TLS ({@code tls}: this side's key and what it accepts of
     * the server, docs/scale-out.md), retrying while the agent does not listen yet until {@code budget}
     * is spent, then authenticates with {@code token}. A handshake the server or this side refuses is
     * not retried.
     */
    public static ApiClient connectTls(InetSocketAddress address, SSLContext tls, String token, Duration budget) {
        ApiClient client = new ApiClient(ApiWire.connectTls(address, tls, budget), address.toString());
        try {
            return authenticated(client, token, budget);
        } catch (ApiException e) {
            throw e;
        } catch (NetloomException e) {
            // with TLS 1.3 the server judges this side's certificate after the handshake: its refusal comes as the first read
            throw new NetloomException("TLS with the agent API at " + address + " failed: it closed the connection (" + e.getMessage()
                    + "); it lets in only the coordinator's certificate of its own set (`netloom certs create`, docs/scale-out.md)", e);
        }
    }

    private static ApiClient authenticated(ApiClient client, String token, Duration budget) {
        try {
            client.call("auth", MAPPER.createObjectNode().put("token", token.strip()), budget.isZero() ? Duration.ofSeconds(10) : budget);
            return client;
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    private static ApiClient connect(SocketAddress address, StandardProtocolFamily family, String peer, Duration budget) {
        return new ApiClient(ApiWire.connect(address, family, peer, budget), peer);
    }

    /**
     * Calls a method and waits for its answer. Throws an ApiException with the server's code and
     * message on an error answer, or with code -32003 when no answer came within {@code timeout}.
     */
    public JsonNode call(String method, ObjectNode params, Duration timeout) {
        CompletableFuture<JsonNode> answer = callAsync(method, params);
        try {
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new ApiException(ApiException.TIMEOUT, method + ": no answer from " + peer + " within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NetloomException("interrupted while waiting for " + method, e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof ApiException a) {
                // a fresh exception, so the stack trace shows the caller
                throw new ApiException(a.code(), a.getMessage(), a.data());
            }
            throw c instanceof RuntimeException re ? re : new NetloomException(String.valueOf(c.getMessage()), c);
        }
    }

    /** Sends a request without waiting: the future completes with the result or fails with an ApiException. */
    public CompletableFuture<JsonNode> callAsync(String method, ObjectNode params) {
        return callAsync(method, params, null);
    }

    /** With {@code console}, the answer to this request switches the connection to raw bytes (a console, a capture) copied there. */
    private CompletableFuture<JsonNode> callAsync(String method, ObjectNode params, OutputStream console) {
        long id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        reader.expect(id, answer, console);
        ObjectNode request = MAPPER.createObjectNode().put("jsonrpc", "2.0").put("id", id).put("method", method);
        request.set("params", params == null ? MAPPER.createObjectNode() : params);
        try {
            send(MAPPER.writeValueAsBytes(request), true);
        } catch (IOException | RuntimeException e) {
            reader.forget(id);
            answer.completeExceptionally(e instanceof NetloomException ? e : new NetloomException("cannot send " + method + " to " + peer + ": " + e.getMessage(), e));
        }
        if (closed.isDone()) {
            reader.failPending();
        }
        return answer;
    }

    /**
     * Subscribes to lab events of {@code types} (all kinds when null or empty); {@code onEvent} gets
     * each notification's params ({at, kind, subject, detail, state?}) on the client's reader thread.
     */
    public void subscribe(List<String> types, Consumer<JsonNode> onEvent) {
        reader.onEvent(onEvent);
        ObjectNode params = MAPPER.createObjectNode();
        if (types != null && !types.isEmpty()) {
            params.set("types", MAPPER.valueToTree(types));
        }
        call("events.subscribe", params, Duration.ofSeconds(10));
    }

    /**
     * Streams a node's console: bytes from {@code in} are typed on it and its output goes to
     * {@code out}, until the server closes the connection, {@code in} ends, or Ctrl-] is read from
     * {@code in}. The connection is used up afterwards. The caller sets the terminal to raw mode.
     */
    public void console(String node, InputStream in, OutputStream out) {
        console(node, MAPPER.createObjectNode(), in, out);
    }

    /**
     * {@link #console(String, InputStream, OutputStream)} with node.console's other params
     * ({@code name}, {@code readOnly}, {@code rows}, {@code cols}, {@code history}: docs/api.md).
     */
    public void console(String node, ObjectNode options, InputStream in, OutputStream out) {
        JsonNode answer = attachConsole(node, options, out);
        log.debug("console {}: {}", node, answer);
        Thread pump = new Thread(() -> pump(in), "api-console-input");
        pump.setDaemon(true); // it may stay blocked reading a terminal; it must not keep the JVM alive
        pump.start();
        closed.join();
    }

    /**
     * Attaches to a node's console and returns node.console's answer; from then on the console's
     * output goes to {@code out} (on the reader thread) and {@link #sendRaw} types, until {@link #closed()}.
     */
    public JsonNode attachConsole(String node, ObjectNode options, OutputStream out) {
        try {
            ObjectNode params = options.deepCopy().put("node", node);
            return callAsync("node.console", params, out).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof ApiException a) {
                throw new ApiException(a.code(), a.getMessage(), a.data());
            }
            throw c instanceof RuntimeException re ? re : new NetloomException(String.valueOf(c.getMessage()), c);
        } catch (TimeoutException e) {
            throw new ApiException(ApiException.TIMEOUT, "node.console: no answer from " + peer);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NetloomException("interrupted while attaching to " + node, e);
        }
    }

    /** On a console stream: bytes as the client typed them (resize sequences and Ctrl-] included). */
    public void sendRaw(byte[] bytes) throws IOException {
        send(bytes, false);
    }

    /**
     * Starts a capture ({@code link.capture} with {@code params}) and returns its answer once it
     * captures; from then on the connection carries the capture's bytes, which a reader thread copies
     * to {@code out} (flushed after every read) until the server closes the connection ({@link #closed()}).
     * {@link #stopStream()} asks the server to end it cleanly.
     */
    public JsonNode capture(ObjectNode params, OutputStream out, Duration timeout) {
        try {
            return callAsync("link.capture", params, out).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof ApiException a) {
                throw new ApiException(a.code(), a.getMessage(), a.data());
            }
            throw c instanceof RuntimeException re ? re : new NetloomException(String.valueOf(c.getMessage()), c);
        } catch (TimeoutException e) {
            throw new ApiException(ApiException.TIMEOUT, "link.capture: no answer from " + peer + " within " + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NetloomException("interrupted while starting a capture", e);
        }
    }

    /** On a console stream: the client's terminal is now {@code rows} by {@code cols} (sent in-band, see {@link ConsoleInput}). */
    public void consoleResize(int rows, int cols) {
        try {
            send(ConsoleInput.resizeSequence(new dev.netloom.nodes.console.ConsoleBroker.Size(rows, cols)), false);
        } catch (IOException e) {
            log.debug("console resize: {}", e.toString());
        }
    }

    /** Closes the sending side: a capture stream then ends after its last whole block, and the server closes. */
    public void stopStream() {
        try {
            wire.stopCapture();
        } catch (IOException e) {
            log.debug("stopping the stream: {}", e.toString());
        }
    }

    /** Copies typed bytes to the connection, ending after Ctrl-] (which makes the server close) or at the end of input. */
    private void pump(InputStream in) {
        byte[] buf = new byte[4096];
        try {
            while (!closed.isDone()) {
                int n = in.read(buf);
                if (n < 0) {
                    wire.endInput();
                    return;
                }
                int detach = -1;
                for (int i = 0; i < n; i++) {
                    if (buf[i] == ConsoleInput.DETACH) {
                        detach = i;
                        break;
                    }
                }
                send(java.util.Arrays.copyOf(buf, detach < 0 ? n : detach + 1), false);
                if (detach >= 0) {
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            log.debug("console input: {}", e.toString());
            close();
        }
    }

    /** Sends bytes as they are (plus a newline when asked); for tests of malformed input. */
    void send(byte[] bytes, boolean newline) throws IOException {
        synchronized (writeLock) {
            byte[] line = bytes;
            if (newline) {
                line = java.util.Arrays.copyOf(bytes, bytes.length + 1);
                line[bytes.length] = '\n';
            }
            wire.write(line);
        }
    }

    /** Completes when the connection has closed (the server closed it, or {@link #close()}). */
    public CompletableFuture<Void> closed() {
        return closed;
    }

    @Override
    public void close() {
        wire.close();
        closed.complete(null);
        reader.failPending();
    }
}

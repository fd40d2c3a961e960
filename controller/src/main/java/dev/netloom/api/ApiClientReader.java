package dev.netloom.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.netloom.nodes.NetloomException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import static dev.netloom.api.JsonLineCodec.MAPPER;

/**
 * The reading side of an {@link ApiClient}'s connection, on its reader thread: answers matched to
 * the calls waiting for them by id, event notifications handed to the subscriber, and after the answer
 * that switches the connection to raw bytes (a console, a capture), those bytes copied out.
 */
final class ApiClientReader {

    private static final Logger log = LoggerFactory.getLogger(ApiClientReader.class);

    /** Answers longer than this are a broken server, not data. */
    static final int MAX_LINE_BYTES = 256 << 20;

    private final ApiWire wire;
    private final String peer;
    private final CompletableFuture<Void> closed;
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private volatile Consumer<JsonNode> onEvent;
    private volatile long consoleId = -1;
    private volatile OutputStream consoleOut;
    private volatile String closeCause; // why the reader saw the connection fail, if it did
    private boolean raw; // reader thread only: the console answer came, the rest is console bytes

    ApiClientReader(ApiWire wire, String peer, CompletableFuture<Void> closed) {
        this.wire = wire;
        this.peer = peer;
        this.closed = closed;
    }

    /** A call {@code id} waits for {@code answer}; with {@code console}, that answer switches the connection to raw bytes copied there. */
    void expect(long id, CompletableFuture<JsonNode> answer, OutputStream console) {
        pending.put(id, answer);
        if (console != null) {
            consoleOut = console;
            consoleId = id;
        }
    }

    /** Call {@code id} waits no more (it could not be sent). */
    void forget(long id) {
        pending.remove(id);
    }

    /** Event notifications' params go to {@code listener} from now on. */
    void onEvent(Consumer<JsonNode> listener) {
        this.onEvent = listener;
    }

    /** Reads until the connection closes, then completes {@code closed} and fails what still waits. */
    void readLoop() {
        byte[] a = new byte[64 * 1024];
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            while (true) {
                int n = wire.read(a);
                if (n < 0) {
                    break;
                }
                int start = 0;
                for (int i = 0; i < n; i++) {
                    if (raw) {
                        break; // switched to console bytes within this chunk
                    }
                    if (a[i] == '\n') {
                        line.write(a, start, i - start);
                        dispatch(line.toByteArray());
                        line.reset();
                        start = i + 1;
                    }
                }
                if (raw) {
                    if (start < n) {
                        consoleOut.write(a, start, n - start);
                    }
                    consoleOut.flush();
                    rawLoop(a);
                    break;
                }
                line.write(a, start, n - start);
                if (line.size() > MAX_LINE_BYTES) {
                    throw new IOException("an answer longer than " + MAX_LINE_BYTES + " bytes");
                }
            }
        } catch (IOException e) {
            if (!closed.isDone()) {
                log.debug("api connection {}: {}", peer, e.toString());
                closeCause = e.getMessage(); // e.g. a TLS alert: the server refused this side's certificate
            }
        } finally {
            wire.close();
            closed.complete(null);
            failPending();
        }
    }

    private void rawLoop(byte[] buf) throws IOException {
        OutputStream out = consoleOut;
        while (true) {
            int n = wire.read(buf);
            if (n < 0) {
                return;
            }
            out.write(buf, 0, n);
            out.flush();
        }
    }

    private void dispatch(byte[] bytes) {
        JsonNode msg;
        try {
            msg = MAPPER.readTree(bytes);
        } catch (IOException e) {
            log.warn("api {}: an answer that is not JSON: {}", peer, e.getMessage());
            return;
        }
        JsonNode id = msg.get("id");
        if (id == null) {
            Consumer<JsonNode> listener = onEvent;
            if (listener != null && "event".equals(msg.path("method").asText())) {
                try {
                    listener.accept(msg.path("params"));
                } catch (RuntimeException e) {
                    log.warn("event listener failed: {}", e.toString());
                }
            }
            return;
        }
        CompletableFuture<JsonNode> answer = id.canConvertToLong() ? pending.remove(id.asLong()) : null;
        if (answer == null) {
            log.debug("api {}: an answer nobody waits for: {}", peer, msg);
            return;
        }
        JsonNode error = msg.get("error");
        if (error != null) {
            answer.completeExceptionally(new ApiException(error.path("code").asInt(ApiException.FAILED),
                    error.path("message").asText("(no message)"), error.get("data")));
            return;
        }
        if (id.asLong() == consoleId) {
            raw = true; // from the next byte on, the connection is the console
        }
        answer.complete(msg.get("result"));
    }

    /** Fails every call still waiting: the connection closed. */
    void failPending() {
        for (Long id : List.copyOf(pending.keySet())) {
            CompletableFuture<JsonNode> f = pending.remove(id);
            if (f != null) {
                f.completeExceptionally(new NetloomException("the lab API connection " + peer + " closed before the answer came"
                        + (closeCause == null ? "" : " (" + closeCause + ")")));
            }
        }
    }
}

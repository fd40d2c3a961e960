package dev.netloom.observe;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.netloom.nodes.NetloomException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Serves {@code GET /metrics} ({@link Metrics#page}) over HTTP for Prometheus to scrape. One thread
 * answers; a reading younger than {@link #MIN_AGE} is served again rather than taken anew, so that
 * several scrapers cost the lab no more than one. Any other path is 404, any other method 405.
 */
public final class MetricsServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);

    /** Scrapes closer together than this share one reading. */
    static final Duration MIN_AGE = Duration.ofSeconds(1);

    private final HttpServer server;
    private final ExecutorService thread;
    private final Supplier<List<LabStats>> reading;
    private List<LabStats> last; // guarded by this
    private Instant lastAt = Instant.EPOCH; // guarded by this

    private MetricsServer(HttpServer server, ExecutorService thread, Supplier<List<LabStats>> reading) {
        this.server = server;
        this.thread = thread;
        this.reading = reading;
    }

    /** Starts serving on {@code address} (port 0: any free port, see {@link #address()}). */
    public static MetricsServer start(InetSocketAddress address, Supplier<List<LabStats>> reading) {
        HttpServer server;
        try {
            server = HttpServer.create(address, 16);
        } catch (IOException e) {
            throw new NetloomException("cannot serve metrics on " + address.getHostString() + ":" + address.getPort() + ": " + e.getMessage()
                    + " (is the port in use? pick another with --metrics HOST:PORT)");
        }
        ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "netloom-metrics");
            t.setDaemon(true);
            return t;
        });
        MetricsServer m = new MetricsServer(server, thread, reading);
        server.setExecutor(thread);
        server.createContext("/", m::handle);
        server.start();
        return m;
    }

    /** The address it serves on (with the port chosen when 0 was asked for). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            if (!x.getRequestURI().getPath().equals("/metrics")) {
                reply(x, 404, "text/plain; charset=utf-8", "not found: metrics are at /metrics\n");
            } else if (!x.getRequestMethod().equals("GET") && !x.getRequestMethod().equals("HEAD")) {
                x.getResponseHeaders().add("Allow", "GET, HEAD");
                reply(x, 405, "text/plain; charset=utf-8", "method not allowed: use GET\n");
            } else {
                String page;
                try {
                    page = Metrics.page(current());
                } catch (RuntimeException e) {
                    log.debug("metrics reading failed", e);
                    reply(x, 503, "text/plain; charset=utf-8", "the lab cannot be read now: " + e.getMessage() + "\n");
                    return;
                }
                reply(x, 200, Metrics.CONTENT_TYPE, page);
            }
        }
    }

    private synchronized List<LabStats> current() {
        Instant now = Instant.now();
        if (last == null || Duration.between(lastAt, now).compareTo(MIN_AGE) >= 0) {
            last = reading.get();
            lastAt = now;
        }
        return last;
    }

    private static void reply(HttpExchange x, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", type);
        boolean head = x.getRequestMethod().equals("HEAD");
        x.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = x.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        thread.shutdownNow();
    }
}

package dev.netloom.observe;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP side on a real loopback socket. */
class MetricsServerTest {

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> send(MetricsServer m, String method, String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + m.address().getPort() + path);
        return http.send(HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void metrics_isThePage_otherPathsAndMethodsAreRefused_andCloseScrapesShareAReading() throws Exception {
        AtomicInteger readings = new AtomicInteger();
        try (MetricsServer m = MetricsServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), () -> {
            readings.incrementAndGet();
            return List.of(new LabStats("x", Instant.now(), List.of(), List.of(new NodeUsage("a", "READY", 1, 2, 3, 4))));
        })) {
            HttpResponse<String> r = send(m, "GET", "/metrics");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).contains(Metrics.CONTENT_TYPE);
            assertThat(r.body()).contains("netloom_node_cpu_seconds_total{lab=\"x\",node=\"a\"} 2\n");
            send(m, "GET", "/metrics");
            assertThat(readings.get()).as("two scrapes within %s share one reading", MetricsServer.MIN_AGE).isEqualTo(1);
            assertThat(send(m, "GET", "/").statusCode()).isEqualTo(404);
            HttpResponse<String> post = send(m, "POST", "/metrics");
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");
        }
    }

    @Test
    void aReadingThatFails_isA503WithTheReason() throws Exception {
        try (MetricsServer m = MetricsServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), () -> {
            throw new IllegalStateException("tc failed: no namespace");
        })) {
            HttpResponse<String> r = send(m, "GET", "/metrics");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body()).contains("tc failed: no namespace");
        }
    }

    @Test
    void aPortInUse_saysSo() throws Exception {
        try (MetricsServer first = MetricsServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), List::of)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> MetricsServer.start(first.address(), List::of))
                    .hasMessageContaining("cannot serve metrics on").hasMessageContaining("pick another with --metrics");
        }
    }
}

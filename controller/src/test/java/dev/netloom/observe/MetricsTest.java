package dev.netloom.observe;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MetricsTest {

    private static LabStats stats(String lab, long packets) {
        return new LabStats(lab, Instant.EPOCH,
                List.of(new LinkCounters.Direction("a-b", "link", "a->b", packets, 98 * packets, packets - 1, 98 * (packets - 1), 1, 0, 0)),
                List.of(new NodeUsage("a", "READY", 42, 1.25, 100 << 20, 60 << 20), new NodeUsage("b", "STOPPED", -1, 0, 0, 0)));
    }

    @Test
    void everyFamily_hasHelpAndTypeOnce_thenEveryLabsSamples() {
        String page = Metrics.page(List.of(stats("lab1", 10), stats("lab2", 3)));
        assertThat(page.lines().filter(l -> l.startsWith("# TYPE netloom_link_packets_total counter"))).hasSize(1);
        assertThat(page).contains("netloom_link_packets_total{lab=\"lab1\",link=\"a-b\",kind=\"link\",direction=\"a->b\"} 10\n")
                .contains("netloom_link_packets_total{lab=\"lab2\",link=\"a-b\",kind=\"link\",direction=\"a->b\"} 3\n")
                .contains("netloom_link_delivered_packets_total{lab=\"lab1\",link=\"a-b\",kind=\"link\",direction=\"a->b\"} 9\n")
                .contains("netloom_node_cpu_seconds_total{lab=\"lab1\",node=\"a\"} 1.25\n")
                .contains("netloom_node_resident_bytes{lab=\"lab1\",node=\"a\"} 104857600\n")
                .contains("netloom_node_ready{lab=\"lab1\",node=\"a\"} 1\n")
                .contains("netloom_node_ready{lab=\"lab1\",node=\"b\"} 0\n");
        // every sample line's family was declared before it
        String declared = "";
        for (String line : page.lines().toList()) {
            if (line.startsWith("# TYPE ")) {
                declared = line.split(" ")[2];
            } else if (!line.startsWith("#")) {
                assertThat(line).startsWith(declared + "{");
            }
        }
    }

    @Test
    void labelValues_areEscaped_numbersArePlain() {
        assertThat(Metrics.escape("a\\b\"c\nd")).isEqualTo("a\\\\b\\\"c\\nd");
        assertThat(Metrics.number(3.0)).isEqualTo("3");
        assertThat(Metrics.number(0.5)).isEqualTo("0.5");
    }
}

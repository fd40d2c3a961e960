package dev.netloom.lab;

import dev.netloom.nodes.ExecResult;
import dev.netloom.nodes.host.Proc;
import dev.netloom.observe.LabStats;
import dev.netloom.observe.LinkCounters;
import dev.netloom.observe.MetricsServer;
import dev.netloom.observe.NodeUsage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Counters on real tiny nodes: pings a guest sends show up on the host side of the link in the right
 * direction, a LAN member's directions count too, each node's QEMU has CPU time and memory, and the
 * metrics page of a real lab passes promtool's check.
 */
@Tag("e2e")
class StatsE2ETest {

    private static final Duration T = Duration.ofSeconds(60);
    private static final int PINGS = 10;

    private static final int A_QUEUED = 0, A_TX = 1, A_RX = 2, B_QUEUED = 3, B_TX = 4, B_RX = 5,
            C_QUEUED = 6, C_TX = 7, C_RX = 8;

    /**
     * a's and b's eth0 (the link) and c's eth0 (the LAN), three counters each: the frames eth0's root
     * qdisc handed to the driver, tx_packets and rx_packets. A sent frame passes the qdisc before the
     * host sees it and reaches tx_packets only after (virtio-net counts it when it reclaims the frame's
     * descriptor, once QEMU has written it to the tap), so at any moment tx_packets <= what the host saw
     * <= the qdisc's count, and neither alone bounds the host's count over a window.
     */
    private static long[] guestCounters(Lab lab) {
        long[] out = new long[9];
        int i = 0;
        for (String node : List.of("a", "b", "c")) {
            ExecResult r = lab.exec(node, "tc -s qdisc show dev eth0; cat /sys/class/net/eth0/statistics/tx_packets"
                    + " /sys/class/net/eth0/statistics/rx_packets", T);
            assertThat(r.exitCode()).as(r.output()).isZero();
            java.util.regex.Matcher sent = java.util.regex.Pattern.compile("Sent \\d+ bytes (\\d+) pkt").matcher(r.output());
            assertThat(sent.find()).as(r.output()).isTrue(); // the first is the root qdisc's: all of eth0's
            List<String> lines = r.output().strip().lines().toList();
            out[i++] = Long.parseLong(sent.group(1));
            out[i++] = Long.parseLong(lines.get(lines.size() - 2).strip());
            out[i++] = Long.parseLong(lines.get(lines.size() - 1).strip());
        }
        return out;
    }

    /** The most a host can have seen of a guest's frames between the two readings: queued by the end less reclaimed by the start. */
    private static long sentAtMost(long[] before, long[] after, int queued, int tx) {
        return after[queued] - before[tx];
    }

    private static long delta(LabStats before, LabStats after, String link, String direction, java.util.function.ToLongFunction<LinkCounters.Direction> f) {
        return f.applyAsLong(after.link(link, direction)) - f.applyAsLong(before.link(link, direction));
    }

    @Test
    void pingsAreCountedPerDirection_nodesHaveUsage_andTheMetricsPagePassesPromtool() throws Exception {
        String json = """
                { "name": "obsstats", "nodes": ["a", "b", "c"],
                  "links": [ {"between": ["a", "b"]} ],
                  "lans": [ {"name": "hall", "members": ["a", "c"]} ] }
                """;
        try (Lab lab = LabFixture.up(json)) {
            String bIp = lab.plan().segment("a-b").members().get(1).ip();
            String cIp = lab.plan().segment("hall").members().get(1).ip();
            // the first ping resolves b's MAC: ARP's frames go before the counting starts
            assertThat(lab.exec("a", "ping -c 1 -w 5 " + bIp + " && ping -c 1 -w 5 " + cIp, T).exitCode()).isZero();

            // the guests' own counters, read around the host's readings: the host cannot count more than
            // the guests sent and received in that wider window, nor fewer than the pings
            long[] outerBefore = guestCounters(lab);
            LabStats before = LabStats.sample(lab);
            ExecResult ping = lab.exec("a", "ping -c " + PINGS + " -i 0.2 -w 20 " + bIp, T);
            assertThat(ping.exitCode()).as(ping.output()).isZero();
            ExecResult lanPing = lab.exec("c", "ping -c " + PINGS + " -i 0.2 -w 20 " + lab.plan().segment("hall").members().get(0).ip(), T);
            assertThat(lanPing.exitCode()).as(lanPing.output()).isZero();
            LabStats after = LabStats.sample(lab);
            long[] outerAfter = guestCounters(lab);
            // echo requests a->b, replies b->a: the host saw at least the pings and at most what the sending
            // guest sent, and delivered no more than entered (the receiving guest may count fewer: QEMU's
            // virtio-net filters multicast its guest did not join, e.g. the other side's IPv6 MLD reports)
            long aToB = delta(before, after, "a-b", "a->b", LinkCounters.Direction::packets);
            assertThat(aToB).isBetween((long) PINGS, sentAtMost(outerBefore, outerAfter, A_QUEUED, A_TX));
            assertThat(delta(before, after, "a-b", "a->b", LinkCounters.Direction::delivered)).isBetween((long) PINGS, aToB);
            long bToA = delta(before, after, "a-b", "b->a", LinkCounters.Direction::packets);
            assertThat(bToA).isBetween((long) PINGS, sentAtMost(outerBefore, outerAfter, B_QUEUED, B_TX));
            assertThat(delta(before, after, "a-b", "b->a", LinkCounters.Direction::delivered)).isBetween((long) PINGS, bToA);
            assertThat(outerAfter[A_RX] - outerBefore[A_RX]).isGreaterThanOrEqualTo(PINGS);
            assertThat(outerAfter[B_RX] - outerBefore[B_RX]).isGreaterThanOrEqualTo(PINGS);
            for (String direction : List.of("a->b", "b->a")) {
                assertThat(delta(before, after, "a-b", direction, LinkCounters.Direction::bytes)).as(direction)
                        .isGreaterThanOrEqualTo(PINGS * 98L); // an echo of 56 bytes is a 98-byte frame
                assertThat(after.link("a-b", direction).drops()).as(direction).isZero();
            }
            // c's pings went into the LAN and their replies came back to c
            assertThat(delta(before, after, "hall", "c->hall", LinkCounters.Direction::packets)).isBetween((long) PINGS, sentAtMost(outerBefore, outerAfter, C_QUEUED, C_TX));
            assertThat(delta(before, after, "hall", "hall->c", LinkCounters.Direction::delivered)).isGreaterThanOrEqualTo(PINGS);

            for (NodeUsage u : after.nodes()) {
                assertThat(u.state()).isEqualTo("READY");
                assertThat(u.pid()).isEqualTo(lab.node(u.node()).pid());
                assertThat(u.cpuSeconds()).as(u.node()).isPositive();
                assertThat(u.rssBytes()).as(u.node()).isGreaterThan(16L << 20);
                assertThat(u.pssBytes()).as(u.node()).isPositive().isLessThanOrEqualTo(u.rssBytes());
            }

            try (MetricsServer m = MetricsServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), () -> List.of(LabStats.sample(lab)))) {
                HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + m.address().getPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(page.statusCode()).isEqualTo(200);
                assertThat(page.body()).containsPattern("netloom_link_packets_total\\{lab=\"obsstats\",link=\"a-b\",kind=\"link\",direction=\"a->b\"} [1-9][0-9]+\n");
                assertThat(Proc.onPath("promtool")).as("promtool (Debian's prometheus package; `netloom setup` installs it)").isTrue();
                Proc.Result check = Proc.run(List.of("promtool", "check", "metrics"), null, page.body().getBytes(StandardCharsets.UTF_8), T);
                assertThat(check.exitCode()).as(check.stdout() + check.stderr()).isZero();
            }
        }
    }
}

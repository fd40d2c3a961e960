package dev.netloom.lab;

import dev.netloom.fabric.Fabric;
import dev.netloom.impairment.Impairment;
import dev.netloom.mobility.Position;
import dev.netloom.nodes.ExecResult;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Per-pair impairments on a shared medium (the WiFi model in lan mode) on real tiny nodes: each
 * sender shapes what it sends to each neighbour in its own guest, by destination MAC. a, b, c on a
 * line: a-b 12 m (8 ms each way), b-c 8 m (4 ms), a-c 20 m (32 ms). Two pairs get their own measured
 * delay; an ARP broadcast from a is not delayed (only c's unicast reply is); after c moves next to
 * a the delays follow; a pair set by hand and a pair taken down by hand work as on links.
 */
@Tag("e2e")
class MediumImpairmentE2ETest {

    private static final Duration T = Duration.ofSeconds(60);
    private static final String SCENARIO = """
            {"name": "e2epairimp", "defaults": {"image": "tiny"},
             "nodes": [{"name": "a", "position": {"x": 0, "y": 0}}, {"name": "b", "position": {"x": 12, "y": 0}},
                       {"name": "c", "position": {"x": 20, "y": 0}}],
             "addressing": {"pool": "10.7.0.0/16"}, "routing": "static",
             "linkModel": {"kind": "wifi-exponential", "mode": "lan"},
             "checks": [{"ping": "all"}]}""";
    private static final Pattern ARPING = Pattern.compile("reply from \\S+ \\[[0-9a-f:]+\\] ([0-9.]+)ms");

    @Test
    void eachPairHasItsOwnDelay_broadcastsHaveNone_andAMoveChangesThem() {
        try (Lab lab = LabFixture.up(SCENARIO)) {
            assertThat(Checks.run(lab, lab.scenario().checks())).isNotEmpty().allMatch(Checks.Result::ok);
            assertThat(lab.impairment("medium", "a->c").describe()).isEqualTo("delay 32ms jitter 3200us rate 1687500bit");
            assertThat(lab.engine("medium", "a->b")).isEqualTo("guest-netem-pair");

            // round trips are twice the pair's delay (jitter 10%), plus what the loaded guests take to answer
            double ab = minRtt(lab, "a", "10.7.0.2");
            double ac = minRtt(lab, "a", "10.7.0.3");
            assertThat(ab).as("a->b->a, 2 x 8 ms").isBetween(14.4, 55.0);
            assertThat(ac).as("a->c->a, 2 x 32 ms").isBetween(57.6, 120.0);
            assertThat(ac - ab).as("the two pairs differ by 2 x 24 ms").isGreaterThan(25.0);

            // a's ARP request is a broadcast, which leaves a unshaped; c's reply is unicast, delayed 32 ms: one way only
            double arp = minArping(lab, "a", "10.7.0.3");
            assertThat(arp).as("broadcast request, delayed reply").isBetween(28.8, 60.0).isLessThan(ac - 15);
            System.err.printf("medium pairs: least RTT a-b %.1f ms (model 16), a-c %.1f ms (model 64), ARP a-c %.1f ms (model 32)%n", ab, ac, arp);

            // c moves to a's other side, 8 m away: a-c 4 ms, b-c 20 m, 32 ms; a-b stays
            assertThat(lab.move(Map.of("c", new Position(-8, 0)))).isEqualTo("0 pair(s) of neighbours together, 0 apart, 2 pair impairment(s) changed");
            assertThat(lab.impairment("medium", "c->a").describe()).isEqualTo("delay 4ms jitter 400us rate 13500kbit");
            assertThat(minRtt(lab, "a", "10.7.0.3")).as("a->c->a now 2 x 4 ms").isBetween(7.2, 35.0);
            assertThat(minRtt(lab, "b", "10.7.0.3")).as("b->c->b now 2 x 32 ms").isBetween(57.6, 120.0);

            // one pair's direction by hand, as `netloom link set medium --direction a->b --delay 40ms` does
            lab.setImpairment("medium", "a->b", new Impairment(Duration.ofMillis(40), null, null, null, null, null, null));
            assertThat(lab.impairment("medium", "a->b").describe()).isEqualTo("delay 40ms jitter 800us rate 6750kbit");
            assertThat(minRtt(lab, "a", "10.7.0.2")).as("40 ms there, 8 back").isBetween(46.0, 100.0);
            // and one direction of a pair down by hand (`netloom link down medium --direction a->b`): b no longer hears a, whose route to b goes through c
            lab.setLinkState("medium", "a->b", false);
            assertThat(lab.directionsDown("medium")).containsExactly("a->b");
            ExecResult trace = lab.exec("a", "traceroute -n -w 2 -q 1 10.7.0.2", T);
            assertThat(LabFixture.hops(trace.output())).as(trace.output()).isEqualTo(2);
        }
        assertThat(Fabric.exists("nl-e2epairimp")).isFalse();
    }

    /** The least round trip of 6 pings, in ms. */
    private static double minRtt(Lab lab, String from, String to) {
        ExecResult r = lab.exec(from, "ping -c 6 -i 0.2 -w 10 " + to, T);
        PingReport p = PingReport.parse(r.output());
        assertThat(p.rtts()).as(r.output()).isNotEmpty();
        return Collections.min(p.rtts());
    }

    /** The least round trip of 5 ARP requests, each broadcast ({@code -b}: never unicast once answered), in ms. */
    private static double minArping(Lab lab, String from, String to) {
        ExecResult r = lab.exec(from, "arping -b -c 5 -w 10 -I eth0 " + to, T);
        Matcher m = ARPING.matcher(r.output());
        List<Double> times = new java.util.ArrayList<>();
        while (m.find()) {
            times.add(Double.parseDouble(m.group(1)));
        }
        assertThat(times).as(r.output()).isNotEmpty();
        return Collections.min(times);
    }
}

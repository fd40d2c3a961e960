package dev.netloom.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.netloom.impairment.Impairment;
import dev.netloom.scenario.Check;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The fidelity verdict from what the guests measured (no lab): delay, loss with its interval, rate, and the commands. */
class FidelityTest {

    private static final Check.Fidelity CHECK = new Check.Fidelity("a-b", "a->b", Impairment.NONE, Check.Tolerance.DEFAULT, 200,
            Duration.ofMillis(10), Duration.ofSeconds(3));
    private static final Impairment CONFIGURED = new Impairment(Duration.ofMillis(20), null, 10.0, 5_000_000L, null, null, null);
    private static final Impairment REVERSE = new Impairment(Duration.ofMillis(5), null, null, null, null, null, null);

    /** {@code received} of {@code sent} replies, each {@code rtt} ms (a little spread around it). */
    private static PingReport ping(int sent, int received, double rtt) {
        List<Double> rtts = new ArrayList<>();
        for (int i = 0; i < received; i++) {
            rtts.add(rtt + (i % 5 - 2) * 0.1);
        }
        Collections.shuffle(rtts, new java.util.Random(1));
        return new PingReport(sent, received, rtts, null);
    }

    private static Map<String, Double> figures(Checks.Outcome o) {
        return o.figures().stream().collect(Collectors.toMap(Figure::name, Figure::value));
    }

    private static final Fidelity.Rate RATE = new Fidelity.Rate(new IperfReport(4_810_000, 0, 1674), null);

    @Test
    void expected_isTheConfiguredImpairment_withTheChecksOwnValuesInstead() {
        assertThat(Fidelity.expected(CONFIGURED, Impairment.NONE)).isEqualTo(CONFIGURED);
        assertThat(Fidelity.expected(CONFIGURED, new Impairment(Duration.ofMillis(50), null, null, null, null, null, null)))
                .isEqualTo(new Impairment(Duration.ofMillis(50), null, 10.0, 5_000_000L, null, null, null));
        // jitter and the rest are not measured, so not expected
        assertThat(Fidelity.expected(new Impairment(Duration.ofMillis(20), Duration.ofMillis(2), null, null, 1.0, null, null), Impairment.NONE))
                .isEqualTo(new Impairment(Duration.ofMillis(20), null, null, null, null, null, null));
    }

    @Test
    void whatTheLinkDoes_passes_withEveryFigureAndItsUnit() {
        // 20 ms + 5 ms back + about 1 ms of the guests' own
        Checks.Outcome o = Fidelity.judge(CHECK, CONFIGURED, REVERSE, ping(200, 180, 26.0), RATE);
        assertThat(o.ok()).as(o.detail()).isTrue();
        Map<String, Double> f = figures(o);
        assertThat(f.get("delay")).isCloseTo(26.0 - 5 - Fidelity.sendMs(5_000_000L), within(0.01));
        assertThat(f.get("loss")).isCloseTo(10.0, within(1e-9));
        assertThat(f.get("loss.low")).isCloseTo(100 * Stats.wilson(20, 200).low(), within(1e-9)); // no loss back: the round trip's interval
        assertThat(f.get("loss.high")).isCloseTo(100 * Stats.wilson(20, 200).high(), within(1e-9));
        assertThat(f.get("rate")).isCloseTo(4.81 * 1442 / 1400, within(1e-9));
        assertThat(f).containsKeys("delay.expected", "rtt.median", "rtt.min", "rtt.max", "rtt.stddev", "loss.expected", "rate.expected",
                "rate.udp", "pings.sent", "pings.received");
        assertThat(o.figures()).filteredOn(x -> x.name().equals("rate")).extracting(Figure::unit).containsExactly("Mbit/s");
        assertThat(o.figures()).filteredOn(x -> x.name().startsWith("loss")).extracting(Figure::unit).containsOnly("%");
        assertThat(o.detail()).startsWith("delay 20.8 ms (expected 20 ms ± 5 ms); loss 10% (95% CI 6.57-14.9% over 200 pings");
    }

    @Test
    void aDelayOtherThanTheOneStated_fails() {
        Impairment stated = Fidelity.expected(CONFIGURED, new Impairment(Duration.ofMillis(50), null, null, null, null, null, null));
        Checks.Outcome o = Fidelity.judge(CHECK, stated, REVERSE, ping(200, 180, 26.0), RATE);
        assertThat(o.ok()).isFalse();
        assertThat(o.detail()).contains("FAIL delay 20.8 ms (expected 50 ms ± 5 ms)");
    }

    @Test
    void loss_isJudgedByItsInterval_plusTheTolerance() {
        Impairment noLoss = new Impairment(Duration.ofMillis(20), null, null, null, null, null, null);
        // 2 of 200 lost: the interval 0.27-3.6% holds 0
        assertThat(Fidelity.judge(CHECK, noLoss, REVERSE, ping(200, 198, 26), null).ok()).isTrue();
        // 20 of 200 lost where none should be: the interval starts at 6.6%
        Checks.Outcome o = Fidelity.judge(CHECK, noLoss, REVERSE, ping(200, 180, 26), null);
        assertThat(o.ok()).isFalse();
        assertThat(o.detail()).contains("FAIL loss 10%");
    }

    @Test
    void theOtherDirectionsLoss_isTakenOut() {
        Impairment forward = new Impairment(Duration.ofMillis(20), null, 10.0, null, null, null, null);
        Impairment lossyBack = new Impairment(Duration.ofMillis(5), null, 10.0, null, null, null, null);
        // 0.9 x 0.9 of the round trips come back
        Checks.Outcome o = Fidelity.judge(CHECK, forward, lossyBack, ping(1000, 810, 26), null);
        assertThat(o.ok()).as(o.detail()).isTrue();
        assertThat(figures(o).get("loss")).isCloseTo(10.0, within(1e-9));
        // and without forward loss, the same round trips mean 10% too much
        Impairment clean = new Impairment(Duration.ofMillis(20), null, null, null, null, null, null);
        assertThat(Fidelity.judge(CHECK, clean, lossyBack, ping(1000, 810, 26), null).ok()).isFalse();
    }

    @Test
    void rate_outsideTheTolerance_orNotMeasured_fails() {
        Checks.Outcome fast = Fidelity.judge(CHECK, CONFIGURED, REVERSE, ping(200, 180, 26), new Fidelity.Rate(new IperfReport(6_000_000, 0, 100), null));
        assertThat(fast.ok()).isFalse();
        assertThat(fast.detail()).contains("FAIL rate 6.18 Mbit/s (expected 5 Mbit/s ± 0.5 Mbit/s");
        Checks.Outcome none = Fidelity.judge(CHECK, CONFIGURED, REVERSE, ping(200, 180, 26), new Fidelity.Rate(null, "iperf3 on a exited 1: refused"));
        assertThat(none.ok()).isFalse();
        assertThat(none.detail()).contains("FAIL rate not measured: iperf3 on a exited 1: refused");
    }

    @Test
    void noReplies_orNoPing_fail() {
        Checks.Outcome silent = Fidelity.judge(CHECK, CONFIGURED, REVERSE, ping(200, 0, 0), RATE);
        assertThat(silent.ok()).isFalse();
        assertThat(silent.detail()).contains("delay not measured: no ping came back");
        Checks.Outcome broken = Fidelity.judge(CHECK, CONFIGURED, REVERSE, PingReport.parse("ping: sendto: Network is unreachable"), RATE);
        assertThat(broken.ok()).isFalse();
        assertThat(broken.detail()).isEqualTo("ping from a->b failed: no statistics: ping: sendto: Network is unreachable");
    }

    @Test
    void commands_warmUpThenSample_andSendUdpAQuarterAboveTheRate() {
        assertThat(Fidelity.pingCommand(CHECK, "10.0.0.2", CONFIGURED, REVERSE))
                .isEqualTo("ping -c 2 -i 0.2 -W 2 10.0.0.2 >/dev/null 2>&1; ping -c 200 -i 0.010 -W 2 -w 6 10.0.0.2");
        assertThat(Fidelity.waitSeconds(new Impairment(Duration.ofMillis(800), null, null, null, null, null, null), REVERSE)).isEqualTo(3);
        assertThat(Fidelity.iperfClient("10.0.0.2", 6_250_000, Duration.ofSeconds(3)))
                .isEqualTo("iperf3 -c 10.0.0.2 -p 5291 -u -b 6250000 -l 1400 -t 3 -f k --connect-timeout 3000 2>&1");
    }
}

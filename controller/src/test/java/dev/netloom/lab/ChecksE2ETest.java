package dev.netloom.lab;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netloom.scenario.Check;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Checks v2 on a real lab of tiny nodes: exec, ping, fidelity, reachable and unreachable pass where
 * the lab does what they say and fail where it does not; "within" waits for a link failure to show.
 */
@Tag("e2e")
class ChecksE2ETest {

    /** a->b: 30 ms, 5% loss, 4 Mbit/s; b-c plain. The tolerances leave room for a busy host (the defaults are tighter). */
    private static final String LAB = """
            { "name": "ckcheck", "nodes": ["a", "b", "c"],
              "links": [ {"between": ["a", "b"], "impairment": {"a->b": {"delay": "30ms", "loss": "5%", "rate": "4mbit"}}},
                         {"between": ["b", "c"]} ],
              "checks": [
                {"name": "hostname", "exec": {"node": "c", "command": "cat /etc/hostname", "output": "^c$"}},
                {"ping": {"from": "a", "to": "c", "count": 10, "interval": "100ms", "maxLoss": "50%", "maxRtt": "300ms"}},
                {"fidelity": {"link": "a-b", "direction": "a->b", "samples": 300,
                              "tolerance": {"delay": "15ms", "loss": "3%", "rate": "25%"}}},
                {"reachable": {"from": "a", "to": "c"}},
                {"name": "a stated 100ms", "fidelity": {"link": "a-b", "direction": "a->b", "samples": 50, "expect": {"delay": "100ms"},
                              "tolerance": {"delay": "15ms", "loss": "20%", "rate": "25%"}}}
              ] }
            """;

    private static Lab lab;

    @BeforeAll
    static void up() {
        lab = LabFixture.up(LAB);
    }

    @AfterAll
    static void down() {
        if (lab != null) {
            lab.down();
        }
    }

    private static Map<String, Figure> figures(Checks.Result r) {
        return r.figures().stream().collect(Collectors.toMap(Figure::name, f -> f));
    }

    @Test
    void everyKind_passesWhereTheLabDoesWhatItSays_withFiguresAndTimings() {
        List<Checks.Result> results = Checks.run(lab, lab.scenario().checks().subList(0, 4));
        assertThat(results).extracting(Checks.Result::name)
                .containsExactly("hostname", "ping a->c", "fidelity a-b a->b", "reachable a->c");
        assertThat(results).as("%s", results).allMatch(Checks.Result::ok);
        assertThat(results).allMatch(r -> r.attempts() == 1 && r.took().toMillis() > 0 && r.started() != null);

        assertThat(figures(results.get(0)).get("exit").value()).isZero();
        Map<String, Figure> ping = figures(results.get(1));
        assertThat(ping.get("sent").value()).isEqualTo(10);
        assertThat(ping.get("rtt.avg").unit()).isEqualTo("ms");
        assertThat(ping.get("rtt.min").value()).isGreaterThanOrEqualTo(30.0); // a->b's delay is on the way

        Map<String, Figure> fidelity = figures(results.get(2));
        assertThat(fidelity.get("delay").value()).isBetween(30.0 - 15, 30.0 + 15);
        assertThat(fidelity.get("delay").unit()).isEqualTo("ms");
        assertThat(fidelity.get("loss.low").value()).isLessThanOrEqualTo(fidelity.get("loss").value());
        assertThat(fidelity.get("loss.high").value()).isGreaterThanOrEqualTo(fidelity.get("loss").value());
        assertThat(fidelity.get("pings.sent").value()).isEqualTo(300);
        assertThat(fidelity.get("rate").value()).isBetween(3.0, 5.0);
        assertThat(fidelity.get("rate").unit()).isEqualTo("Mbit/s");
        assertThat(results.get(2).detail()).contains("delay").contains("95% CI").contains("rate");
    }

    @Test
    void fidelity_failsWhenTheDelayItStatesIsNotTheConfiguredOne() {
        Checks.Result r = Checks.run(lab, List.of(lab.scenario().checks().get(4))).get(0);
        assertThat(r.ok()).as(r.detail()).isFalse();
        assertThat(r.name()).isEqualTo("a stated 100ms");
        assertThat(r.detail()).contains("FAIL delay").contains("expected 100 ms ± 15 ms");
        assertThat(figures(r).get("delay").value()).isLessThan(70.0);
        assertThat(figures(r).get("delay.expected").value()).isEqualTo(100.0);
    }

    @Test
    void exec_failsOnTheWrongExitCodeOrOutput() {
        Checks.Result exit = Checks.run(lab, List.of(Check.of(new Check.Exec("b", "exit 3", 0, null, Duration.ofSeconds(10))))).get(0);
        assertThat(exit.ok()).isFalse();
        assertThat(exit.detail()).contains("exit 3, expected 0");
        Checks.Result three = Checks.run(lab, List.of(Check.of(new Check.Exec("b", "exit 3", 3, null, Duration.ofSeconds(10))))).get(0);
        assertThat(three.ok()).as(three.detail()).isTrue();
        Checks.Result output = Checks.run(lab, List.of(Check.of(new Check.Exec("b", "echo hello", 0, "^bye$", Duration.ofSeconds(10))))).get(0);
        assertThat(output.ok()).isFalse();
        assertThat(output.detail()).contains("output does not match /^bye$/").contains("output: hello");
    }

    @Test
    void within_waitsForALinkFailureToShow_andForTheLinkToComeBack() {
        Check cut = new Check("cut", Duration.ofSeconds(10), new Check.Reach("a", "c", false));
        Check back = new Check("back", Duration.ofSeconds(20), new Check.Reach("a", "c", true));
        try {
            lab.setLinkState("b-c", false);
            Checks.Result gone = Checks.run(lab, List.of(cut)).get(0);
            assertThat(gone.ok()).as(gone.detail()).isTrue();
            assertThat(gone.kind()).isEqualTo("unreachable");
            // without "within" a check runs once: c is not reachable now
            Checks.Result once = Checks.run(lab, List.of(Check.of(new Check.Reach("a", "c", true)))).get(0);
            assertThat(once.ok()).isFalse();
            assertThat(once.attempts()).isEqualTo(1);
        } finally {
            lab.setLinkState("b-c", true);
        }
        Checks.Result again = Checks.run(lab, List.of(back)).get(0);
        assertThat(again.ok()).as(again.detail()).isTrue();
        assertThat(again.took()).isLessThan(Duration.ofSeconds(20));

        // a check that never holds is tried until its time is up, a short pause between tries
        Checks.Result never = Checks.run(lab, List.of(new Check("never", Duration.ofSeconds(2), new Check.Reach("a", "c", false)))).get(0);
        assertThat(never.ok()).isFalse();
        assertThat(never.attempts()).isGreaterThan(1);
        assertThat(never.took()).isGreaterThanOrEqualTo(Duration.ofSeconds(2)).isLessThan(Duration.ofSeconds(15));
        assertThat(never.detail()).contains("(try " + never.attempts() + ", after");
    }
}

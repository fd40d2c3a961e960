package dev.netloom.scenario;

import static dev.netloom.scenario.ScenarioLoaderTest.assertError;
import static dev.netloom.scenario.ScenarioLoaderTest.load;
import static org.assertj.core.api.Assertions.assertThat;

import dev.netloom.impairment.Impairment;
import dev.netloom.scenario.Scenario.TimelineEvent;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each kind of check is read from JSON into its own record; every mistake is reported at its line:column with a fix. */
class ChecksSectionTest {

    private static final String LAB = """
            {"name": "t", "nodes": ["a", "b", "c"],
             "links": [{"between": ["a", "b"], "delay": "20ms"}, {"between": ["b", "c"]}],
             "lans": [{"name": "office", "members": ["a", "c"]}],
             "checks": [%s]}
            """;

    private static Check only(String check) {
        List<Check> checks = load(LAB.formatted(check)).checks();
        assertThat(checks).hasSize(1);
        return checks.get(0);
    }

    private static void error(String markedCheck, String pointer, String... parts) {
        assertError(LAB.formatted(markedCheck), pointer, parts);
    }

    // ---------------------------------------------------------------- format version 1, unchanged

    @Test
    void version1Ping_readsAsBefore_withoutNameOrWithin() {
        assertThat(only("{\"ping\": {\"from\": \"a\", \"to\": \"c\", \"count\": 5}}"))
                .isEqualTo(new Check(null, null, new Check.Ping("a", "c", 5, null, null, null)));
        assertThat(only("{\"ping\": {\"from\": \"a\", \"to\": \"c\"}}").spec()).isEqualTo(Check.Ping.of("a", "c", 3));
        assertThat(only("{\"ping\": \"all\"}")).isEqualTo(Check.of(new Check.PingAll()));
    }

    @Test
    void label_isTheNameOrWhatTheCheckTests() {
        assertThat(only("{\"ping\": {\"from\": \"a\", \"to\": \"c\"}}").label()).isEqualTo("ping a->c");
        assertThat(only("{\"name\": \"a sees c\", \"ping\": {\"from\": \"a\", \"to\": \"c\"}}").label()).isEqualTo("a sees c");
        assertThat(only("{\"fidelity\": {\"link\": \"a-b\", \"direction\": \"b->a\"}}").label()).isEqualTo("fidelity a-b b->a");
        assertThat(only("{\"unreachable\": {\"from\": \"a\", \"to\": \"c\"}}").label()).isEqualTo("unreachable a->c");
    }

    // ---------------------------------------------------------------- each kind

    @Test
    void ping_takesIntervalMaxLossAndMaxRtt_andAName_andWithin() {
        Check c = only("""
                {"name": "sla", "within": "30s",
                 "ping": {"from": "a", "to": "c", "count": 100, "interval": "50ms", "maxLoss": "2.5%", "maxRtt": "80ms"}}""");
        assertThat(c).isEqualTo(new Check("sla", Duration.ofSeconds(30),
                new Check.Ping("a", "c", 100, Duration.ofMillis(50), 2.5, Duration.ofMillis(80))));
    }

    @Test
    void exec_takesTheExpectedExitCodeAnOutputRegexAndATimeout() {
        assertThat(only("{\"exec\": {\"node\": \"b\", \"command\": \"ip route\", \"exit\": 1, \"output\": \"^default via\", \"timeout\": \"5s\"}}").spec())
                .isEqualTo(new Check.Exec("b", "ip route", 1, "^default via", Duration.ofSeconds(5)));
        assertThat(only("{\"exec\": {\"node\": \"b\", \"command\": \"true\"}}").spec())
                .isEqualTo(new Check.Exec("b", "true", 0, null, Duration.ofSeconds(60)));
    }

    @Test
    void fidelity_defaultsToTheConfiguredValues_200SamplesAndTheDefaultTolerance() {
        assertThat(only("{\"fidelity\": {\"link\": \"a-b\", \"direction\": \"a->b\"}}").spec())
                .isEqualTo(new Check.Fidelity("a-b", "a->b", Impairment.NONE, Check.Tolerance.DEFAULT, 200, Duration.ofMillis(10),
                        Duration.ofSeconds(3)));
    }

    @Test
    void fidelity_takesExpectationsTolerancesSamplesIntervalAndRateTime() {
        Check.Fidelity f = (Check.Fidelity) only("""
                {"fidelity": {"link": "a-b", "direction": "b->a", "expect": {"delay": "50ms", "loss": "1%", "rate": "10mbit"},
                  "tolerance": {"delay": "20%", "loss": "2%", "rate": "1mbit"}, "samples": 500, "interval": "20ms", "rateTime": "5s"}}""").spec();
        assertThat(f.expect()).isEqualTo(new Impairment(Duration.ofMillis(50), null, 1.0, 10_000_000L, null, null, null));
        assertThat(f.tolerance()).isEqualTo(new Check.Tolerance(null, 20.0, 2.0, 1_000_000L, null));
        assertThat(f.samples()).isEqualTo(500);
        assertThat(f.interval()).isEqualTo(Duration.ofMillis(20));
        assertThat(f.rateTime()).isEqualTo(Duration.ofSeconds(5));

        Check.Fidelity g = (Check.Fidelity) only("""
                {"fidelity": {"link": "a-b", "direction": "a->b", "tolerance": {"delay": "2ms", "rate": "5%"}}}""").spec();
        assertThat(g.tolerance()).isEqualTo(new Check.Tolerance(Duration.ofMillis(2), null, 1.0, null, 5.0));
    }

    @Test
    void tolerance_isTheLargerOfItsAbsoluteAndRelativeParts() {
        Check.Tolerance t = Check.Tolerance.DEFAULT;
        assertThat(t.delayMs(20)).isEqualTo(5.0);
        assertThat(t.delayMs(200)).isEqualTo(20.0);
        assertThat(t.rateBps(5_000_000)).isEqualTo(500_000.0);
        assertThat(new Check.Tolerance(null, 20.0, 1, 1_000_000L, null).delayMs(50)).isEqualTo(10.0);
        assertThat(new Check.Tolerance(null, 20.0, 1, 1_000_000L, null).rateBps(50_000_000)).isEqualTo(1_000_000.0);
    }

    @Test
    void reachableAndUnreachable_nameTwoNodes() {
        assertThat(only("{\"reachable\": {\"from\": \"a\", \"to\": \"c\"}, \"within\": \"10s\"}"))
                .isEqualTo(new Check(null, Duration.ofSeconds(10), new Check.Reach("a", "c", true)));
        assertThat(only("{\"unreachable\": {\"from\": \"c\", \"to\": \"a\"}}").spec()).isEqualTo(new Check.Reach("c", "a", false));
    }

    @Test
    void timelineCheck_isARunCheckEvent_atItsTime() {
        Scenario s = load("""
                {"name": "t", "nodes": ["a", "b"], "links": [{"between": ["a", "b"]}],
                 "timeline": [{"at": "5s", "link": "a-b", "state": "down"},
                              {"at": "5s", "check": {"name": "cut", "unreachable": {"from": "a", "to": "b"}, "within": "3s"}}]}""");
        assertThat(s.timeline().get(1)).isEqualTo(new TimelineEvent.RunCheck(Duration.ofSeconds(5),
                new Check("cut", Duration.ofSeconds(3), new Check.Reach("a", "b", false))));
    }

    // ---------------------------------------------------------------- mistakes

    @Test
    void family_isForPingsOnly() {
        error("{\"exec\": {\"node\": \"a\", \"command\": \"true\"}, ^^\"family\": \"ipv4\"}", "/checks/0/family",
                "\"family\" is for ping, reachable and unreachable checks, not exec; remove it");
    }

    @Test
    void aCheck_needsExactlyOneKind() {
        error("^^{\"name\": \"x\"}", "/checks/0", "a check needs one of ping, exec, fidelity, reachable, unreachable");
        error("{\"ping\": \"all\", ^^\"exec\": {\"node\": \"a\", \"command\": \"true\"}}", "/checks/0/exec",
                "a check has one kind, not \"ping\" and \"exec\"; split it into two checks");
        error("{^^\"pnig\": \"all\"}", "/checks/0/pnig", "unknown key \"pnig\" in a check; valid keys are name, within, family, ping, exec, fidelity, reachable, unreachable");
    }

    @Test
    void nameAndWithin_areChecked() {
        error("{\"name\": ^^\"\", \"ping\": \"all\"}", "/checks/0/name", "a check name has 1 to 64 characters");
        error("{\"name\": ^^\"a\\nb\", \"ping\": \"all\"}", "/checks/0/name", "without control characters");
        error("{\"within\": ^^\"0s\", \"ping\": \"all\"}", "/checks/0/within", "within must be above 0; leave it out to run the check once");
        error("{\"within\": ^^\"2h\", \"ping\": \"all\"}", "/checks/0/within", "is too long; use at most");
        error("{\"within\": ^^10, \"ping\": \"all\"}", "/checks/0/within", "write it in quotes with a unit");
    }

    @Test
    void checkNames_areUnique() {
        error("{\"name\": \"x\", \"ping\": \"all\"}, {\"name\": ^^\"x\", \"reachable\": {\"from\": \"a\", \"to\": \"b\"}}", "/checks/1/name",
                "check name \"x\" is already used at /checks/0/name; give every check its own name");
    }

    @Test
    void ping_mistakes() {
        error("{\"ping\": {\"from\": \"a\", \"to\": \"c\", ^^\"maxloss\": \"1%\"}}", "/checks/0/ping/maxloss",
                "valid keys are from, to, count, interval, maxLoss, maxRtt");
        error("{\"ping\": {\"from\": \"a\", \"to\": \"c\", \"maxLoss\": ^^\"101%\"}}", "/checks/0/ping/maxLoss", "101");
        error("{\"ping\": {\"from\": \"a\", \"to\": \"c\", \"maxRtt\": ^^\"0ms\"}}", "/checks/0/ping/maxRtt", "maxRtt must be above 0");
        error("{\"ping\": {\"from\": \"a\", \"to\": \"c\", \"interval\": ^^\"1ms\"}}", "/checks/0/ping/interval", "use 10ms to 10s");
        error("{\"ping\": {\"from\": \"a\", \"to\": \"c\", \"count\": ^^101}}", "/checks/0/ping/count", "count 101 is out of range; use 1 to 100");
    }

    @Test
    void exec_mistakes() {
        error("{\"exec\": ^^{\"command\": \"true\"}}", "/checks/0/exec",
                "missing \"node\"; add \"node\": the node that runs the command");
        error("{\"exec\": {\"node\": ^^\"zz\", \"command\": \"true\"}}", "/checks/0/exec/node", "unknown node \"zz\"; nodes are a, b, c");
        error("{\"exec\": {\"node\": \"a\", \"command\": ^^\"a\\nb\"}}", "/checks/0/exec/command", "control character");
        error("{\"exec\": {\"node\": \"a\", \"command\": \"true\", \"output\": ^^\"(unclosed\"}}", "/checks/0/exec/output",
                "output is not a regular expression: Unclosed group", "escape a literal character");
        error("{\"exec\": {\"node\": \"a\", \"command\": \"true\", \"exit\": ^^256}}", "/checks/0/exec/exit", "exit 256 is out of range; use 0 to 255");
    }

    @Test
    void fidelity_mistakes() {
        error("{\"fidelity\": {\"link\": ^^\"office\", \"direction\": \"a->c\"}}", "/checks/0/fidelity/link",
                "\"office\" is a LAN; a fidelity check measures one direction of a link");
        error("{\"fidelity\": {\"link\": ^^\"x-y\", \"direction\": \"a->b\"}}", "/checks/0/fidelity/link", "unknown link \"x-y\"; links and LANs are a-b, b-c, office");
        error("{\"fidelity\": {\"link\": \"a-b\", \"direction\": ^^\"a->c\"}}", "/checks/0/fidelity/direction",
                "unknown direction \"a->c\" for link \"a-b\"; directions are a->b, b->a");
        error("{\"fidelity\": ^^{\"link\": \"a-b\"}}", "/checks/0/fidelity", "missing \"direction\"; add \"direction\": one of a->b, b->a");
        error("{\"fidelity\": {\"link\": \"a-b\", \"direction\": \"a->b\", \"expect\": {^^\"jitter\": \"1ms\"}}}", "/checks/0/fidelity/expect/jitter",
                "valid keys are delay, loss, rate");
        error("{\"fidelity\": {\"link\": \"a-b\", \"direction\": \"a->b\", \"expect\": {\"rate\": ^^\"10 parsecs\"}}}", "/checks/0/fidelity/expect/rate", "10 parsecs");
        error("{\"fidelity\": {\"link\": \"a-b\", \"direction\": \"a->b\", \"samples\": ^^5}}", "/checks/0/fidelity/samples", "use 20 to 10000");
        error("{\"fidelity\": {\"link\": \"a-b\", \"direction\": \"a->b\", \"tolerance\": {\"delay\": ^^\"soon\"}}}", "/checks/0/fidelity/tolerance/delay",
                "soon");
        error("{\"fidelity\": {\"link\": \"a-b\", \"direction\": \"a->b\", \"tolerance\": {\"rate\": ^^\"fast\"}}}", "/checks/0/fidelity/tolerance/rate",
                "bad rate \"fast\"", "or write a percentage of the expected value, e.g. \"10%\"");
        error("{\"fidelity\": {\"link\": \"a-b\", \"direction\": \"a->b\", \"rateTime\": ^^\"90s\"}}", "/checks/0/fidelity/rateTime", "use 1s to 60s");
    }

    @Test
    void reach_mistakes() {
        error("{\"reachable\": {\"from\": \"a\", \"to\": ^^\"a\"}}", "/checks/0/reachable/to", "reachable from \"a\" to itself; pick another node");
        error("{\"unreachable\": {\"from\": \"a\", \"to\": \"b\", ^^\"count\": 3}}", "/checks/0/unreachable/count",
                "unknown key \"count\" in an unreachable check; valid keys are from, to");
    }

    @Test
    void timelineCheck_mistakes() {
        assertError("""
                {"name": "t", "nodes": ["a", "b"], "links": [{"between": ["a", "b"]}],
                 "timeline": [{"at": "5s", "node": "a", ^^"check": {"ping": "all"}}]}""", "/timeline/0/check",
                "an event is a \"check\" or about a \"node\", not both");
        assertError("""
                {"name": "t", "nodes": ["a", "b"], "links": [{"between": ["a", "b"]}],
                 "timeline": [{"at": "5s", "check": {"reachable": {"from": "a", "to": ^^"q"}}}]}""", "/timeline/0/check/reachable/to",
                "unknown node \"q\"");
        assertError("""
                {"name": "t", "nodes": ["a", "b"], "links": [{"between": ["a", "b"]}],
                 "timeline": [^^{"at": "5s"}]}""", "/timeline/0", "missing \"link\", \"node\", \"check\"");
    }
}

package dev.netloom.scenario;

import dev.netloom.impairment.Impairment;
import static dev.netloom.scenario.ScenarioLoaderTest.load;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import dev.netloom.scenario.Scenario.TimelineEvent;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Each kind of timeline event is read from JSON into its own record, with only its own fields. */
class TimelineEventsTest {

    private static TimelineEvent only(String event) {
        Scenario s = load("""
                {"name": "t", "nodes": ["a", "b", "c"], "links": [{"between": ["a", "b"]}],
                 "lans": [{"name": "office", "members": ["a", "c"]}], "timeline": [%s]}
                """.formatted(event));
        assertThat(s.timeline()).hasSize(1);
        return s.timeline().get(0);
    }

    @Test
    void set_isALinkImpairment_forBothWaysWithoutDirection() {
        assertThat(only("{\"at\": \"5s\", \"link\": \"a-b\", \"set\": {\"delay\": \"50ms\", \"loss\": \"1%\"}}"))
                .isEqualTo(new TimelineEvent.LinkImpairment(Duration.ofSeconds(5), "a-b",
                        new Impairment(Duration.ofMillis(50), null, 1.0, null, null, null, null), null));
    }

    @Test
    void setWithDirection_isALinkImpairment_forThatDirection() {
        assertThat(only("{\"at\": \"1s\", \"link\": \"a-b\", \"direction\": \"b->a\", \"set\": {\"delay\": \"5ms\"}}"))
                .isEqualTo(new TimelineEvent.LinkImpairment(Duration.ofSeconds(1), "a-b",
                        new Impairment(Duration.ofMillis(5), null, null, null, null, null, null), "b->a"));
    }

    @Test
    void setOnALan_isALinkImpairment_namingTheLan() {
        assertThat(only("{\"at\": \"1s\", \"link\": \"office\", \"set\": {\"loss\": \"2%\"}}"))
                .isEqualTo(new TimelineEvent.LinkImpairment(Duration.ofSeconds(1), "office",
                        new Impairment(null, null, 2.0, null, null, null, null), null));
    }

    @Test
    void state_isALinkState() {
        assertThat(only("{\"at\": \"2s\", \"link\": \"a-b\", \"state\": \"down\"}"))
                .isEqualTo(new TimelineEvent.LinkState(Duration.ofSeconds(2), "a-b", false));
        assertThat(only("{\"at\": \"3s\", \"link\": \"office\", \"state\": \"down\"}"))
                .isEqualTo(new TimelineEvent.LinkState(Duration.ofSeconds(3), "office", false));
    }

    @Test
    void stateWithDirection_isALinkState_forThatDirection() {
        assertThat(only("{\"at\": \"2s\", \"link\": \"a-b\", \"direction\": \"b->a\", \"state\": \"down\"}"))
                .isEqualTo(new TimelineEvent.LinkState(Duration.ofSeconds(2), "a-b", false, "b->a"));
    }

    @Test
    void exec_isANodeExec() {
        assertThat(only("{\"at\": \"4s\", \"node\": \"c\", \"exec\": \"ping -c 1 a\"}"))
                .isEqualTo(new TimelineEvent.NodeExec(Duration.ofSeconds(4), "c", "ping -c 1 a"));
    }

    @Test
    void action_isANodeAction() {
        for (String action : TimelineSection.ACTIONS) {
            assertThat(only("{\"at\": \"0\", \"node\": \"b\", \"action\": \"" + action + "\"}"))
                    .isEqualTo(new TimelineEvent.NodeAction(Duration.ZERO, "b", action));
        }
    }

    @Test
    void events_refuseMissingFields() {
        assertThatNullPointerException().isThrownBy(() -> new TimelineEvent.LinkImpairment(Duration.ZERO, "a-b", null, null));
        assertThatNullPointerException().isThrownBy(() -> new TimelineEvent.LinkState(null, "a-b", true));
        assertThatNullPointerException().isThrownBy(() -> new TimelineEvent.NodeExec(Duration.ZERO, "a", null));
        assertThatNullPointerException().isThrownBy(() -> new TimelineEvent.NodeAction(Duration.ZERO, null, "stop"));
    }
}

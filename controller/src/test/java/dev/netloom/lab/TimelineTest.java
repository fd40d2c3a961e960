package dev.netloom.lab;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netloom.impairment.Impairment;
import dev.netloom.scenario.Scenario.TimelineEvent;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How each kind of timeline event is named in the lab's event log and the run summary. */
class TimelineTest {

    private static final Impairment DELAY = new Impairment(Duration.ofMillis(50), null, null, null, null, null, null);

    @Test
    void describe_linkImpairment_namesTheLinkTheDirectionAndTheImpairment() {
        assertThat(Timeline.describe(new TimelineEvent.LinkImpairment(Duration.ZERO, "a-b", DELAY, null)))
                .isEqualTo("link a-b set delay 50ms");
        assertThat(Timeline.describe(new TimelineEvent.LinkImpairment(Duration.ZERO, "a-b", DELAY, "b->a")))
                .isEqualTo("link a-b set b->a delay 50ms");
    }

    @Test
    void describe_linkState_saysUpOrDown() {
        assertThat(Timeline.describe(new TimelineEvent.LinkState(Duration.ZERO, "a-b", true))).isEqualTo("link a-b up");
        assertThat(Timeline.describe(new TimelineEvent.LinkState(Duration.ZERO, "a-b", false))).isEqualTo("link a-b down");
    }

    @Test
    void describe_nodeEvents_quoteTheCommandOrNameTheAction() {
        assertThat(Timeline.describe(new TimelineEvent.NodeExec(Duration.ZERO, "a", "ping -c 1 b"))).isEqualTo("node a exec `ping -c 1 b`");
        assertThat(Timeline.describe(new TimelineEvent.NodeAction(Duration.ZERO, "a", "restart"))).isEqualTo("node a restart");
    }

    @Test
    void describe_checkEvent_namesTheCheck() {
        assertThat(Timeline.describe(new TimelineEvent.RunCheck(Duration.ZERO,
                dev.netloom.scenario.Check.of(new dev.netloom.scenario.Check.Reach("a", "b", false))))).isEqualTo("check unreachable a->b");
        assertThat(Timeline.describe(new TimelineEvent.RunCheck(Duration.ZERO, new dev.netloom.scenario.Check("cut", Duration.ofSeconds(3),
                new dev.netloom.scenario.Check.Reach("a", "b", false))))).isEqualTo("check cut");
    }
}

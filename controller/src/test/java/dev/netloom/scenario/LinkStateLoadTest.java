package dev.netloom.scenario;

import dev.netloom.scenario.Scenario.TimelineEvent;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.netloom.scenario.ScenarioLoaderTest.assertError;
import static dev.netloom.scenario.ScenarioLoaderTest.load;
import static org.assertj.core.api.Assertions.assertThat;

/** A link's "state" at the start, state events per direction, and the timeline replayed against them. */
class LinkStateLoadTest {

    @Test
    void stateDown_startsTheLinkDown_andUpOrNoneStartsItUp() {
        Scenario s = load("""
                {"name": "t", "nodes": ["a", "b", "c"],
                 "links": [{"between": ["a", "b"], "state": "down"}, {"between": ["b", "c"], "state": "up"}, {"between": ["a", "c"]}],
                 "timeline": [{"at": "1s", "link": "a-b", "state": "up"}]}
                """);
        assertThat(s.links()).extracting(Scenario.LinkDef::startsDown).containsExactly(true, false, false);
        assertThat(s.links().get(0).directions()).containsExactly("a->b", "b->a");
    }

    @Test
    void oneDirectionDownThenUp_isValid_andTheOtherDirectionMayFollow() {
        Scenario s = load("""
                {"name": "t", "nodes": ["a", "b"], "links": [{"between": ["a", "b"]}],
                 "timeline": [{"at": "1s", "link": "a-b", "direction": "a->b", "state": "down"},
                              {"at": "2s", "link": "a-b", "direction": "b->a", "state": "down"},
                              {"at": "3s", "link": "a-b", "state": "up"},
                              {"at": "4s", "link": "a-b", "direction": "b->a", "state": "down"},
                              {"at": "5s", "link": "a-b", "state": "down"}]}
                """);
        assertThat(s.timeline().get(0)).isEqualTo(new TimelineEvent.LinkState(Duration.ofSeconds(1), "a-b", false, "a->b"));
        assertThat(s.timeline()).hasSize(5);
    }

    @Test
    void unknownState_namesTheStates() {
        assertError("""
                {"name": "t", "nodes": ["a", "b"], "links": [{"between": ["a", "b"], "state": ^^"off"}]}
                """, "/links/0/state", "unknown state \"off\"; state is up or down");
    }

    @Test
    void unknownDirection_namesTheLinksDirections() {
        assertError("""
                {"name": "t", "nodes": ["a", "b", "c"], "links": [{"between": ["a", "b"]}],
                 "timeline": [{"at": "1s", "link": "a-b", "direction": ^^"a->c", "state": "down"}]}
                """, "/timeline/0/direction", "unknown direction \"a->c\" for link \"a-b\"; directions are a->b, b->a");
    }

    @Test
    void directionOnALan_isRefused() {
        assertError("""
                {"name": "t", "nodes": ["a", "b"], "lans": [{"name": "office", "members": ["a", "b"]}],
                 "timeline": [{"at": "1s", "link": "office", ^^"direction": "a->b", "state": "down"}]}
                """, "/timeline/0/direction", "LAN \"office\" has no directions");
    }

    @Test
    void downOnADirectionAlreadyDown_namesWhereItWentDown() {
        assertError("""
                {"name": "t", "nodes": ["a", "b"], "links": [{"between": ["a", "b"]}],
                 "timeline": [{"at": "1s", "link": "a-b", "direction": "a->b", "state": "down"},
                              ^^{"at": "2s", "link": "a-b", "direction": "a->b", "state": "down"}]}
                """, "/timeline/1", "link \"a-b\" is already down in direction a->b at 2s (since /timeline/0)",
                "remove this event, or bring it up before");
    }

    @Test
    void downOnALinkThatStartsDown_namesItsState() {
        assertError("""
                {"name": "t", "nodes": ["a", "b"], "links": [{"between": ["a", "b"], "state": "down"}],
                 "timeline": [^^{"at": "2s", "link": "a-b", "state": "down"}]}
                """, "/timeline/0", "link \"a-b\" is already down both ways at 2s (since /links/0/state)");
    }

    @Test
    void upOnALinkThatIsUp_isAMistake() {
        assertError("""
                {"name": "t", "nodes": ["a", "b"], "links": [{"between": ["a", "b"]}],
                 "timeline": [{"at": "1s", "link": "a-b", "direction": "b->a", "state": "down"},
                              ^^{"at": "2s", "link": "a-b", "direction": "a->b", "state": "up"}]}
                """, "/timeline/1", "link \"a-b\" is already up in direction a->b at 2s (nothing took it down before it)");
    }

    @Test
    void aLanDownTwice_isAMistake() {
        assertError("""
                {"name": "t", "nodes": ["a", "b"], "lans": [{"name": "office", "members": ["a", "b"]}],
                 "timeline": [{"at": "1s", "link": "office", "state": "down"},
                              ^^{"at": "2s", "link": "office", "state": "down"}]}
                """, "/timeline/1", "LAN \"office\" is already down at 2s (since /timeline/0)");
    }
}

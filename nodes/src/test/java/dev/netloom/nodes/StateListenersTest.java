package dev.netloom.nodes;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** State listeners: every one is told, in order, and a failing one disturbs no other. */
class StateListenersTest {

    @Test
    void fire_aFailingListener_doesNotStopTheOthers() {
        StateListeners listeners = new StateListeners();
        List<String> seen = new ArrayList<>();
        listeners.add(c -> seen.add("first " + c.to()));
        listeners.add(c -> {
            throw new IllegalStateException("broken listener");
        });
        listeners.addAll(List.of(c -> seen.add("third " + c.to())));
        listeners.fire(new QemuNode.StateChange("n1", NodeState.STARTING, NodeState.BOOTING, "console connected"));
        assertThat(seen).containsExactly("first BOOTING", "third BOOTING");
    }
}

package dev.netloom.nodes;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which state changes a node accepts. */
class NodeStateTest {

    @Test
    void finalStates_allowOnlyARestart() {
        for (NodeState from : new NodeState[] {NodeState.STOPPED, NodeState.FAILED}) {
            for (NodeState to : NodeState.values()) {
                assertThat(from.allows(to)).as(from + " -> " + to).isEqualTo(to == NodeState.STARTING);
            }
        }
    }

    @Test
    void stopping_allowsOnlyStoppedOrFailed() {
        for (NodeState to : NodeState.values()) {
            assertThat(NodeState.STOPPING.allows(to)).as("STOPPING -> " + to).isEqualTo(to == NodeState.STOPPED || to == NodeState.FAILED);
        }
    }

    @Test
    void liveStates_allowAnyMove() {
        for (NodeState from : new NodeState[] {NodeState.DEFINED, NodeState.STARTING, NodeState.BOOTING, NodeState.READY}) {
            for (NodeState to : NodeState.values()) {
                assertThat(from.allows(to)).as(from + " -> " + to).isTrue();
            }
        }
    }
}

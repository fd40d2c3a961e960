package dev.netloom.nodes;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NodeLimitsTest {

    @Test
    void defaults_withoutProperties_are16MiBOfExecOutputAnd4MiBTranscripts() {
        assertThat(NodeLimits.defaults()).isEqualTo(new NodeLimits(16L << 20, 4L << 20));
    }

    @Test
    void defaults_followTheSystemProperties() {
        System.setProperty(NodeLimits.EXEC_OUTPUT_CAP_PROPERTY, "65536");
        try {
            assertThat(NodeLimits.defaults().execOutputCap()).isEqualTo(65536);
        } finally {
            System.clearProperty(NodeLimits.EXEC_OUTPUT_CAP_PROPERTY);
        }
    }

    @Test
    void constructor_whenACapIsOutOfRange_failsNamingIt() {
        assertThatThrownBy(() -> new NodeLimits(0, 1 << 20)).isInstanceOf(BadInputException.class).hasMessageContaining("exec output cap");
        assertThatThrownBy(() -> new NodeLimits(1 << 20, 100)).isInstanceOf(BadInputException.class).hasMessageContaining("transcript cap");
    }
}

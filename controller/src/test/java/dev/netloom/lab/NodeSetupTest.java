package dev.netloom.lab;

import dev.netloom.nodes.ExecResult;
import dev.netloom.nodes.QemuNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** What a failed configuration or scenario command says (no lab: results made by hand). */
class NodeSetupTest {

    @Test
    void aScenarioCommandThatRanOutOfTime_saysSoAndHowToWaitLonger_notExitMinusOne() {
        ExecResult timedOut = new ExecResult(-1, "", Duration.ofSeconds(60), true);
        assertThat(NodeSetup.failure(timedOut, QemuNode.DEFAULT_EXEC_TIMEOUT, NodeSetup.COMMAND_HINT))
                .startsWith("did not finish within 60 s (the most a node's command may run;")
                .contains("give a check \"within\"")
                .doesNotContain("-1");
    }

    @Test
    void aCommandThatFinished_givesItsExitCode() {
        assertThat(NodeSetup.failure(new ExecResult(3, "no", Duration.ofMillis(5), false), QemuNode.DEFAULT_EXEC_TIMEOUT, NodeSetup.COMMAND_HINT))
                .isEqualTo("exited 3");
        assertThat(NodeSetup.failure(new ExecResult(-1, "", Duration.ofSeconds(92), true), "ip link set eth0 up"))
                .startsWith("did not finish within " + NodeSetup.timeoutFor("ip link set eth0 up").toSeconds() + " s (the host may be overloaded");
    }
}

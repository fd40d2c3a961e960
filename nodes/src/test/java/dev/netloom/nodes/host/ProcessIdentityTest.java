package dev.netloom.nodes.host;

import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/** A process identity survives only as long as that very process. */
class ProcessIdentityTest {

    @Test
    void startTime_isField22_evenWhenTheCommandNameHasSpacesAndParentheses() {
        String stat = "4242 (evil ) name) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 50";
        assertThat(ProcessIdentity.startTime(stat)).isEqualTo(987654L);
    }

    @Test
    void current_isAlive_andAnotherStartTimeOfTheSamePidIsNot() {
        ProcessIdentity me = ProcessIdentity.current();
        assertThat(me.alive()).isTrue();
        assertThat(me.cmdline()).contains("java");
        assertThat(new ProcessIdentity(me.pid(), me.startTime() + 1, me.cmdline()).alive()).as("a reused pid").isFalse();
        assertThat(new ProcessIdentity(me.pid(), me.startTime(), "something else").alive()).isFalse();
    }

    @Test
    void signal_ofAProcessThatEnded_sendsNothing() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("true").start();
        ProcessIdentity id = ProcessIdentity.of(p.pid()).orElse(new ProcessIdentity(p.pid(), 0, "true"));
        p.waitFor();
        assertThat(id.alive()).isFalse();
        assertThat(id.signal(true)).isFalse();
    }
}

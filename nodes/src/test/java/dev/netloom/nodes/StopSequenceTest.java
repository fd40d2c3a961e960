package dev.netloom.nodes;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The stop escalation, on a fake process that exits at a chosen step: no real process, no waiting. */
class StopSequenceTest {

    private static final StopSequence FAST = new StopSequence(Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofMillis(1));

    /** A process that records what was done to it and exits after the step named {@code exitsAfter} (or never, but SIGKILL). */
    static final class FakeProcess extends Process {
        final List<String> steps;
        final String exitsAfter;
        final List<Long> waits = new ArrayList<>();
        boolean alive = true;

        FakeProcess(List<String> steps, String exitsAfter) {
            this.steps = steps;
            this.exitsAfter = exitsAfter;
        }

        void step(String name) {
            steps.add(name);
            if (name.equals(exitsAfter) || name.equals("kill")) {
                alive = false;
            }
        }

        @Override
        public boolean isAlive() {
            return alive;
        }

        @Override
        public boolean waitFor(long timeout, TimeUnit unit) {
            waits.add(unit.toMillis(timeout));
            return !alive;
        }

        @Override
        public void destroy() {
            step("term");
        }

        @Override
        public Process destroyForcibly() {
            step("kill");
            return this;
        }

        @Override
        public OutputStream getOutputStream() {
            return OutputStream.nullOutputStream();
        }

        @Override
        public InputStream getInputStream() {
            return InputStream.nullInputStream();
        }

        @Override
        public InputStream getErrorStream() {
            return InputStream.nullInputStream();
        }

        @Override
        public int waitFor() {
            return 0;
        }

        @Override
        public int exitValue() {
            return 0;
        }
    }

    private static List<String> run(String exitsAfter, boolean graceful, boolean withQmp) {
        List<String> steps = new ArrayList<>();
        FakeProcess p = new FakeProcess(steps, exitsAfter);
        FAST.run(p, withQmp ? () -> p.step("powerdown") : null, withQmp ? () -> p.step("quit") : null, graceful);
        return steps;
    }

    @Test
    void stop_whenQuitWorks_sendsNoSignal() {
        assertThat(run("quit", false, true)).containsExactly("quit");
    }

    @Test
    void stop_graceful_powersDownFirst() {
        assertThat(run("powerdown", true, true)).containsExactly("powerdown");
        assertThat(run("quit", true, true)).containsExactly("powerdown", "quit");
    }

    @Test
    void stop_whenQemuIgnoresEverything_escalatesToSigkill() {
        assertThat(run("never", true, true)).containsExactly("powerdown", "quit", "term", "kill");
    }

    @Test
    void stop_withoutQmp_startsWithSigterm() {
        assertThat(run("term", true, false)).containsExactly("term");
        assertThat(run("never", false, false)).containsExactly("term", "kill");
    }

    @Test
    void stop_ofAnExitedProcess_doesNothing() {
        List<String> steps = new ArrayList<>();
        FakeProcess p = new FakeProcess(steps, "never");
        p.alive = false;
        FAST.run(p, () -> p.step("powerdown"), () -> p.step("quit"), true);
        assertThat(steps).isEmpty();
    }

    @Test
    void eachStep_waitsItsOwnBound() {
        StopSequence bounds = new StopSequence(Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(30));
        FakeProcess p = new FakeProcess(new ArrayList<>(), "never");
        bounds.run(p, () -> p.step("powerdown"), () -> p.step("quit"), true);
        assertThat(p.waits).containsExactly(10L, 20L, 30L, StopSequence.KILL_WAIT.toMillis());
    }

    @Test
    void defaults_areTenThreeAndThreeSeconds() {
        assertThat(StopSequence.DEFAULT).isEqualTo(new StopSequence(Duration.ofSeconds(10), Duration.ofSeconds(3), Duration.ofSeconds(3)));
    }
}

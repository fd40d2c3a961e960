package dev.netloom.impairment;

import dev.netloom.nodes.BadInputException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ShapingTest {

    private static final Target AB = new Target("ab", "a->b", "a", "eth0", "t1x0");
    private static final Target BA = new Target("ab", "b->a", "b", "eth0", "t0x0");
    private static final Impairment DELAY = new Impairment(Duration.ofMillis(10), null, null, null, null, null, null);
    private static final Impairment LOSS = new Impairment(null, null, 1.0, null, null, null, null);
    private static final Impairment RATE = new Impairment(null, null, null, 8_000_000L, null, null, null);

    /** Records what the engines would run, on the host and in each guest. */
    private static final class Recorder implements HostShell, Shaping.GuestShell {
        final List<String> host = new ArrayList<>();
        final List<String> guest = new ArrayList<>();

        @Override
        public void ip(String lines) {
            host.add("ip " + lines.strip());
        }

        @Override
        public void tc(String lines) {
            host.add(lines.strip());
        }

        @Override
        public boolean tcSucceeds(List<String> args) {
            return false;
        }

        @Override
        public void run(String node, List<String> commands) {
            commands.forEach(c -> guest.add(node + ": " + c));
        }
    }

    private static Map<Target, Impairment> initial(Impairment ab, Impairment ba) {
        Map<Target, Impairment> m = new LinkedHashMap<>();
        m.put(AB, ab);
        m.put(BA, ba);
        return m;
    }

    @Test
    void engineChoice_prefersHostNetem_thenGuestNetem_thenTbf() {
        assertThat(Shaping.engineFor(new Probes(true, n -> true), AB)).isInstanceOf(HostNetem.class);
        assertThat(Shaping.engineFor(new Probes(false, n -> true), AB)).isInstanceOf(GuestNetem.class);
        assertThat(Shaping.engineFor(new Probes(false, n -> false), AB)).isInstanceOf(HostTbf.class);
        // the guest engine is per node: a's image has netem, b's has not
        Probes mixed = new Probes(false, Set.of("a")::contains);
        assertThat(Shaping.engineFor(mixed, AB)).isInstanceOf(GuestNetem.class);
        assertThat(Shaping.engineFor(mixed, BA)).isInstanceOf(HostTbf.class);
    }

    @Test
    void start_refusesWhatNoAvailableEngineCanDo_beforeAnythingRuns() {
        Recorder r = new Recorder();
        assertThatThrownBy(() -> Shaping.choose(initial(DELAY, Impairment.NONE), new Probes(false, n -> false), r))
                .isInstanceOf(BadInputException.class).hasMessageContaining("link ab (a->b)").hasMessageContaining("sch_netem")
                .hasMessageContaining("only a rate");
        Impairment duplicateAndRate = new Impairment(null, null, null, 8_000_000L, 100.0, null, null);
        assertThatThrownBy(() -> Shaping.choose(initial(duplicateAndRate, Impairment.NONE), new Probes(false, n -> false), r))
                .isInstanceOf(BadInputException.class).hasMessageContaining("needs netem (for duplicate)");
        assertThat(r.host).isEmpty();
        Shaping rateOnly = Shaping.choose(initial(RATE, Impairment.NONE), new Probes(false, n -> false), r);
        rateOnly.applyHostAtStart();
        assertThat(r.host).containsExactly("qdisc replace dev t1x0 root tbf rate 8mbit burst 10000 latency 50ms");
    }

    @Test
    void start_hostDirectionsGoInOneBatch_guestDirectionsInTheNodesConfiguration() {
        Recorder r = new Recorder();
        Shaping host = Shaping.choose(initial(DELAY, LOSS), new Probes(true, n -> true), r);
        host.applyHostAtStart();
        assertThat(r.host).containsExactly("qdisc replace dev t1x0 root netem delay 10ms\nqdisc replace dev t0x0 root netem loss 1%");
        assertThat(host.guestCommands("a")).isEmpty();

        Recorder g = new Recorder();
        Shaping guest = Shaping.choose(initial(DELAY, Impairment.NONE), new Probes(false, n -> true), g);
        guest.applyHostAtStart();
        assertThat(g.host).isEmpty();
        assertThat(guest.guestCommands("a")).containsExactly("tc qdisc replace dev eth0 root netem delay 10ms");
        assertThat(guest.guestCommands("b")).isEmpty();
    }

    @Test
    void set_mergesIntoTheCurrentImpairment_appliesItWhereTheEngineRuns_andARestartedNodeGetsItBack() {
        Recorder r = new Recorder();
        Shaping s = Shaping.choose(initial(DELAY, Impairment.NONE), new Probes(false, n -> true), r);
        assertThat(s.set(AB, LOSS, r)).isEqualTo(DELAY.merge(LOSS));
        assertThat(r.guest).containsExactly("a: tc qdisc replace dev eth0 root netem delay 10ms loss 1%");
        assertThat(s.current(AB)).isEqualTo(DELAY.merge(LOSS));
        assertThat(s.engineNow(AB)).isEqualTo("guest-netem");
        assertThat(s.engineNow(BA)).isEqualTo("none");
        // the configuration of a restarted node carries what the direction has now, not the scenario's
        assertThat(s.guestCommands("a")).containsExactly("tc qdisc replace dev eth0 root netem delay 10ms loss 1%");

        assertThat(s.set(AB, Impairment.NONE, r)).isEqualTo(Impairment.NONE);
        assertThat(r.guest).last().isEqualTo("a: tc qdisc del dev eth0 root 2>/dev/null || true");
        assertThat(s.guestCommands("a")).isEmpty();
        assertThat(r.host).isEmpty();
    }

    @Test
    void set_refusesWhatTheDirectionsEngineCannotDo_andLeavesItAsItWas() {
        Recorder r = new Recorder();
        Shaping s = Shaping.choose(initial(RATE, Impairment.NONE), new Probes(false, n -> false), r);
        assertThatThrownBy(() -> s.set(AB, DELAY, r)).isInstanceOf(BadInputException.class).hasMessageContaining("host-tbf");
        assertThat(s.current(AB)).isEqualTo(RATE);
        Impairment corruptAndLimit = new Impairment(null, null, null, null, null, 1.0, null, 50L);
        assertThatThrownBy(() -> s.set(AB, corruptAndLimit, r)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("cannot apply corrupt, limit (rate 8mbit corrupt 1% limit 50)")
                .hasMessageContaining("shapes a rate only");
        assertThat(s.current(AB)).isEqualTo(RATE);
        assertThat(r.host).isEmpty();
        Impairment jitter = new Impairment(null, Duration.ofMillis(1), null, null, null, null, null);
        Shaping netem = Shaping.choose(initial(Impairment.NONE, Impairment.NONE), new Probes(true, n -> false), r);
        assertThatThrownBy(() -> netem.set(BA, jitter, r)).isInstanceOf(BadInputException.class).hasMessageContaining("jitter needs a delay");
        assertThatThrownBy(() -> netem.target("ab", "x->y")).isInstanceOf(BadInputException.class).hasMessageContaining("directions: a->b, b->a");
    }
}

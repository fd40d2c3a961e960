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

/**
 * A shared medium's pairs, shaped by each sender in its guest by destination MAC: the classes,
 * netem qdiscs and filters of one pair, the HTB root made before a sender's first pair and taken away
 * after its last, and what a change touches (only the pair that changed).
 */
class PairShapingTest {

    private static final String B_MAC = "52:54:00:00:00:0b";
    private static final String C_MAC = "52:54:00:00:00:0c";
    /** a, b, c on a medium: a's pairs to b (member 1) and c (member 2), and b's to a. */
    private static final Target AB = new Target("medium", "a->b", "a", "eth0", "t1x0", new Target.Peer(B_MAC, 1));
    private static final Target AC = new Target("medium", "a->c", "a", "eth0", "t2x0", new Target.Peer(C_MAC, 2));
    private static final Target BA = new Target("medium", "b->a", "b", "eth0", "t0x0", new Target.Peer("52:54:00:00:00:0a", 0));
    private static final Impairment K3 = wifi(8, 800, 6_750_000L);
    private static final Impairment K5 = wifi(32, 3200, 1_687_500L);

    private static Impairment wifi(long delayMs, long jitterUs, long rateBps) {
        return new Impairment(Duration.ofMillis(delayMs), Duration.ofNanos(jitterUs * 1000), null, rateBps, null, null, null);
    }

    private static final class Guests implements Shaping.GuestShell, HostShell {
        final List<String> lines = new ArrayList<>();

        @Override
        public void run(String node, List<String> commands) {
            commands.forEach(c -> lines.add(node + ": " + c));
        }

        @Override
        public void ip(String lines) {
            throw new AssertionError("the host has nothing to do for a medium's pairs: " + lines);
        }

        @Override
        public void tc(String lines) {
            throw new AssertionError("the host has nothing to do for a medium's pairs: " + lines);
        }

        @Override
        public boolean tcSucceeds(List<String> args) {
            return false;
        }
    }

    private static Shaping start(Impairment ab, Impairment ac, Impairment ba, Set<String> withNetem, Guests g) {
        Map<Target, Impairment> initial = new LinkedHashMap<>();
        initial.put(AB, ab);
        initial.put(AC, ac);
        initial.put(BA, ba);
        return Shaping.choose(initial, new Probes(true, withNetem::contains), g);
    }

    @Test
    void aPair_isAClassWithItsNetem_andAFilterOnTheReceiversMac() {
        GuestPairNetem e = new GuestPairNetem();
        assertThat(e.commands(AB, K3)).containsExactly("tc class replace dev eth0 parent 1: classid 1:2 htb rate 10gbit quantum 65536"
                + " && tc qdisc replace dev eth0 parent 1:2 netem delay 8ms 800us rate 6750kbit"
                + " && tc filter replace dev eth0 parent 1: protocol all prio 1 handle 800::2 u32 match ether dst 52:54:00:00:00:0b flowid 1:2");
        assertThat(e.commands(AB, Impairment.NONE)).containsExactly(
                "tc filter del dev eth0 parent 1: protocol all prio 1 handle 800::2 u32 2>/dev/null; tc class del dev eth0 classid 1:2 2>/dev/null; true");
        // classes are numbered in hex, as tc reads them: member 15 is class 1:10
        Target sixteenth = new Target("medium", "a->p", "a", "eth0", "t15x0", new Target.Peer(C_MAC, 15));
        assertThat(e.commands(sixteenth, K3).get(0)).contains("classid 1:10 ").contains("handle 800::10 ").endsWith("flowid 1:10");
        assertThat(e.prepare(AB)).containsExactly("tc qdisc replace dev eth0 root handle 1: htb");
        assertThat(e.release(AB)).containsExactly("tc qdisc del dev eth0 root 2>/dev/null || true");
    }

    @Test
    void aPeersMac_isCheckedBeforeItReachesTc() {
        assertThatThrownBy(() -> new Target.Peer("52:54:00:00:00:0b dst", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Target.Peer(null, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Target.Peer(B_MAC, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pairs_areShapedInTheSendersGuest_evenWhereTheHostHasNetem() {
        assertThat(Shaping.engineFor(new Probes(true, n -> true), AB)).isInstanceOf(GuestPairNetem.class);
        assertThat(Shaping.engineFor(new Probes(true, n -> false), AB)).isInstanceOf(PairUnshaped.class);
        // a link's direction never gets the pair engine
        assertThat(Shaping.engineFor(new Probes(false, n -> true), new Target("ab", "a->b", "a", "eth0", "t1x0"))).isInstanceOf(GuestNetem.class);
    }

    @Test
    void atTheStart_aSenderGetsItsRootOnce_thenOneLinePerImpairedPair() {
        Guests g = new Guests();
        Shaping s = start(K3, K5, Impairment.NONE, Set.of("a", "b"), g);
        s.applyHostAtStart();
        List<String> a = s.guestCommands("a");
        assertThat(a).hasSize(3);
        assertThat(a.get(0)).isEqualTo("tc qdisc replace dev eth0 root handle 1: htb");
        assertThat(a.get(1)).contains("classid 1:2 ").contains("delay 8ms 800us rate 6750kbit").contains("dst " + B_MAC);
        assertThat(a.get(2)).contains("classid 1:3 ").contains("delay 32ms 3200us rate 1687500bit").contains("dst " + C_MAC);
        assertThat(s.guestCommands("b")).isEmpty(); // no impaired pair: no root, everything leaves as before
        assertThat(s.engineNow(AB)).isEqualTo("guest-netem-pair");
        assertThat(s.engineNow(BA)).isEqualTo("none");
    }

    @Test
    void aChange_touchesOnlyItsPair_theFirstMakesTheRoot_theLastTakesItAway() {
        Guests g = new Guests();
        Shaping s = start(Impairment.NONE, Impairment.NONE, Impairment.NONE, Set.of("a", "b"), g);
        s.set(AB, K5, g); // the sender's first impaired pair: the root, then the pair
        assertThat(g.lines).containsExactly("a: tc qdisc replace dev eth0 root handle 1: htb", "a: " + new GuestPairNetem().commands(AB, K5).get(0));
        g.lines.clear();
        s.set(AC, K3, g); // a second pair: its own class only
        assertThat(g.lines).containsExactly("a: " + new GuestPairNetem().commands(AC, K3).get(0));
        g.lines.clear();
        s.set(AB, K3, g); // a new impairment for a pair: its class, netem and filter, in place
        assertThat(g.lines).containsExactly("a: " + new GuestPairNetem().commands(AB, K3).get(0));
        g.lines.clear();
        s.set(AB, Impairment.NONE, g); // a->c still shaped: only a->b's class and filter go
        assertThat(g.lines).containsExactly("a: " + new GuestPairNetem().commands(AB, Impairment.NONE).get(0));
        g.lines.clear();
        s.set(AC, Impairment.NONE, g); // the last: the root goes, and everything under it
        assertThat(g.lines).containsExactly("a: tc qdisc del dev eth0 root 2>/dev/null || true");
        g.lines.clear();
        s.set(AC, Impairment.NONE, g); // nothing there: nothing to run
        assertThat(g.lines).isEmpty();
        assertThat(s.guestCommands("a")).isEmpty();
    }

    @Test
    void aSenderWithoutGuestNetem_refusesAPairImpairment_atTheStartAndLater() {
        Guests g = new Guests();
        assertThatThrownBy(() -> start(Impairment.NONE, K3, Impairment.NONE, Set.of("b"), g)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("medium medium (a->c)").hasMessageContaining("no guest netem").hasMessageContaining("(tiny) for node a");
        Shaping s = start(Impairment.NONE, Impairment.NONE, Impairment.NONE, Set.of("b"), g); // no impairment: nothing needed
        assertThat(s.engineNow(AB)).isEqualTo("none");
        assertThatThrownBy(() -> s.set(AB, K3, g)).isInstanceOf(BadInputException.class).hasMessageContaining("medium medium a->b")
                .hasMessageContaining("by destination MAC");
        assertThat(s.current(AB)).isEqualTo(Impairment.NONE);
        s.set(AB, Impairment.NONE, g); // clearing what is not there is fine
        assertThat(g.lines).isEmpty();
    }
}

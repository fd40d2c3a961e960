package dev.netloom.impairment;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EnginesTest {

    static final Impairment ALL = new Impairment(Duration.ofMillis(10).plusNanos(500_000), Duration.ofMillis(2),
            1.5, 1_000_000L, 0.1, 0.01, 25.0, 100L);
    static final Target AB = new Target("ab", "a->b", "a", "eth2", "t1x0");

    @Test
    void guestNetem_withEveryField_inNetemsOrder() {
        assertThat(new GuestNetem().commands(AB, ALL)).containsExactly(
                "tc qdisc replace dev eth2 root netem delay 10500us 2ms loss 1.5% rate 1mbit duplicate 0.1% corrupt 0.01% reorder 25% limit 100");
    }

    @Test
    void guestNetem_someFields_andNone() {
        Impairment lossy = new Impairment(null, null, 100.0, 1_500L, null, null, null);
        assertThat(new GuestNetem().commands(AB, lossy)).containsExactly("tc qdisc replace dev eth2 root netem loss 100% rate 1500bit");
        Impairment micro = new Impairment(Duration.ofNanos(1_250), null, 0.0, null, null, null, null);
        assertThat(new GuestNetem().commands(AB, micro)).containsExactly("tc qdisc replace dev eth2 root netem delay 1us loss 0%");
        assertThat(new GuestNetem().commands(AB, Impairment.NONE)).containsExactly("tc qdisc del dev eth2 root 2>/dev/null || true");
    }

    @Test
    void hostNetem_shapesTheReceiversTap() {
        Impairment delay = new Impairment(Duration.ofMillis(20), null, null, null, null, null, null);
        assertThat(new HostNetem().commands(AB, delay)).containsExactly("qdisc replace dev t1x0 root netem delay 20ms");
        assertThat(new HostNetem().commands(AB, Impairment.NONE)).containsExactly("qdisc replace dev t1x0 root pfifo_fast");
    }

    @Test
    void hostTbf_doesARateAndNothingElse() {
        Impairment rate = new Impairment(null, null, null, 10_000_000L, null, null, null);
        assertThat(new HostTbf().commands(AB, rate)).containsExactly("qdisc replace dev t1x0 root tbf rate 10mbit burst 12500 latency 50ms");
        assertThat(new HostTbf().commands(AB, new Impairment(null, null, null, 64_000L, null, null, null)))
                .containsExactly("qdisc replace dev t1x0 root tbf rate 64kbit burst 1600 latency 50ms");
        assertThat(new HostTbf().supports(rate)).isTrue();
        assertThat(new HostTbf().supports(Impairment.NONE)).isTrue();
        assertThat(new HostTbf().supports(ALL)).isFalse();
        assertThat(new HostTbf().unsupported(ALL)).containsExactly(Field.DELAY, Field.JITTER, Field.LOSS, Field.DUPLICATE,
                Field.CORRUPT, Field.REORDER, Field.LIMIT);
        assertThat(new HostTbf().supports(new Impairment(null, null, null, 10_000_000L, null, null, null, 10L))).isFalse();
        assertThat(new GuestNetem().unsupported(ALL)).isEmpty();
        assertThatThrownBy(() -> new HostTbf().commands(AB, ALL)).hasMessageContaining("rate only");
    }

    @Test
    void netem_refusesJitterOrReorderWithoutADelay() {
        assertThatThrownBy(() -> new GuestNetem().commands(AB, new Impairment(null, Duration.ofMillis(1), null, null, null, null, null)))
                .hasMessageContaining("jitter needs a delay");
        assertThatThrownBy(() -> new HostNetem().commands(AB, new Impairment(null, null, null, null, null, null, 5.0)))
                .hasMessageContaining("reorder needs a delay");
    }

    @Test
    void limit_isAWholeNumberOfPackets() {
        assertThat(Field.LIMIT.parse("100")).isEqualTo(100L);
        assertThat(Field.LIMIT.format(1L)).isEqualTo("1");
        assertThatThrownBy(() -> Field.LIMIT.parse("0")).hasMessageContaining("drops everything");
        assertThatThrownBy(() -> Field.LIMIT.parse("2000000")).hasMessageContaining("at most 1000000");
        assertThatThrownBy(() -> Field.LIMIT.parse("10p")).hasMessageContaining("whole number of packets");
        assertThatThrownBy(() -> Field.LIMIT.parse("-1")).hasMessageContaining("whole number of packets");
        assertThat(new Impairment(null, null, null, 8_000L, null, null, null, 5L).rateOnly()).isFalse();
    }

    @Test
    void target_refusesDeviceNamesThatAreNotNetloomsOwn() {
        assertThatThrownBy(() -> new Target("ab", "a->b", "a", "eth0; reboot", "t1x0")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Target("ab", "a->b", "a", "eth0", "eth0")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void impairment_fieldsDescribeAndMergeThroughOneFieldList() {
        assertThat(Field.KEYS).containsExactly("delay", "jitter", "loss", "rate", "duplicate", "corrupt", "reorder", "limit");
        assertThat(ALL.fields()).isEqualTo(Map.of("delay", "10500us", "jitter", "2ms", "loss", "1.5%", "rate", "1mbit",
                "duplicate", "0.1%", "corrupt", "0.01%", "reorder", "25%", "limit", "100"));
        Impairment parsed = Impairment.NONE;
        for (Map.Entry<String, String> e : ALL.fields().entrySet()) {
            Field f = Field.of(e.getKey());
            parsed = f.with(parsed, f.parse(e.getValue()));
        }
        assertThat(parsed).isEqualTo(ALL);
        Impairment delay = new Impairment(Duration.ofMillis(5), null, null, null, null, null, null);
        Impairment loss = new Impairment(null, null, 2.0, null, null, null, null);
        assertThat(delay.merge(loss).describe()).isEqualTo("delay 5ms loss 2%");
        assertThat(Impairment.NONE.describe()).isEqualTo("none");
        assertThat(new Impairment(null, Duration.ofMillis(1), null, null, null, null, null).needingDelay()).contains(Field.JITTER);
    }
}

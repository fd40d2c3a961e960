package dev.netloom.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The statistics behind fidelity checks and repeated runs, against values worked out by hand and in R (prop.test without continuity correction). */
class StatsTest {

    @Test
    void wilson_matchesPublishedValues() {
        // 20 of 200: R's prop.test(20, 200, correct = FALSE)$conf.int gives 0.0657 - 0.1494
        Stats.Interval i = Stats.wilson(20, 200);
        assertThat(i.low()).isCloseTo(0.0657, within(1e-4));
        assertThat(i.high()).isCloseTo(0.1494, within(1e-4));
        // 5 of 10: 0.2366 - 0.7634, symmetric around one half
        Stats.Interval half = Stats.wilson(5, 10);
        assertThat(half.low()).isCloseTo(0.2366, within(1e-4));
        assertThat(half.high()).isCloseTo(0.7634, within(1e-4));
    }

    @Test
    void wilson_atNoneAndAll_isNotEmpty_andStaysInZeroOne() {
        Stats.Interval none = Stats.wilson(0, 10);
        assertThat(none.low()).isEqualTo(0.0);
        assertThat(none.high()).isCloseTo(0.2775, within(1e-4));
        Stats.Interval all = Stats.wilson(200, 200);
        assertThat(all.high()).isEqualTo(1.0);
        assertThat(all.low()).isCloseTo(0.9812, within(1e-4));
    }

    @Test
    void wilson_narrowsWithMoreTrials() {
        Stats.Interval few = Stats.wilson(10, 100);
        Stats.Interval many = Stats.wilson(100, 1000);
        assertThat(many.high() - many.low()).isLessThan(few.high() - few.low());
    }

    @Test
    void wilson_refusesImpossibleCounts() {
        assertThatIllegalArgumentException().isThrownBy(() -> Stats.wilson(1, 0));
        assertThatIllegalArgumentException().isThrownBy(() -> Stats.wilson(11, 10));
    }

    @Test
    void median_ofOddAndEvenCounts() {
        assertThat(Stats.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
        assertThat(Stats.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
        assertThat(Stats.median(List.of(7.0))).isEqualTo(7.0);
    }

    @Test
    void summary_hasMedianMinMaxAndCount() {
        assertThat(Stats.summary(List.of(20.4, 19.8, 21.0, 20.1))).isEqualTo(new Stats.Summary(4, 20.25, 19.8, 21.0));
        assertThatIllegalArgumentException().isThrownBy(() -> Stats.summary(List.of()));
    }

    @Test
    void meanAndStddev() {
        assertThat(Stats.mean(List.of(1.0, 2.0, 3.0, 4.0))).isEqualTo(2.5);
        assertThat(Stats.stddev(List.of(2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0))).isCloseTo(2.138, within(1e-3));
        assertThat(Stats.stddev(List.of(5.0))).isZero();
    }
}

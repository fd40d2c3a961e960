package dev.netloom.impairment;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TcUnitsTest {

    @Test
    void percent_isZeroToHundred() {
        assertThat(TcUnits.percent("1%")).isEqualTo(1.0);
        assertThat(TcUnits.percent("0.5%")).isEqualTo(0.5);
        assertThat(TcUnits.percent("100%")).isEqualTo(100.0);
        assertThat(TcUnits.percent("0")).isZero();
        assertThatThrownBy(() -> TcUnits.percent("100.1%")).hasMessageContaining("above 100%");
        assertThatThrownBy(() -> TcUnits.percent("5")).hasMessageContaining("bad percentage \"5\"");
    }

    @Test
    void rate_usesTcUnits_bitsAndBytes() {
        assertThat(TcUnits.rateBps("100bit")).isEqualTo(100);
        assertThat(TcUnits.rateBps("512kbit")).isEqualTo(512_000);
        assertThat(TcUnits.rateBps("10mbit")).isEqualTo(10_000_000);
        assertThat(TcUnits.rateBps("1gbit")).isEqualTo(1_000_000_000);
        assertThat(TcUnits.rateBps("1.5Mbit")).isEqualTo(1_500_000);
        assertThat(TcUnits.rateBps("1mbps")).isEqualTo(8_000_000);
        assertThat(TcUnits.rateBps("100kbps")).isEqualTo(800_000);
        assertThatThrownBy(() -> TcUnits.rateBps("10")).hasMessageContaining("bad rate \"10\"");
        assertThatThrownBy(() -> TcUnits.rateBps("0mbit")).hasMessageContaining("is zero");
    }

    @Test
    void formats_areExactAndReadBackToTheSameValue() {
        assertThat(TcUnits.time(Duration.ofMillis(10))).isEqualTo("10ms");
        assertThat(TcUnits.time(Duration.ofNanos(250_000))).isEqualTo("250us");
        assertThat(TcUnits.time(Duration.ofMillis(1).plusNanos(250_000))).isEqualTo("1250us");
        assertThat(TcUnits.time(Duration.ofSeconds(2))).isEqualTo("2s");
        assertThat(TcUnits.time(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(TcUnits.time(Duration.ZERO)).isEqualTo("0us");
        assertThat(TcUnits.rate(10_000_000)).isEqualTo("10mbit");
        assertThat(TcUnits.rate(512_000)).isEqualTo("512kbit");
        assertThat(TcUnits.rate(1_500_000)).isEqualTo("1500kbit");
        assertThat(TcUnits.rate(100)).isEqualTo("100bit");
        assertThat(TcUnits.percent(1.0)).isEqualTo("1%");
        assertThat(TcUnits.percent(0.5)).isEqualTo("0.5%");
        for (String t : new String[] {"10ms", "250us", "1250us", "2s"}) {
            assertThat(TcUnits.time(TcUnits.time(t))).isEqualTo(t);
        }
        for (String r : new String[] {"10mbit", "1500kbit", "100bit", "3gbit"}) {
            assertThat(TcUnits.rate(TcUnits.rateBps(r))).isEqualTo(r);
        }
    }

    @Test
    void formats_refuseWhatTcWouldRefuse() {
        assertThatThrownBy(() -> TcUnits.percent(101.0)).hasMessageContaining("0..100");
        assertThatThrownBy(() -> TcUnits.percent(Double.NaN)).hasMessageContaining("0..100");
        assertThatThrownBy(() -> TcUnits.rate(0)).hasMessageContaining("must be positive");
        assertThatThrownBy(() -> TcUnits.time(Duration.ofMillis(-1))).hasMessageContaining("negative");
    }
}

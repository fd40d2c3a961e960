package dev.netloom.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class QuantitiesTest {

    @Test
    void percent_isZeroToHundred() {
        assertThat(Quantities.percent("1%")).isEqualTo(1.0);
        assertThat(Quantities.percent("0.5%")).isEqualTo(0.5);
        assertThat(Quantities.percent("100%")).isEqualTo(100.0);
        assertThat(Quantities.percent("0")).isZero();
        assertThatThrownBy(() -> Quantities.percent("100.1%")).hasMessageContaining("above 100%");
        assertThatThrownBy(() -> Quantities.percent("5")).hasMessageContaining("bad percentage \"5\"");
    }

    @Test
    void rate_usesTcUnits_bitsAndBytes() {
        assertThat(Quantities.rateBps("100bit")).isEqualTo(100);
        assertThat(Quantities.rateBps("512kbit")).isEqualTo(512_000);
        assertThat(Quantities.rateBps("10mbit")).isEqualTo(10_000_000);
        assertThat(Quantities.rateBps("1gbit")).isEqualTo(1_000_000_000);
        assertThat(Quantities.rateBps("1.5Mbit")).isEqualTo(1_500_000);
        assertThat(Quantities.rateBps("1mbps")).isEqualTo(8_000_000);
        assertThat(Quantities.rateBps("100kbps")).isEqualTo(800_000);
        assertThatThrownBy(() -> Quantities.rateBps("10")).hasMessageContaining("bad rate \"10\"");
        assertThatThrownBy(() -> Quantities.rateBps("0mbit")).hasMessageContaining("is zero");
    }

    @Test
    void memory_isBinaryUnitsToMiB() {
        assertThat(Quantities.memoryMiB("96M")).isEqualTo(96);
        assertThat(Quantities.memoryMiB("96MB")).isEqualTo(96);
        assertThat(Quantities.memoryMiB("512MiB")).isEqualTo(512);
        assertThat(Quantities.memoryMiB("1G")).isEqualTo(1024);
        assertThat(Quantities.memoryMiB("1.5GiB")).isEqualTo(1536);
        assertThat(Quantities.memoryMiB("256")).isEqualTo(256);
        assertThatThrownBy(() -> Quantities.memoryMiB("1.3M")).hasMessageContaining("not a whole number of MiB");
        assertThatThrownBy(() -> Quantities.memoryMiB("8M")).hasMessageContaining("out of range; use 16M to 1024G");
        assertThatThrownBy(() -> Quantities.memoryMiB("1T")).hasMessageContaining("bad memory size");
    }

    @Test
    void tcFormats_roundTrip() {
        assertThat(Quantities.tcDuration(Duration.ofMillis(10))).isEqualTo("10ms");
        assertThat(Quantities.tcDuration(Duration.ofNanos(250_000))).isEqualTo("250us");
        assertThat(Quantities.tcDuration(Duration.ofSeconds(2))).isEqualTo("2s");
        assertThat(Quantities.tcDuration(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Quantities.tcRate(10_000_000)).isEqualTo("10mbit");
        assertThat(Quantities.tcRate(512_000)).isEqualTo("512kbit");
        assertThat(Quantities.tcRate(1_500_000)).isEqualTo("1500kbit");
        assertThat(Quantities.tcRate(100)).isEqualTo("100bit");
        assertThat(Quantities.tcPercent(1.0)).isEqualTo("1%");
        assertThat(Quantities.tcPercent(0.5)).isEqualTo("0.5%");
    }
}

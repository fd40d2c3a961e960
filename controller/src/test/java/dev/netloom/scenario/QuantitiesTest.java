package dev.netloom.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class QuantitiesTest {

    @Test
    void duration_acceptsUnitsAndDecimals() {
        assertThat(Quantities.duration("10ms")).isEqualTo(Duration.ofMillis(10));
        assertThat(Quantities.duration("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Quantities.duration("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Quantities.duration("250us")).isEqualTo(Duration.ofNanos(250_000));
        assertThat(Quantities.duration("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Quantities.duration("0")).isEqualTo(Duration.ZERO);
    }

    @Test
    void duration_withoutUnit_isRejectedWithExamples() {
        assertThatThrownBy(() -> Quantities.duration("10")).hasMessageContaining("bad duration \"10\"; write a number and a unit");
        assertThatThrownBy(() -> Quantities.duration("-5ms")).hasMessageContaining("bad duration");
        assertThatThrownBy(() -> Quantities.duration("5 ms")).hasMessageContaining("bad duration");
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
}

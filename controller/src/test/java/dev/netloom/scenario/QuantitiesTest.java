package dev.netloom.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class QuantitiesTest {

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

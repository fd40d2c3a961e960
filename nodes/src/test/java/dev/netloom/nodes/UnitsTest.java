package dev.netloom.nodes;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one grammar of sizes and durations, as each caller used to accept it. */
class UnitsTest {

    private static final long MIB = 1024 * 1024;

    @Test
    void bytes_readsBinaryUnitsInAnyCase() {
        assertThat(Units.bytes("512M")).isEqualTo(512 * MIB);
        assertThat(Units.bytes("1G")).isEqualTo(1024 * MIB);
        assertThat(Units.bytes("2GiB")).isEqualTo(2048 * MIB);
        assertThat(Units.bytes("2gb")).isEqualTo(2048 * MIB);
        assertThat(Units.bytes("64k")).isEqualTo(65_536);
        assertThat(Units.bytes("64KiB")).isEqualTo(65_536);
        assertThat(Units.bytes("1T")).isEqualTo(1024 * 1024 * MIB);
        assertThat(Units.bytes(" 512 M ")).isEqualTo(512 * MIB);
    }

    @Test
    void bytes_bareNumberOrB_isBytes() {
        assertThat(Units.bytes("0")).isZero();
        assertThat(Units.bytes("4096")).isEqualTo(4096);
        assertThat(Units.bytes("4096B")).isEqualTo(4096);
    }

    @Test
    void bytes_takesFractionsThatComeOutWhole() {
        assertThat(Units.bytes("1.5G")).isEqualTo(1536 * MIB);
        assertThat(Units.bytes("0.5K")).isEqualTo(512);
        assertThatThrownBy(() -> Units.bytes("0.5")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("size \"0.5\" is not a whole number of bytes; round it, e.g. \"1\"");
    }

    @Test
    void bytes_notASize_isRejectedWithExamples() {
        for (String bad : List.of("lots", "", "-5M", "5X", "M", "1.G", "5iB", "5 M B")) {
            assertThatThrownBy(() -> Units.bytes(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("bad size \"" + bad + "\"; write a number and a binary unit (K, M, G, T), e.g. \"512M\", \"2G\"");
        }
        assertThatThrownBy(() -> Units.bytes(null)).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("bad size");
        assertThatThrownBy(() -> Units.bytes("9999999999T")).hasMessageContaining("is too large");
    }

    @Test
    void mebibytes_readsMiBAndGiB_likeQemu() {
        assertThat(Units.mebibytes("96M")).isEqualTo(96);
        assertThat(Units.mebibytes("96MB")).isEqualTo(96);
        assertThat(Units.mebibytes("512MiB")).isEqualTo(512);
        assertThat(Units.mebibytes("64 mb")).isEqualTo(64);
        assertThat(Units.mebibytes(" 1G ")).isEqualTo(1024);
        assertThat(Units.mebibytes("1.5GiB")).isEqualTo(1536);
        assertThat(Units.mebibytes("256")).isEqualTo(256);
    }

    @Test
    void mebibytes_otherUnitsOrNoSize_areRejectedWithExamples() {
        for (String bad : List.of("96K", "1T", "512B", "lots", "-5M", "")) {
            assertThatThrownBy(() -> Units.mebibytes(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("bad memory size \"" + bad + "\"; write MiB or GiB, e.g. \"96M\", \"512MiB\", \"1G\"");
        }
    }

    @Test
    void mebibytes_partOfAMiB_isRejectedWithTheRoundedValue() {
        assertThatThrownBy(() -> Units.mebibytes("1.3M"))
                .hasMessage("memory size \"1.3M\" is not a whole number of MiB; round it, e.g. \"1M\"");
        assertThat(Units.mebibytes("0.5G")).isEqualTo(512);
    }

    @Test
    void duration_acceptsUnitsAndDecimals() {
        assertThat(Units.duration("10ms")).isEqualTo(Duration.ofMillis(10));
        assertThat(Units.duration("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Units.duration("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Units.duration("250us")).isEqualTo(Duration.ofNanos(250_000));
        assertThat(Units.duration("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Units.duration("0")).isEqualTo(Duration.ZERO);
        assertThat(Units.duration("0.0")).isEqualTo(Duration.ZERO);
    }

    @Test
    void duration_withoutUnit_isRejectedWithExamples() {
        assertThatThrownBy(() -> Units.duration("10")).hasMessageContaining("bad duration \"10\"; write a number and a unit");
        assertThatThrownBy(() -> Units.duration("-5ms")).hasMessageContaining("bad duration");
        assertThatThrownBy(() -> Units.duration("5 ms")).hasMessageContaining("bad duration");
        assertThatThrownBy(() -> Units.duration("5MS")).hasMessageContaining("bad duration");
        assertThatThrownBy(() -> Units.duration("999999999999h")).hasMessageContaining("is too long");
    }
}

package dev.netloom.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EscapeTest {

    @Test
    void oneLine_keepsPlainTextAndNonAsciiLetters() {
        assertThat(Escape.oneLine("node \"a\" é 世界 а")).isEqualTo("node \"a\" é 世界 а");
    }

    @Test
    void oneLine_escapesC0ControlsDelAndC1() {
        assertThat(Escape.oneLine("a\nb\tc\rd\u001b[31m\u007f\u0085\u009b"))
                .isEqualTo("a\\nb\\tc\\rd\\x1b[31m\\x7f\\x85\\x9b");
    }

    @Test
    void oneLine_escapesBidiOverridesZeroWidthCharactersAndLineSeparators() {
        assertThat(Escape.oneLine("ab\u202ecd\u200d\u200b\ufeff\u2028\u2029"))
                .isEqualTo("ab\\u202ecd\\u200d\\u200b\\ufeff\\u2028\\u2029");
    }

    @Test
    void oneLine_ofNull_isTheWordNull() {
        assertThat(Escape.oneLine(null)).isEqualTo("null");
    }
}

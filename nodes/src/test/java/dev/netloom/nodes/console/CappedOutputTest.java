package dev.netloom.nodes.console;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class CappedOutputTest {

    private static CappedOutput written(long cap, String... pieces) {
        CappedOutput out = new CappedOutput(cap);
        for (String p : pieces) {
            byte[] b = p.getBytes(StandardCharsets.UTF_8);
            out.write(b, 0, b.length);
        }
        out.finish();
        return out;
    }

    @Test
    void write_whenUnderTheCap_keepsEverythingWithCrLfAsLf() {
        CappedOutput out = written(100, "a\r\nb\r", "\nlone\rcr\r");
        assertThat(out.text()).isEqualTo("a\nb\nlone\rcr\r");
        assertThat(out.truncated()).isFalse();
        assertThat(out.dropped()).isZero();
    }

    @Test
    void write_whenOverTheCap_keepsTheFirstCapBytesAndCountsTheRest() {
        CappedOutput out = written(4, "ab\r\ncd\r\nef");
        assertThat(out.text()).isEqualTo("ab\nc");
        assertThat(out.truncated()).isTrue();
        assertThat(out.dropped()).isEqualTo("d\nef".length());
    }

    @Test
    void text_whenTheCapCutsACharacterInHalf_leavesItOutAndCountsIt() {
        CappedOutput out = written(3, "a\u00e9\u00e9"); // a, then two 2-byte characters: the cap cuts the second
        assertThat(out.text()).isEqualTo("a\u00e9");
        assertThat(out.dropped()).isEqualTo(2);
    }

    @Test
    void copy_finishedEarly_leavesTheOriginalGoing() {
        CappedOutput out = new CappedOutput(100);
        out.write("x\r".getBytes(StandardCharsets.US_ASCII), 0, 2);
        CappedOutput early = out.copy();
        early.finish();
        out.write(new byte[] {'\n'}, 0, 1);
        out.finish();
        assertThat(early.text()).isEqualTo("x\r");
        assertThat(out.text()).isEqualTo("x\n");
    }
}

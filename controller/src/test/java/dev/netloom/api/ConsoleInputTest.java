package dev.netloom.api;

import dev.netloom.nodes.console.ConsoleBroker;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ConsoleInputTest {

    private final ConsoleInput input = new ConsoleInput();

    private List<String> feed(String s) {
        return input.feed(s.getBytes(StandardCharsets.ISO_8859_1)).stream().map(e -> {
            if (e instanceof ConsoleInput.Typed t) {
                return "typed:" + new String(t.bytes(), StandardCharsets.ISO_8859_1);
            }
            if (e instanceof ConsoleInput.Resize r) {
                return "resize:" + r.size().rows() + "x" + r.size().cols();
            }
            return "detach";
        }).toList();
    }

    @Test
    void splitsKeystrokes_resizes_andTheDetach() {
        assertThat(feed("ls\u001b[8;40;120tpwd\r\u001dafter")).containsExactly("typed:ls", "resize:40x120", "typed:pwd\r", "detach");
    }

    @Test
    void aResizeSplitAcrossReads_isHeldBack_aLoneEscapeIsNot() {
        assertThat(feed("x\u001b[8;4")).containsExactly("typed:x");
        assertThat(feed("0;99ty")).containsExactly("resize:40x99", "typed:y");
        assertThat(feed("\u001b")).containsExactly("typed:\u001b");
        assertThat(feed("\u001b[A")).containsExactly("typed:\u001b[A");
    }

    @Test
    void notAResize_isTypedAsItIs_andAnImpossibleSizeIsIgnored() {
        assertThat(feed("\u001b[8;24;80x")).containsExactly("typed:\u001b[8;24;80x");
        assertThat(feed("\u001b[8;0;80t")).isEmpty();
    }

    @Test
    void resizeSequence_isWhatTheParserReads() {
        byte[] seq = ConsoleInput.resizeSequence(new ConsoleBroker.Size(24, 80));
        assertThat(new String(seq, StandardCharsets.US_ASCII)).isEqualTo("\u001b[8;24;80t");
    }
}

package dev.netloom.nodes.console;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class TerminalTextTest {

    private static TerminalText text(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return TerminalText.of(b, 0, b.length);
    }

    @Test
    void controlSequences_areRemoved_textAndLineEndsStay() {
        assertThat(text("root@OpenWrt:~# \u001b[6n").toString()).isEqualTo("root@OpenWrt:~# ");
        assertThat(text("\u001b[1;32mroot\u001b[0m:\u001b[01;34m~\u001b[00m# ").toString()).isEqualTo("root:~# ");
        assertThat(text("\u001b]0;root@host: ~\u0007host# ").toString()).isEqualTo("host# ");
        assertThat(text("\u001b]2;title\u001b\\a\u001b(Bb\u001b7c\u001b=d").toString()).isEqualTo("abcd");
        assertThat(text("bell\u0007 nul\u0000 tab\there\r\nnext\u007f").toString()).isEqualTo("bell nul tab\there\r\nnext");
        assertThat(text("cut \u001b[12").toString()).isEqualTo("cut ");
        assertThat(text("\u00c3\u00a4\u001b[K").toString()).isEqualTo("\u00c3\u00a4"); // UTF-8 bytes are text, whatever their value
    }

    @Test
    void offsets_mapBackToTheRawBytes() {
        TerminalText t = text("\u001b[1mab\u001b[0mc");
        assertThat(t.toString()).isEqualTo("abc");
        assertThat(t.offset(0)).isEqualTo(4);
        assertThat(t.offset(2)).isEqualTo(10);
        assertThat(t.endOffset(2)).isEqualTo(6);
        assertThat(t.endOffset(3)).isEqualTo(11);
        assertThat(t.indexAtOrAfter(5)).isEqualTo(1);
        assertThat(t.indexAtOrAfter(6)).isEqualTo(2);
    }

    @Test
    void aSequenceSplitAcrossChunks_isRemovedWhole_andTheTextKeepsItsCapacity() {
        TerminalText t = new TerminalText(16);
        byte[] a = "ok \u001b[1".getBytes(StandardCharsets.ISO_8859_1);
        byte[] b = ";32mgreen\u001b]0;ti".getBytes(StandardCharsets.ISO_8859_1);
        byte[] c = "tle\u0007 done".getBytes(StandardCharsets.ISO_8859_1);
        t.feed(a, 0, a.length, 0);
        t.feed(b, 0, b.length, a.length);
        t.feed(c, 0, c.length, a.length + b.length);
        assertThat(t.toString()).isEqualTo("ok green done");
        assertThat(t.offset(3)).isEqualTo(a.length + 4); // the g of green
        byte[] more = "0123456789abcdefXYZ".getBytes(StandardCharsets.ISO_8859_1);
        t.feed(more, 0, more.length, 1000);
        assertThat(t.toString()).isEqualTo("3456789abcdefXYZ");
        assertThat(t.offset(0)).isEqualTo(1003);
    }

    @Test
    void expectText_matchesAPromptFollowedByACursorQuery_whereRawMatchingCannot() {
        ConsoleBuffer buffer = new ConsoleBuffer(16 * 1024);
        Pattern prompt = Pattern.compile("[#$] $");
        CompletableFuture<ConsoleMatch> raw = buffer.expect(prompt, 0);
        CompletableFuture<ConsoleMatch> text = buffer.expectText(prompt, 0);
        byte[] line = "Please press Enter to activate this console.\r\nroot@OpenWrt:/# \u001b[6n".getBytes(StandardCharsets.ISO_8859_1);
        buffer.append(line);
        assertThat(raw).isNotDone();
        ConsoleMatch m = text.join();
        assertThat(m.text()).isEqualTo("# ");
        assertThat(m.end()).isEqualTo(line.length - 4); // just past "# ", before ESC [6n
        assertThat(m.start()).isEqualTo(line.length - 6);
    }

    @Test
    void expectText_fromAnOffset_seesNothingBeforeIt_andMatchesAcrossChunks() {
        ConsoleBuffer buffer = new ConsoleBuffer(16 * 1024);
        buffer.append("old# \r\n".getBytes(StandardCharsets.ISO_8859_1));
        CompletableFuture<ConsoleMatch> text = buffer.expectText(Pattern.compile("boot done"), buffer.offset());
        buffer.append("boot \u001b[3".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(text).isNotDone();
        buffer.append("1mdone\u001b[0m\r\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(text.join().text()).isEqualTo("boot done");
    }
}

package dev.netloom.nodes.console;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ConsoleHistoryTest {

    private static ConsoleHistory of(String text) {
        ConsoleHistory h = new ConsoleHistory(64);
        h.append(text.getBytes(StandardCharsets.UTF_8));
        return h;
    }

    @Test
    void lastLines_areWhatAPersonSaw_sequencesRemoved_redrawsOverwritten() {
        ConsoleHistory h = of("a:~# ls\r\nbin  etc\r\n\u001b[1ma:~# \u001b[6n\rb:~# x\bya");
        assertThat(h.lastLines(2)).containsExactly("bin  etc", "b:~# ya");
        assertThat(h.lastLines(10)).containsExactly("a:~# ls", "bin  etc", "b:~# ya");
        assertThat(h.lastLines(0)).isEmpty();
    }

    @Test
    void keepsTheTailOnly_andRemembersThatSomethingWasPrinted() {
        ConsoleHistory h = new ConsoleHistory(8);
        assertThat(h.isEmpty()).isTrue();
        h.append("line one\r\n".getBytes(StandardCharsets.UTF_8));
        h.append("two\r\n".getBytes(StandardCharsets.UTF_8));
        assertThat(h.isEmpty()).isFalse();
        assertThat(h.lastLines(5)).containsExactly("e", "two", "");
    }

    @Test
    void utf8_survives() {
        assertThat(of("grüße\r\n# ").lastLines(2)).containsExactly("grüße", "# ");
    }
}

package dev.netloom.cli;

import dev.netloom.nodes.image.ImageStore;
import dev.netloom.nodes.image.TinyImageBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ./netloom console} in a real terminal (tmux: send-keys types, capture-pane reads the screen)
 * on a real tiny node: what is typed is echoed, output appears, vi fills the pane's size, the size
 * follows a resize, Ctrl-C stops a program, a re-attach shows the history, a read-only viewer
 * watches; and execs through the API all the while return their exact output.
 */
@Tag("e2e")
class ConsoleTmuxE2ETest {

    private static final String LAB = "e2econs";
    private static Path file;
    private static Tmux tmux;

    @BeforeAll
    static void lab() throws Exception {
        new TinyImageBuilder(ImageStore.fromEnvironment(), System.err::println).build(false);
        file = Files.createTempFile("consoles", ".json");
        Files.writeString(file, "{ \"name\": \"" + LAB + "\", \"nodes\": [\"a\"] }");
        tmux = new Tmux("e2econs");
        CliRun up = CliRun.of("up", file.toString());
        assertThat(up.exitCode()).as(up.err()).isZero();
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (tmux != null) {
            tmux.close();
        }
        CliRun.down(LAB);
        Files.deleteIfExists(file);
    }

    @Test
    void aPersonsConsole_behavesLikeATerminal_whileExecsStayExact() throws Exception {
        Tmux.ExactExecs execs = new Tmux.ExactExecs(LAB, "a");
        try {
            tmux.attach("w1", LAB, "a", 100, 30);
            tmux.screen("w1", s -> s.contains("[netloom: you have the keyboard"));

            tmux.type("w1", "echo hel");
            tmux.screen("w1", s -> s.contains("echo hel")); // echoed as typed, before Enter
            tmux.line("w1", "lo-$((6*7))");
            tmux.screen("w1", s -> s.contains("\nhello-42"));

            // the guest terminal has the pane's size: stty says so, and vi draws its empty lines (~) on
            // every row but the file's first line and the status line (a 24-row guest would draw 22)
            tmux.line("w1", "stty size");
            tmux.screen("w1", s -> s.contains("\n30 100"));
            tmux.line("w1", "vi /tmp/notes");
            tmux.screen("w1", s -> tildes(s) == 30 - 2);

            // and follows the pane's resizes: vi redraws for 25 rows (the pane cut to 25 rows without a
            // redraw would show 24 ~ lines), and stty says so afterwards
            tmux.run("resize-window", "-t", "w1", "-x", "90", "-y", "25");
            tmux.screen("w1", s -> tildes(s) == 25 - 2);
            tmux.line("w1", ":q!");
            tmux.line("w1", "stty size");
            tmux.screen("w1", s -> s.contains("\n25 90"));

            // Ctrl-C reaches the foreground program (once it printed, it is the terminal's foreground job)
            tmux.line("w1", "sh -c 'echo go-$((5*5)); exec sleep 100'");
            tmux.screen("w1", s -> s.contains("\ngo-25"));
            tmux.keys("w1", "C-c");
            tmux.line("w1", "echo after-$((2+3))");
            tmux.screen("w1", s -> s.contains("\nafter-5"));

            // a second person watches read-only and is told who types
            tmux.attach("r1", LAB, "a", 80, 24, "--read-only");
            tmux.screen("r1", s -> s.contains("after-5") && s.contains("watching read-only; " + System.getProperty("user.name")));
            tmux.line("w1", "echo seen-$((3*3))");
            tmux.screen("r1", s -> s.contains("\nseen-9"));

            // Ctrl-] detaches; attaching again shows the last lines
            tmux.keys("w1", "C-]");
            tmux.screen("w1", s -> s.contains("detached from a"));
            tmux.attach("w2", LAB, "a", 100, 30, "--history", "5");
            tmux.screen("w2", s -> s.contains("seen-9") && s.contains("you have the keyboard"));
            assertThat(tmux.capture("w2")).doesNotContain("hello-42"); // beyond the 5 lines asked for
        } finally {
            execs.cancel();
        }
        assertThat(execs.stop()).isGreaterThan(3);
    }

    static long tildes(String screen) {
        return screen.lines().filter(l -> l.equals("~")).count();
    }
}

package dev.netloom.cli;

import dev.netloom.nodes.image.DebianImageBuilder;
import dev.netloom.nodes.image.ImageStore;
import dev.netloom.nodes.image.TinyImageBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The people's consoles of the other images netloom builds (docs/consoles.md): a Debian node (agetty
 * on ttyS1) and an openwrt-like node (BusyBox init's shell on ttyS1), each driven through
 * {@code ./netloom console} in tmux: typing is echoed, a command's output appears, the guest terminal
 * has the pane's size, Ctrl-C stops a program; API execs on the same node all the while return their
 * exact output. ConsoleTmuxE2ETest covers the rest (vi, resizes, watchers, history) on tiny.
 */
@Tag("e2e")
class GuestConsolesE2ETest {

    private static final String LAB = "e2eguestc";
    private static Path file;
    private static Tmux tmux;

    @BeforeAll
    static void lab() throws Exception {
        ImageStore store = ImageStore.fromEnvironment();
        new TinyImageBuilder(store, System.err::println).build(false);
        TinyImageBuilder.openWrtLike(store, line -> System.err.println("openwrt-like image: " + line)).build(false);
        new DebianImageBuilder(store, line -> System.err.println("debian image: " + line)).build("bookworm", false);
        file = Files.createTempFile("guest-consoles", ".json");
        Files.writeString(file, "{ \"name\": \"" + LAB + "\", \"nodes\": [ {\"name\": \"d\", \"image\": \"debian\"},"
                + " {\"name\": \"o\", \"image\": \"openwrt-like\"} ] }");
        tmux = new Tmux(LAB);
        long t0 = System.nanoTime();
        CliRun up = CliRun.of("up", file.toString());
        assertThat(up.exitCode()).as(up.err()).isZero();
        System.err.printf("guest consoles: lab up in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (tmux != null) {
            tmux.close();
        }
        CliRun.down(LAB);
        if (file != null) {
            Files.deleteIfExists(file);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"debian, d", "openwrt-like, o"})
    void thePeoplesConsole_echoes_runsCommands_takesCtrlC_whileExecsStayExact(String image, String node) throws Exception {
        Tmux.ExactExecs execs = new Tmux.ExactExecs(LAB, node);
        String w = "w" + node;
        try {
            tmux.attach(w, LAB, node, 100, 30);
            tmux.screen(w, s -> s.contains("[netloom: you have the keyboard"));
            assertThat(tmux.capture(w)).as("%s has a console of its own", image).doesNotContain("you share netloom's automation shell");

            tmux.type(w, "echo hel");
            tmux.screen(w, s -> s.contains("echo hel")); // echoed as typed, before Enter
            tmux.line(w, "lo-$((6*7))");
            tmux.screen(w, s -> s.contains("\nhello-42"));

            tmux.line(w, "stty size; tty");
            tmux.screen(w, s -> s.contains("\n30 100\n/dev/ttyS1"));

            tmux.line(w, "sh -c 'echo go-$((5*5)); exec sleep 100'");
            tmux.screen(w, s -> s.contains("\ngo-25"));
            tmux.keys(w, "C-c");
            tmux.line(w, "echo after-$((2+3))");
            tmux.screen(w, Duration.ofSeconds(30), s -> s.contains("\nafter-5"));

            tmux.keys(w, "C-]");
            tmux.screen(w, s -> s.contains("detached from " + node));
        } finally {
            execs.cancel();
        }
        assertThat(execs.stop()).as("API execs on %s while a person typed", node).isGreaterThan(0);
    }
}

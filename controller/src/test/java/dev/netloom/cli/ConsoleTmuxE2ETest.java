package dev.netloom.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.netloom.api.ApiClient;
import dev.netloom.lab.Cleanup;
import dev.netloom.nodes.Json;
import dev.netloom.nodes.host.Proc;
import dev.netloom.nodes.image.ImageStore;
import dev.netloom.nodes.image.TinyImageBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

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
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    private static final String TMUX_SOCKET = "nl-e2econs-" + ProcessHandle.current().pid();
    private static Path file;
    private static Path tmuxConf;

    @BeforeAll
    static void lab() throws Exception {
        new TinyImageBuilder(ImageStore.fromEnvironment(), System.err::println).build(false);
        file = Files.createTempFile("consoles", ".json");
        Files.writeString(file, "{ \"name\": \"" + LAB + "\", \"nodes\": [\"a\"] }");
        tmuxConf = Files.createTempFile("consoles", ".tmux.conf");
        // the pane stays after netloom console ends, so the test reads its last words
        Files.writeString(tmuxConf, "set -g remain-on-exit on\nset -g status off\n");
        CliRun up = CliRun.of("up", file.toString());
        assertThat(up.exitCode()).as(up.err()).isZero();
    }

    @AfterAll
    static void cleanUp() throws Exception {
        tmux("kill-server");
        Cleanup.labs().stream().filter(l -> l.name().equals(LAB)).forEach(l -> {
            CliRun.of("down", LAB);
            Cleanup.labs().stream().filter(x -> x.name().equals(LAB)).forEach(x -> Cleanup.clean(x, System.err::println));
        });
        Files.deleteIfExists(file);
        Files.deleteIfExists(tmuxConf);
    }

    @Test
    void aPersonsConsole_behavesLikeATerminal_whileExecsStayExact() throws Exception {
        AtomicBoolean typing = new AtomicBoolean(true);
        CompletableFuture<Integer> execs = CompletableFuture.supplyAsync(() -> execsUntil(typing));
        try {
            attach("w1", 100, 30);
            screen("w1", s -> s.contains("[netloom: you have the keyboard"));

            type("w1", "echo hel");
            screen("w1", s -> s.contains("echo hel")); // echoed as typed, before Enter
            type("w1", "lo-$((6*7))");
            keys("w1", "Enter");
            screen("w1", s -> s.contains("\nhello-42"));

            // the guest terminal has the pane's size: stty says so, and vi draws its empty lines (~) on
            // every row but the file's first line and the status line (a 24-row guest would draw 22)
            type("w1", "stty size");
            keys("w1", "Enter");
            screen("w1", s -> s.contains("\n30 100"));
            type("w1", "vi /tmp/notes");
            keys("w1", "Enter");
            screen("w1", s -> tildes(s) == 30 - 2);

            // and follows the pane's resizes: vi redraws for 25 rows (the pane cut to 25 rows without a
            // redraw would show 24 ~ lines), and stty says so afterwards
            tmux("resize-window", "-t", "w1", "-x", "90", "-y", "25");
            screen("w1", s -> tildes(s) == 25 - 2);
            type("w1", ":q!");
            keys("w1", "Enter");
            type("w1", "stty size");
            keys("w1", "Enter");
            screen("w1", s -> s.contains("\n25 90"));

            // Ctrl-C reaches the foreground program (once it printed, it is the terminal's foreground job)
            type("w1", "sh -c 'echo go-$((5*5)); exec sleep 100'");
            keys("w1", "Enter");
            screen("w1", s -> s.contains("\ngo-25"));
            keys("w1", "C-c");
            type("w1", "echo after-$((2+3))");
            keys("w1", "Enter");
            screen("w1", s -> s.contains("\nafter-5"));

            // a second person watches read-only and is told who types
            attach("r1", 80, 24, "--read-only");
            screen("r1", s -> s.contains("after-5") && s.contains("watching read-only; " + System.getProperty("user.name")));
            type("w1", "echo seen-$((3*3))");
            keys("w1", "Enter");
            screen("r1", s -> s.contains("\nseen-9"));

            // Ctrl-] detaches; attaching again shows the last lines
            keys("w1", "C-]");
            screen("w1", s -> s.contains("detached from a"));
            attach("w2", 100, 30, "--history", "5");
            screen("w2", s -> s.contains("seen-9") && s.contains("you have the keyboard"));
            assertThat(capture("w2")).doesNotContain("hello-42"); // beyond the 5 lines asked for
        } finally {
            typing.set(false);
        }
        assertThat(execs.get()).isGreaterThan(3);
    }

    /** Execs through the API until told to stop, each with its exact answer; returns how many ran. */
    private static int execsUntil(AtomicBoolean go) {
        int n = 0;
        try (ApiClient api = LabApi.connect(LAB)) {
            while (go.get()) {
                n++;
                JsonNode r = api.call("node.exec", Json.MAPPER.createObjectNode().put("node", "a")
                        .put("command", "echo exec-" + n + "; printf 'line two\\n'"), Duration.ofSeconds(60));
                assertThat(r.path("exitCode").asInt()).isZero();
                assertThat(r.path("output").asText()).isEqualTo("exec-" + n + "\nline two\n");
            }
        }
        return n;
    }

    private static long tildes(String screen) {
        return screen.lines().filter(l -> l.equals("~")).count();
    }

    private static void attach(String session, int cols, int rows, String... options) {
        List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("netloom").toString(), "console", "--lab", LAB, "a"));
        cmd.addAll(List.of(options));
        List<String> args = new ArrayList<>(List.of("-f", tmuxConf.toString(), "new-session", "-d", "-s", session,
                "-x", String.valueOf(cols), "-y", String.valueOf(rows)));
        args.addAll(cmd);
        tmux(args.toArray(String[]::new));
    }

    private static void type(String session, String text) {
        tmux("send-keys", "-t", session, "-l", text);
    }

    private static void keys(String session, String key) {
        tmux("send-keys", "-t", session, key);
    }

    private static String capture(String session) {
        return tmux("capture-pane", "-p", "-t", session);
    }

    /** Waits until the pane's text satisfies {@code condition} (a person reading the screen: polled), at most 60 s. */
    private static void screen(String session, Predicate<String> condition) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String text = capture(session);
        while (!condition.test(text)) {
            if (System.nanoTime() > end) {
                throw new AssertionError("the screen of " + session + " never showed what was expected; it shows:\n" + text);
            }
            Thread.sleep(100); // a screen is read by looking again, as a person would
            text = capture(session);
        }
    }

    private static String tmux(String... args) {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-L", TMUX_SOCKET));
        cmd.addAll(List.of(args));
        Proc.Result r = Proc.run(cmd, Duration.ofSeconds(10));
        if (!args[0].equals("kill-server")) {
            assertThat(r.exitCode()).as("tmux %s: %s", String.join(" ", args), r.stderr()).isZero();
        }
        return r.stdout();
    }
}

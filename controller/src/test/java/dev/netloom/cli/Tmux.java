package dev.netloom.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.netloom.api.ApiClient;
import dev.netloom.nodes.Json;
import dev.netloom.nodes.host.Proc;

import java.io.IOException;
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
 * A tmux server of a test's own, to drive {@code ./netloom console} in a real terminal as a person
 * would: a session per attached person (send-keys types, capture-pane reads the screen). The pane
 * stays after the command ends, so a test reads its last words. Closing kills the server.
 */
final class Tmux implements AutoCloseable {

    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

    private final String socket;
    private final Path conf;

    Tmux(String name) throws IOException {
        socket = "nl-" + name + "-" + ProcessHandle.current().pid();
        conf = Files.createTempFile(name, ".tmux.conf");
        Files.writeString(conf, "set -g remain-on-exit on\nset -g status off\n");
    }

    /** A new session {@code session} of {@code cols} x {@code rows} running {@code ./netloom console --lab LAB NODE OPTIONS}. */
    void attach(String session, String lab, String node, int cols, int rows, String... options) {
        List<String> args = new ArrayList<>(List.of("-f", conf.toString(), "new-session", "-d", "-s", session,
                "-x", String.valueOf(cols), "-y", String.valueOf(rows), ROOT.resolve("netloom").toString(), "console", "--lab", lab, node));
        args.addAll(List.of(options));
        run(args.toArray(String[]::new));
    }

    /** Types {@code text} literally. */
    void type(String session, String text) {
        run("send-keys", "-t", session, "-l", text);
    }

    /** Presses a key by tmux's name for it (Enter, C-c, C-]). */
    void keys(String session, String key) {
        run("send-keys", "-t", session, key);
    }

    /** Types a line and presses Enter. */
    void line(String session, String text) {
        type(session, text);
        keys(session, "Enter");
    }

    String capture(String session) {
        return run("capture-pane", "-p", "-t", session);
    }

    /** Waits until the pane's text satisfies {@code condition} (a person reading the screen: polled), at most {@code limit}. */
    void screen(String session, Duration limit, Predicate<String> condition) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        String text = capture(session);
        while (!condition.test(text)) {
            if (System.nanoTime() > end) {
                throw new AssertionError("the screen of " + session + " never showed what was expected; it shows:\n" + text);
            }
            Thread.sleep(100); // a screen is read by looking again, as a person would
            text = capture(session);
        }
    }

    /** {@link #screen(String, Duration, Predicate)} within 60 s. */
    void screen(String session, Predicate<String> condition) throws InterruptedException {
        screen(session, Duration.ofSeconds(60), condition);
    }

    String run(String... args) {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-L", socket));
        cmd.addAll(List.of(args));
        Proc.Result r = Proc.run(cmd, Duration.ofSeconds(10));
        if (!args[0].equals("kill-server")) {
            assertThat(r.exitCode()).as("tmux %s: %s", String.join(" ", args), r.stderr()).isZero();
        }
        return r.stdout();
    }

    @Override
    public void close() throws IOException {
        run("kill-server");
        Files.deleteIfExists(conf);
    }

    /**
     * Execs through {@code lab}'s API on {@code node}, one after another in the background until
     * {@link #stop}, each asserted to return its exact output: what a person does on the console must
     * never reach them.
     */
    static final class ExactExecs {

        private final AtomicBoolean go = new AtomicBoolean(true);
        private final CompletableFuture<Integer> count;

        ExactExecs(String lab, String node) {
            count = CompletableFuture.supplyAsync(() -> {
                int n = 0;
                try (ApiClient api = LabApi.connect(lab)) {
                    while (go.get()) {
                        n++;
                        JsonNode r = api.call("node.exec", Json.MAPPER.createObjectNode().put("node", node)
                                .put("command", "echo exec-" + n + "; printf 'line two\\n'"), Duration.ofSeconds(60));
                        assertThat(r.path("exitCode").asInt()).isZero();
                        assertThat(r.path("output").asText()).isEqualTo("exec-" + n + "\nline two\n");
                    }
                }
                return n;
            });
        }

        /** Stops after the exec under way; how many ran, all exact (or the first mismatch's error). */
        int stop() throws Exception {
            go.set(false);
            return count.get();
        }

        /** Stops without looking at the outcome (for finally blocks). */
        void cancel() {
            go.set(false);
        }
    }
}

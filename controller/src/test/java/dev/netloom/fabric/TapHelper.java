package dev.netloom.fabric;

import dev.netloom.nodes.host.Proc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Drives {@code tapio.pl} (test resources) in a lab's namespace: it holds the given taps open as QEMU
 * would (so they have a carrier), writes frames to them, and reports what each tap delivers and what
 * packet sockets on devices capture. Pinned to one CPU, so that the frames it writes are processed in
 * the order it writes them: once a frame written last has arrived, every frame written before it has
 * been delivered wherever it was going to be.
 */
final class TapHelper implements AutoCloseable {

    /** One line of the helper's output: "recv I HEX", "cap I in|out HEX", "error I MESSAGE", "pong ID", or anything else it printed. */
    record Event(String kind, int arg, String detail, String hex) {

        static Event parse(String line) {
            String[] w = line.split(" ");
            return switch (w[0]) {
                case "recv" -> new Event("recv", Integer.parseInt(w[1]), "", w[2]);
                case "cap" -> new Event("cap", Integer.parseInt(w[1]), w[2], w[3]);
                case "error" -> new Event("error", Integer.parseInt(w[1]), line.substring(line.indexOf(' ', 6) + 1), "");
                case "pong" -> new Event("pong", -1, w[1], "");
                default -> new Event("other", -1, line, "");
            };
        }
    }

    private final Process process;
    private final OutputStream stdin;
    private final List<Event> events = new ArrayList<>();
    private final Thread reader;

    private TapHelper(Process process) {
        this.process = process;
        this.stdin = process.getOutputStream();
        this.reader = new Thread(() -> read(process.getInputStream()), "tapio");
        reader.setDaemon(true);
    }

    /**
     * Starts the helper in {@code namespace} on {@code args} ("tap:DEV" or "cap:DEV"; event argument
     * numbers are positions in this list) and waits until it has them all open.
     */
    static TapHelper start(String namespace, List<String> args, Path dir, Duration budget) throws IOException {
        Path script = dir.resolve("tapio.pl");
        try (InputStream in = TapHelper.class.getResourceAsStream("/fabric/tapio.pl")) {
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace, "taskset", "-c", "0", "perl", script.toString()));
        command.addAll(args);
        TapHelper helper = new TapHelper(Proc.start(command, ProcessBuilder.Redirect.PIPE, ProcessBuilder.Redirect.PIPE));
        helper.reader.start();
        try {
            helper.await(e -> e.stream().anyMatch(x -> x.kind().equals("other") && x.detail().equals("ready")), budget, "the helper opening its taps");
        } catch (RuntimeException e) {
            helper.close();
            throw e;
        }
        return helper;
    }

    private void read(InputStream out) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(out, StandardCharsets.US_ASCII))) {
            String line;
            while ((line = r.readLine()) != null) {
                Event e = Event.parse(line);
                synchronized (events) {
                    events.add(e);
                    events.notifyAll();
                }
            }
        } catch (IOException e) {
            // the helper ended
        }
    }

    /** Writes frame {@code hex} to the tap that is argument {@code arg}. */
    void send(int arg, String hex) {
        write("send " + arg + " " + hex + "\n");
    }

    /** Sends what was buffered. */
    void flush() {
        try {
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void write(String line) {
        try {
            stdin.write(line.getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException("the helper stopped reading: " + lastLines(), e);
        }
    }

    /** Every event so far. */
    List<Event> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /** Forgets the events so far. */
    void clear() {
        synchronized (events) {
            events.clear();
        }
    }

    /** Waits until {@code done} holds for the events so far; fails after {@code budget} naming {@code what}. */
    void await(Predicate<List<Event>> done, Duration budget, String what) {
        await(e -> done.test(e) ? null : what, budget);
    }

    /**
     * Waits until {@code missing} says nothing is missing (null) from the events so far; fails after
     * {@code budget} with what it says is still missing.
     */
    void await(Function<List<Event>, String> missing, Duration budget) {
        flush();
        long end = System.nanoTime() + budget.toNanos();
        synchronized (events) {
            String still;
            while ((still = missing.apply(events)) != null) {
                long left = end - System.nanoTime();
                if (left <= 0 || !process.isAlive() && !reader.isAlive()) {
                    throw new AssertionError("gave up waiting for " + still + "; helper " + (process.isAlive() ? "running" : "exited")
                            + ", last lines: " + lastLines());
                }
                try {
                    events.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted", e);
                }
            }
        }
    }

    private String lastLines() {
        List<Event> all = events();
        return all.subList(Math.max(0, all.size() - 5), all.size()).toString();
    }

    /** Ends the helper (its stdin closed, then its own process handle), so that its taps are closed. */
    @Override
    public void close() {
        try {
            stdin.write("end\n".getBytes(StandardCharsets.US_ASCII));
            stdin.close();
        } catch (IOException e) {
            // it has already gone
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}

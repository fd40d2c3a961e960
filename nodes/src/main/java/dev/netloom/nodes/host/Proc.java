package dev.netloom.nodes.host;

import dev.netloom.nodes.Install;
import dev.netloom.nodes.NetloomException;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a host program from an argument list (never through a shell): {@link #run} waits for it and
 * collects its output, {@link #start} hands back a long-running one. Every host program netloom uses
 * (ip, tc, qemu-img, apt-get, QEMU itself) goes through here; nothing else builds a ProcessBuilder.
 */
public final class Proc {

    /** Standard input from /dev/null: for programs that must never wait for input. */
    public static final ProcessBuilder.Redirect NO_INPUT = ProcessBuilder.Redirect.from(new File("/dev/null"));

    private Proc() {
    }

    /** What a finished program left behind. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {

        public boolean ok() {
            return exitCode == 0;
        }

        /** Throws with the command and the last line of its error output unless it exited 0. */
        public Result orThrow() {
            if (!ok()) {
                throw new NetloomException(String.join(" ", command) + " failed (exit " + exitCode + "): "
                        + lastLine(stderr.isBlank() ? stdout : stderr));
            }
            return this;
        }
    }

    public static Result run(List<String> command) {
        return run(command, null, null, Duration.ofMinutes(10));
    }

    public static Result run(List<String> command, Duration timeout) {
        return run(command, null, null, timeout);
    }

    /**
     * Runs {@code command} in {@code dir} (or the current directory), with {@code stdin} fed to it (or
     * nothing), and waits at most {@code timeout}; a program that outlives it is killed.
     */
    public static Result run(List<String> command, Path dir, byte[] stdin, Duration timeout) {
        ProcessBuilder pb = new ProcessBuilder(located(command));
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        Map<String, String> env = pb.environment();
        env.put("LC_ALL", "C");
        env.put("PATH", searchPath());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new NetloomException("cannot run " + command.get(0) + ": " + e.getMessage()
                    + " (is it installed? `" + Install.cli() + " doctor` checks the host)", e);
        }
        CompletableFuture<byte[]> out = drain(p.getInputStream());
        CompletableFuture<byte[]> err = drain(p.getErrorStream());
        try (var in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin);
            }
        } catch (IOException e) {
            // the program may exit without reading its input; its exit code tells
        }
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor();
                throw new NetloomException(String.join(" ", command) + " did not finish within " + timeout.toSeconds() + " s");
            }
            return new Result(List.copyOf(command), p.exitValue(),
                    new String(out.join(), StandardCharsets.UTF_8), new String(err.join(), StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new NetloomException("interrupted while running " + command.get(0), e);
        }
    }

    /**
     * Starts {@code command} and returns its process without waiting: for programs that run on their
     * own (QEMU, a lab controller, a monitor). Its standard input comes from {@code stdin}; its standard
     * output and error go together to {@code stdout}. The environment is passed on as it is (unlike
     * {@link #run}, which sets LC_ALL=C to parse the output). The caller owns the process: it reads
     * piped output, and stops the process.
     */
    public static Process start(List<String> command, ProcessBuilder.Redirect stdin, ProcessBuilder.Redirect stdout) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(located(command))
                .redirectInput(stdin)
                .redirectOutput(stdout)
                .redirectErrorStream(true);
        pb.environment().put("PATH", searchPath());
        return pb.start();
    }

    /**
     * Starts {@code command} with no input and its standard output and error as two pipes, for a
     * program whose output is data and whose error output says how it is doing (a capture). The
     * caller owns the process: it reads both pipes, and stops it.
     */
    public static Process startPiped(List<String> command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(located(command)).redirectInput(NO_INPUT);
        pb.environment().put("PATH", searchPath());
        return pb.start();
    }

    /**
     * Where programs are looked up: the PATH, then /usr/sbin and /sbin, which an ordinary user's PATH
     * lacks on Debian although tc and modprobe live there. Children get it as their PATH, so that a
     * program they start by name (nsenter starting tc, ip netns exec starting QEMU) is found the same way.
     */
    public static String searchPath() {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        StringBuilder b = new StringBuilder(path);
        for (String dir : List.of("/usr/sbin", "/sbin")) {
            if (!List.of(path.split(":")).contains(dir)) {
                b.append(':').append(dir);
            }
        }
        return b.toString();
    }

    /** True when {@code program} is found on the {@link #searchPath} (or is an existing absolute path). */
    public static boolean onPath(String program) {
        return locate(program) != null;
    }

    /** Where {@code program} is: itself when it names a path, else the first match on the {@link #searchPath}; null when nowhere. */
    static String locate(String program) {
        if (program.contains("/")) {
            return Path.of(program).toFile().canExecute() ? program : null;
        }
        for (String dir : searchPath().split(":")) {
            if (!dir.isEmpty() && Path.of(dir, program).toFile().canExecute()) {
                return Path.of(dir, program).toString();
            }
        }
        return null;
    }

    /**
     * The command with its program found on the {@link #searchPath}: Java looks a program up on its own
     * PATH only, so tc would not be found for an ordinary user. A program found nowhere stays as it is
     * (the start then fails with "cannot run").
     */
    private static List<String> located(List<String> command) {
        String found = command.isEmpty() ? null : locate(command.get(0));
        if (found == null || found.equals(command.get(0))) {
            return command;
        }
        List<String> c = new java.util.ArrayList<>(command);
        c.set(0, found);
        return c;
    }

    public static String lastLine(String text) {
        String t = text.strip();
        int i = t.lastIndexOf('\n');
        return i < 0 ? t : t.substring(i + 1).strip();
    }

    private static CompletableFuture<byte[]> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                in.transferTo(buf);
                return buf.toByteArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, r -> {
            Thread t = new Thread(r, "proc-drain");
            t.setDaemon(true);
            t.start();
        });
    }
}

package dev.netloom.nodes.host;

import dev.netloom.nodes.NetloomException;

import java.io.ByteArrayOutputStream;
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
 * Runs a host program from an argument list (never through a shell) and collects its output.
 * Every host tool netloom uses (ip, tc, qemu-img, apt-get, dpkg-deb) goes through here.
 */
public final class Proc {

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
        ProcessBuilder pb = new ProcessBuilder(command);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        Map<String, String> env = pb.environment();
        env.put("LC_ALL", "C");
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new NetloomException("cannot run " + command.get(0) + ": " + e.getMessage()
                    + " (is it installed? `./netloom doctor` checks the host)", e);
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

    /** True when {@code program} is found on the PATH (or is an existing absolute path). */
    public static boolean onPath(String program) {
        if (program.contains("/")) {
            return Path.of(program).toFile().canExecute();
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : (path + ":/usr/sbin:/sbin").split(":")) {
            if (!dir.isEmpty() && Path.of(dir, program).toFile().canExecute()) {
                return true;
            }
        }
        return false;
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

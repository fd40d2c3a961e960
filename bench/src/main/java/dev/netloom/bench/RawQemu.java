package dev.netloom.bench;

import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.host.Proc;
import dev.netloom.nodes.image.ImageManifest;
import dev.netloom.nodes.qemu.Accel;
import dev.netloom.nodes.qemu.Arch;
import dev.netloom.nodes.qemu.QemuCommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * A QEMU process started without netloom: the baseline the benchmarks compare nodes with. It boots the
 * same kernel, initrd, kernel arguments, memory and acceleration as a node, and a reader thread waits
 * for one line of its output. It is killed through its own Process handle, never by name.
 */
final class RawQemu implements AutoCloseable {

    /** QEMU prints this on stderr once a {@code wait=on} socket chardev listens. */
    private static final Pattern LISTENING = Pattern.compile("QEMU waiting for connection on");

    /** What to boot; {@link #commandLine} is a node's command line minus QMP, pidfile and NICs. */
    record Boot(Path kernel, Path initrd, String kernelArgs, int memoryMiB, Accel accel, Arch arch) {

        static Boot of(ImageManifest image, Path imageDir, Accel accel) {
            return new Boot(imageDir.resolve(image.kernel()), imageDir.resolve(image.initrd()),
                    image.kernelArgs() == null ? "" : image.kernelArgs().strip(), image.memoryMiB(), accel, image.arch());
        }

        Boot withInitrd(Path other) {
            return new Boot(kernel, other, kernelArgs, memoryMiB, accel, arch);
        }

        List<String> commandLine(String hostname, List<String> console) {
            List<String> args = new ArrayList<>(List.of(arch.qemu()));
            args.addAll(QemuCommandLine.machine(arch, accel, memoryMiB));
            args.addAll(List.of("-smp", "1", "-m", memoryMiB + "M", "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
                    "-kernel", kernel.toString(), "-initrd", initrd.toString(),
                    "-append", (kernelArgs + " netloom.hostname=" + hostname).strip()));
            args.addAll(console);
            return args;
        }
    }

    private final Process process;
    private final long startNanos;
    private final LineScanner scanner;
    private final CompletableFuture<Long> seen = new CompletableFuture<>();

    private RawQemu(List<String> command, Pattern line) {
        this.scanner = new LineScanner(line);
        long t0 = System.nanoTime();
        try {
            this.process = Proc.start(command, ProcessBuilder.Redirect.PIPE, ProcessBuilder.Redirect.PIPE);
        } catch (IOException e) {
            throw new NetloomException("cannot start " + command.get(0) + ": " + e.getMessage(), e);
        }
        this.startNanos = t0;
        Thread reader = new Thread(this::read, "raw-qemu-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /** Boots with the serial console on QEMU's stdout; {@link #awaitLine} waits for {@code marker}. */
    static RawQemu piped(Boot boot, String hostname, Pattern marker) {
        return new RawQemu(boot.commandLine(hostname, List.of("-serial", "stdio")), marker);
    }

    /**
     * Boots with the serial console on a Unix socket that QEMU listens on and waits for, so no output
     * is lost; returns once QEMU listens, before the guest runs.
     */
    static RawQemu listening(Boot boot, String hostname, Path socket, Duration budget) {
        RawQemu q = new RawQemu(boot.commandLine(hostname, List.of(
                "-chardev", "socket,id=console,path=" + socket + ",server=on,wait=on", "-serial", "chardev:console")), LISTENING);
        try {
            q.awaitLine(budget);
            return q;
        } catch (RuntimeException e) {
            q.close();
            throw e;
        }
    }

    /** Completes with the System.nanoTime at which the awaited line was read. */
    CompletableFuture<Long> line() {
        return seen;
    }

    long pid() {
        return process.pid();
    }

    long startNanos() {
        return startNanos;
    }

    /** Blocks until the awaited line; returns the nanoseconds from process start to it. */
    long awaitLine(Duration budget) {
        try {
            return seen.get(budget.toMillis(), TimeUnit.MILLISECONDS) - startNanos;
        } catch (TimeoutException e) {
            throw new NetloomException("raw QEMU (pid " + process.pid() + ") printed no line matching '" + scanner.pattern()
                    + "' within " + budget.toSeconds() + " s; last output:\n" + scanner.lastLines());
        } catch (ExecutionException e) {
            throw new NetloomException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NetloomException("interrupted while waiting for raw QEMU", e);
        }
    }

    /** Reads QEMU's output until the awaited line, then drains it so QEMU never blocks on a full pipe. */
    private void read() {
        byte[] buf = new byte[8192];
        try (InputStream in = process.getInputStream()) {
            int n;
            while ((n = in.read(buf)) > 0) {
                if (!seen.isDone() && scanner.feed(buf, 0, n) >= 0) {
                    seen.complete(System.nanoTime());
                }
            }
        } catch (IOException e) {
            // the process is gone; the check below says what that means
        }
        if (!seen.isDone()) {
            seen.completeExceptionally(new NetloomException("raw QEMU (pid " + process.pid() + ") exited"
                    + (process.isAlive() ? "" : " with code " + exitCode()) + " before the awaited line; last output:\n" + scanner.lastLines()));
        }
    }

    private int exitCode() {
        try {
            return process.waitFor(2, TimeUnit.SECONDS) ? process.exitValue() : -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Kills the process and waits for it; idempotent. */
    @Override
    public void close() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new NetloomException("raw QEMU pid " + process.pid() + " did not die within 10 s of SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

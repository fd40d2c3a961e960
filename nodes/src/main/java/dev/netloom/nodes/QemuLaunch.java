package dev.netloom.nodes;

import dev.netloom.nodes.host.Proc;
import dev.netloom.nodes.image.ImageKinds;
import dev.netloom.nodes.qemu.QemuCommandLine;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Starts one QEMU process for a node: prepares the run directory (0700; the log 0600, the overlay, what
 * the image's kind adds per launch, such as a cloud image's seed), writes the full command line as the log's first line, and launches QEMU with
 * its output appended to the log. Split from {@link QemuNode}, which owns the lifecycle around it.
 */
final class QemuLaunch {

    private QemuLaunch() {
    }

    /** A launched QEMU and when it started (System.nanoTime), after the overlay and seed were made. */
    record Started(Process process, long startNanos) {
    }

    /**
     * Launches QEMU for {@code spec} in the run directory {@code paths} and reports its pid to
     * {@code launched} before anything else; when that throws, the process is killed (it was not
     * recorded, so it must not run on) and the exception passes on.
     */
    static Started start(NodeSpec spec, NodePaths paths, StartMode mode, LongConsumer launched) throws IOException {
        Started started = start(spec, paths, mode);
        try {
            launched.accept(started.process().pid());
        } catch (RuntimeException e) {
            StopSequence.kill(started.process());
            throw e;
        }
        return started;
    }

    /** Launches QEMU for {@code spec} in the run directory {@code paths}; the process runs on its own. */
    static Started start(NodeSpec spec, NodePaths paths) throws IOException {
        return start(spec, paths, StartMode.BOOT);
    }

    /** Launches QEMU for {@code spec} in the run directory {@code paths}, started as {@code mode} says. */
    static Started start(NodeSpec spec, NodePaths paths, StartMode mode) throws IOException {
        RunDirs.createPrivate(paths.dir());
        for (Path p : List.of(paths.consoleSocket(), paths.qmpSocket(), paths.pidfile())) {
            Files.deleteIfExists(p);
        }
        if (spec.image().disk() != null && !Files.exists(paths.overlay())) {
            createOverlay(spec, paths);
        }
        List<String> command = command(ImageKinds.forBoot(spec.image().kind()).prepareLaunch(spec, paths), paths, mode);
        try (OutputStream log = RunDirs.appendPrivate(paths.qemuLog())) {
            log.write((String.join(" ", command) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        long startNanos = System.nanoTime();
        Process process = Proc.start(command, Proc.NO_INPUT, ProcessBuilder.Redirect.appendTo(paths.qemuLog().toFile()));
        return new Started(process, startNanos);
    }

    /** QEMU's argument list, entering the spec's namespace when it names one ({@code Netns#exec}). */
    static List<String> command(NodeSpec spec, NodePaths paths) {
        return command(spec, paths, StartMode.BOOT);
    }

    /** QEMU's argument list for a node started as {@code mode}; pure. */
    static List<String> command(NodeSpec spec, NodePaths paths, StartMode mode) {
        List<String> qemu = QemuCommandLine.build(spec, paths, mode.ram());
        return spec.netns() == null ? qemu : spec.netns().exec(qemu);
    }

    private static void createOverlay(NodeSpec spec, NodePaths paths) {
        Path base = spec.imageDir().resolve(spec.image().disk()).toAbsolutePath();
        String format = spec.image().diskFormat() == null ? "qcow2" : spec.image().diskFormat();
        Proc.run(List.of("qemu-img", "create", "-q", "-f", "qcow2", "-b", base.toString(), "-F", format, paths.overlay().toString()),
                Duration.ofMinutes(1)).orThrow();
    }
}

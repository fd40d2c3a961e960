package dev.netloom.bench;

import dev.netloom.nodes.NodeSpec;
import dev.netloom.nodes.image.ImageManifest;
import dev.netloom.nodes.qemu.Accel;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * What every benchmark gets: the run's mode, the tiny image, the acceleration, a scratch directory and
 * a progress line printer. It also tracks the QEMU processes and nodes that are running, so that an
 * interrupted run can stop them through their own handles.
 */
final class BenchContext {

    /** The longest a single boot or boot round may take before the benchmark fails. */
    static final Duration BOOT_BUDGET = Duration.ofSeconds(120);

    private final boolean quick;
    private final ImageManifest tiny;
    private final Path tinyDir;
    private final Accel accel;
    private final Path scratch;
    private final Consumer<String> progress;
    private final Set<AutoCloseable> running = ConcurrentHashMap.newKeySet();

    BenchContext(boolean quick, ImageManifest tiny, Path tinyDir, Accel accel, Path scratch, Consumer<String> progress) {
        this.quick = quick;
        this.tiny = tiny;
        this.tinyDir = tinyDir;
        this.accel = accel;
        this.scratch = scratch;
        this.progress = progress;
    }

    boolean quick() {
        return quick;
    }

    ImageManifest tiny() {
        return tiny;
    }

    Path tinyDir() {
        return tinyDir;
    }

    Accel accel() {
        return accel;
    }

    /** A directory of the run, removed when the run ends; short, because Unix socket paths are. */
    Path scratch() {
        return scratch;
    }

    void say(String line) {
        progress.accept(line);
    }

    /** A netloom node spec for the tiny image. */
    NodeSpec tinySpec(String name) {
        return NodeSpec.of(name, tiny, tinyDir, accel);
    }

    /** The raw-QEMU equivalent of {@link #tinySpec}. */
    RawQemu.Boot tinyBoot() {
        return RawQemu.Boot.of(tiny, tinyDir, accel);
    }

    Pattern tinyMarker() {
        return Pattern.compile(tiny.bootPattern());
    }

    /** Registers something running (a node, a raw QEMU) until {@link #stopped}. */
    <T extends AutoCloseable> T running(T thing) {
        running.add(thing);
        return thing;
    }

    /** Closes {@code thing} and forgets it. */
    void stopped(AutoCloseable thing) throws Exception {
        try {
            thing.close();
        } finally {
            running.remove(thing);
        }
    }

    /** Closes whatever is still running (on an interrupted run). */
    void stopAll() {
        for (AutoCloseable thing : Set.copyOf(running)) {
            try {
                stopped(thing);
            } catch (Exception e) {
                progress.accept("could not stop " + thing + ": " + e.getMessage());
            }
        }
    }
}

package dev.netloom.cli;

import dev.netloom.api.ApiServer;
import dev.netloom.lab.Lab;
import dev.netloom.nodes.QemuNode;
import dev.netloom.nodes.image.ImageStore;
import dev.netloom.nodes.image.TinyImageBuilder;
import dev.netloom.nodes.qemu.Accel;
import dev.netloom.nodes.qemu.AccelProbe;
import dev.netloom.scenario.Scenario;
import dev.netloom.scenario.ScenarioLoader;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.function.Consumer;

/** What every lab-running command does the same way: load the scenario, resolve acceleration, serve the API. */
final class Scenarios {

    private Scenarios() {
    }

    /** The acceleration to use: as asked, or probed with the tiny image (TCG when there is none to probe with). */
    static Accel accel(Accel requested, ImageStore store) {
        Path tiny = store.find(TinyImageBuilder.NAME).isPresent() ? store.dir(TinyImageBuilder.NAME) : null;
        return AccelProbe.forHost().resolve(requested, tiny).accel();
    }

    /** Serves the lab's socket API in its run directory (and on loopback TCP with a token when {@code tcp} is set). */
    static ApiServer serve(Lab lab, InetSocketAddress tcp, Runnable onDown) {
        return ApiServer.start(lab, lab.paths().dir().resolve("api.sock"), QemuNode.sharedLoops(), tcp,
                tcp == null ? null : lab.paths().dir().resolve("api.token"), onDown);
    }

    /**
     * A lab brought up with its teardown armed first: SIGTERM or SIGINT at any moment, also before
     * the lab is READY, runs {@link Lab#down()}, which removes whatever the bring-up had created.
     */
    record Armed(Lab lab, Thread hook) implements AutoCloseable {

        static Armed up(Scenario scenario, Accel accel, ImageStore store, Consumer<Lab.Event> listener, Runnable afterDown) {
            Lab lab = Lab.create(scenario, accel, store, listener);
            Thread hook = new Thread(() -> {
                lab.down();
                afterDown.run();
            }, "netloom-down");
            Runtime.getRuntime().addShutdownHook(hook);
            Armed armed = new Armed(lab, hook);
            try {
                lab.up();
            } catch (RuntimeException e) {
                armed.close();
                throw e;
            }
            return armed;
        }

        /** Takes the lab down (if it is not already) and disarms the signal handler. */
        @Override
        public void close() {
            lab.down();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down (a signal): the hook runs down() anyway
            }
        }
    }

    static Scenario load(Path file) {
        ImageStore store = ImageStore.fromEnvironment();
        return new ScenarioLoader(name -> store.find(name).isPresent()).load(file);
    }
}

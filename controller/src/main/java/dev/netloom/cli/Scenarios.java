package dev.netloom.cli;

import dev.netloom.nodes.image.ImageStore;
import dev.netloom.nodes.image.TinyImageBuilder;
import dev.netloom.nodes.qemu.Accel;
import dev.netloom.nodes.qemu.AccelProbe;
import dev.netloom.scenario.Scenario;
import dev.netloom.scenario.ScenarioLoader;

import java.nio.file.Path;

/** What every lab-running command does the same way: load the scenario, resolve acceleration, serve the API. */
final class Scenarios {

    private Scenarios() {
    }

    /** The acceleration to use: as asked, or probed with the tiny image (TCG when there is none to probe with). */
    static Accel accel(Accel requested, ImageStore store) {
        Path tiny = store.find(TinyImageBuilder.NAME).isPresent() ? store.dir(TinyImageBuilder.NAME) : null;
        return AccelProbe.forHost().resolve(requested, tiny).accel();
    }

    static Scenario load(Path file) {
        ImageStore store = ImageStore.fromEnvironment();
        return new ScenarioLoader(name -> store.find(name).isPresent()).load(file);
    }
}

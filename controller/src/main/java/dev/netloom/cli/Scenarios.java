package dev.netloom.cli;

import dev.netloom.nodes.image.ImageStore;
import dev.netloom.scenario.Scenario;
import dev.netloom.scenario.ScenarioLoader;

import java.nio.file.Path;

/** Loading a scenario file the way every command does: images checked against the store. */
final class Scenarios {

    private Scenarios() {
    }

    static Scenario load(Path file) {
        ImageStore store = ImageStore.fromEnvironment();
        return new ScenarioLoader(name -> store.find(name).isPresent()).load(file);
    }
}

package dev.netloom.api;

import dev.netloom.lab.Lab;
import dev.netloom.nodes.image.ImageStore;
import dev.netloom.nodes.image.TinyImageBuilder;
import dev.netloom.nodes.qemu.Accel;
import dev.netloom.nodes.qemu.AccelProbe;
import dev.netloom.scenario.ScenarioLoader;

/** A real lab for the API's end-to-end tests: the tiny image (built once if missing) and the host's acceleration. */
final class ApiLabFixture {

    private ApiLabFixture() {
    }

    static Lab up(String json) {
        ImageStore store = ImageStore.fromEnvironment();
        new TinyImageBuilder(store, line -> System.err.println("tiny image: " + line)).build(false);
        Accel accel = AccelProbe.forHost().resolve(Accel.AUTO, store.dir(TinyImageBuilder.NAME)).accel();
        var scenario = new ScenarioLoader(name -> store.find(name).isPresent()).load(json, "apie2e.json");
        return Lab.up(scenario, accel, store, e -> System.err.println("lab event: " + e));
    }
}

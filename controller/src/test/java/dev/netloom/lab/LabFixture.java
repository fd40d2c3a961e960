package dev.netloom.lab;

import dev.netloom.nodes.image.ImageStore;
import dev.netloom.nodes.image.TinyImageBuilder;
import dev.netloom.nodes.qemu.Accel;
import dev.netloom.nodes.qemu.AccelProbe;
import dev.netloom.scenario.Scenario;
import dev.netloom.scenario.ScenarioLoader;

/** End-to-end fixture: the real tiny image (built once if missing), the host's acceleration, scenarios from JSON text. */
final class LabFixture {

    private static Accel accel;

    private LabFixture() {
    }

    static synchronized ImageStore images() {
        ImageStore store = ImageStore.fromEnvironment();
        if (accel == null) {
            new TinyImageBuilder(store, line -> System.err.println("tiny image: " + line)).build(false);
            accel = AccelProbe.forHost().resolve(Accel.AUTO, store.dir(TinyImageBuilder.NAME)).accel();
        }
        return store;
    }

    static synchronized Accel accel() {
        images();
        return accel;
    }

    /** The store with the openwrt-like image in it, built once if missing. */
    static synchronized ImageStore openWrtLike() {
        ImageStore store = images();
        TinyImageBuilder.openWrtLike(store, line -> System.err.println("openwrt-like image: " + line)).build(false);
        return store;
    }

    static Scenario scenario(String json) {
        ImageStore store = images();
        return new ScenarioLoader(name -> store.find(name).isPresent()).load(json, "test.json");
    }

    static Lab up(String json) {
        return Lab.up(scenario(json), accel(), images(), e -> System.err.println("lab event: " + e));
    }

    /** {@code node}'s address (without prefix) on segment {@code segment} of a running lab. */
    static String addressOn(Lab lab, String segment, String node) {
        return lab.plan().segment(segment).members().stream().filter(m -> m.node().equals(node)).findFirst().orElseThrow()
                .address().replaceFirst("/.*", "");
    }

    /** The hop count of a traceroute's output: its numbered lines with an address. */
    static long hops(String tracerouteOutput) {
        return tracerouteOutput.lines().filter(l -> l.matches("\\s*\\d+\\s+\\d.*")).count();
    }
}

package dev.netloom.bench;

import dev.netloom.lab.Lab;
import dev.netloom.nodes.image.ImageStore;
import dev.netloom.scenario.Scenario;
import dev.netloom.scenario.ScenarioLoader;

/**
 * Labs for the benchmarks: a scenario from JSON text, brought up with the run's acceleration and the
 * image store the tiny image is in. Lab names carry the controller's pid, so that runs never collide.
 */
final class BenchLab {

    private BenchLab() {
    }

    /** A lab name unique to this run: {@code prefix}, the pid, and {@code k} (within [a-z][a-z0-9-]{0,11}). */
    static String name(String prefix, int k) {
        return prefix + ProcessHandle.current().pid() + "-" + k;
    }

    static Scenario scenario(String json) {
        ImageStore store = ImageStore.fromEnvironment();
        return new ScenarioLoader(name -> store.find(name).isPresent()).load(json, "bench.json");
    }

    /** Brings {@code scenario} up to READY; the caller downs it in a finally block. */
    static Lab up(BenchContext ctx, Scenario scenario) {
        return up(ctx, scenario, null);
    }

    /** Brings {@code scenario} up to READY with {@code listener} getting its events; the caller downs it in a finally block. */
    static Lab up(BenchContext ctx, Scenario scenario, java.util.function.Consumer<dev.netloom.lab.LabEvent> listener) {
        // registered before its bring-up, so that a run stopped meanwhile (SIGTERM) takes it down too
        Lab lab = ctx.running(Lab.create(scenario, ctx.accel(), ImageStore.fromEnvironment(), listener));
        try {
            lab.up(); // on failure it has taken itself down
        } catch (RuntimeException e) {
            try {
                ctx.stopped(lab);
            } catch (Exception closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        return lab;
    }

    /**
     * A grid of tiny nodes (96 MiB), statically routed, with a ping between its opposite corners (n1
     * and the last node): the two nodes farthest apart; then a ping-all check (which the caller may leave out).
     */
    static String tinyGrid(String name, int rows, int columns) {
        return """
                {"name": "%s", "defaults": {"image": "tiny", "memory": "96M"},
                 "generate": {"topology": "grid", "rows": %d, "columns": %d}, "routing": "static",
                 "checks": [{"ping": {"from": "n1", "to": "n%d"}}, {"ping": "all"}]}
                """.formatted(name, rows, columns, rows * columns);
    }

    /** N tiny nodes (96 MiB) in a line, statically routed, with a ping-all check. */
    static String tinyLine(String name, int nodes) {
        return """
                {"name": "%s", "defaults": {"image": "tiny", "memory": "96M"},
                 "generate": {"topology": "line", "nodes": %d}, "routing": "static",
                 "checks": [{"ping": "all"}]}
                """.formatted(name, nodes);
    }
}

package dev.netloom.mobility;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A seeded random walk inside a rectangle: every {@code interval} each node moves {@code stepMetres}
 * in a uniformly random direction, reflected at the rectangle's edges. Deterministic for a seed: the
 * same seed and start give the same positions, so a walk is expanded into moves when a scenario loads.
 */
public final class RandomWalk {

    private RandomWalk() {
    }

    /**
     * The positions after each of {@code steps} steps (step 1 first), nodes in the start map's order.
     * Nodes start where {@code start} puts them (clamped into the area).
     */
    public static List<Map<String, Position>> walk(long seed, Map<String, Position> start, double width, double height,
                                                   double stepMetres, int steps) {
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, Position> now = new LinkedHashMap<>();
        start.forEach((n, p) -> now.put(n, new Position(clamp(p.x(), width), clamp(p.y(), height))));
        List<Map<String, Position>> out = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            for (Map.Entry<String, Position> e : now.entrySet()) {
                double angle = random.nextDouble() * 2 * Math.PI;
                Position p = e.getValue();
                e.setValue(new Position(reflect(p.x() + stepMetres * Math.cos(angle), width),
                        reflect(p.y() + stepMetres * Math.sin(angle), height)));
            }
            out.add(Map.copyOf(new LinkedHashMap<>(now)));
        }
        return out;
    }

    private static double clamp(double v, double max) {
        return Math.max(0, Math.min(max, v));
    }

    /** Folds a coordinate back into [0, max], as a ball bouncing off the walls. */
    static double reflect(double v, double max) {
        if (max == 0) {
            return 0;
        }
        double period = 2 * max;
        double m = ((v % period) + period) % period;
        return m <= max ? m : period - m;
    }
}

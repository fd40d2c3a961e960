package dev.netloom.impairment;

import java.util.Arrays;
import java.util.List;

/** A token bucket on the receiver's tap: a rate and nothing else, on any host (no netem needed). */
public final class HostTbf implements ImpairmentEngine {

    @Override
    public String name() {
        return "host-tbf";
    }

    @Override
    public Place place() {
        return Place.HOST;
    }

    @Override
    public boolean available(Probes probes, Target target) {
        return true;
    }

    /** Every set field but the rate: a token bucket delays, drops, copies, corrupts or reorders nothing, and sizes its queue in bytes by its latency. */
    @Override
    public List<Field> unsupported(Impairment imp) {
        return Arrays.stream(Field.values()).filter(f -> f != Field.RATE && f.get(imp) != null).toList();
    }

    @Override
    public String limitation() {
        return "TBF (the only engine here: the host kernel has no sch_netem and the node's image no guest netem) shapes a rate only";
    }

    @Override
    public List<String> commands(Target target, Impairment imp) {
        if (imp.isNone()) {
            return List.of("qdisc replace dev " + target.hostTap() + " root pfifo_fast");
        }
        if (!imp.rateOnly()) {
            throw new IllegalArgumentException("TBF shapes a rate only, not " + imp.describe());
        }
        long burstBytes = Math.max(1600, imp.rateBps() / 8 / 100); // 10 ms worth, at least one full frame
        return List.of("qdisc replace dev " + target.hostTap() + " root tbf rate " + TcUnits.rate(imp.rateBps())
                + " burst " + burstBytes + " latency 50ms");
    }
}

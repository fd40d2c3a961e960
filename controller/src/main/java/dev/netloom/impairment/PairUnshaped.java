package dev.netloom.impairment;

import java.util.Arrays;
import java.util.List;

/**
 * What a shared medium's pair has when its sender's guest cannot shape it (no tc and netem there):
 * no impairment. The host cannot stand in: its engines shape a tap, which carries every neighbour's
 * frames alike.
 */
final class PairUnshaped implements ImpairmentEngine {

    @Override
    public String name() {
        return "none";
    }

    @Override
    public Place place() {
        return Place.GUEST;
    }

    @Override
    public boolean available(Probes probes, Target target) {
        return target.pair();
    }

    @Override
    public List<Field> unsupported(Impairment imp) {
        return Arrays.stream(Field.values()).filter(f -> f.get(imp) != null).toList();
    }

    @Override
    public String limitation() {
        return "a pair of a shared medium is shaped in its sender's guest, by destination MAC, which needs tc with netem, htb and u32 there";
    }

    /** Nothing to undo: such a pair never has an impairment. */
    @Override
    public List<String> commands(Target target, Impairment imp) {
        if (!imp.isNone()) {
            throw new IllegalArgumentException(limitation());
        }
        return List.of();
    }
}

package dev.netloom.impairment;

import java.util.List;

/**
 * netem inside the sending node, on its ethN: every field, where the host kernel has no netem. Needs
 * tc and sch_netem in the guest (images that have them say so in their manifest).
 */
public final class GuestNetem implements ImpairmentEngine {

    @Override
    public String name() {
        return "guest-netem";
    }

    @Override
    public Place place() {
        return Place.GUEST;
    }

    @Override
    public boolean available(Probes probes, Target target) {
        return probes.guestNetem().test(target.guestNode());
    }

    /** {@link Impairment#NONE} removes any root qdisc, quietly if there is none. */
    @Override
    public List<String> commands(Target target, Impairment imp) {
        if (imp.isNone()) {
            return List.of("tc qdisc del dev " + target.guestDev() + " root 2>/dev/null || true");
        }
        return List.of("tc qdisc replace dev " + target.guestDev() + " root netem " + Netem.args(imp));
    }
}

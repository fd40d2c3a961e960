package dev.netloom.impairment;

import java.util.List;

/** netem on the receiver's tap in the lab's namespace: every field, no guest involved. Needs sch_netem in the host kernel. */
public final class HostNetem implements ImpairmentEngine {

    @Override
    public String name() {
        return "host-netem";
    }

    @Override
    public Place place() {
        return Place.HOST;
    }

    /** True when this host's kernel can run netem: tried on a throwaway veth pair in the lab's namespace. */
    public static boolean probe(HostShell host) {
        host.ip("link add nl-probe0 type veth peer name nl-probe1\n");
        try {
            return host.tcSucceeds(List.of("qdisc", "add", "dev", "nl-probe0", "root", "netem", "delay", "1ms"));
        } finally {
            host.ip("link del nl-probe0\n");
        }
    }

    @Override
    public boolean available(Probes probes, Target target) {
        return probes.hostNetem();
    }

    /** {@link Impairment#NONE} puts back pfifo_fast rather than deleting the root qdisc: a failed delete would abort the whole batch. */
    @Override
    public List<String> commands(Target target, Impairment imp) {
        if (imp.isNone()) {
            return List.of("qdisc replace dev " + target.hostTap() + " root pfifo_fast");
        }
        return List.of("qdisc replace dev " + target.hostTap() + " root netem " + Netem.args(imp));
    }
}

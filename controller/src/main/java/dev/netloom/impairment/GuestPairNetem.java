package dev.netloom.impairment;

import java.util.List;

/**
 * netem inside the sender of a shared medium's pair, for the frames it sends to that one neighbour
 * (docs/mobility.md, "Per-pair impairments"): under an HTB root on the sender's interface, a class per
 * neighbour with an impairment, its netem, and a u32 filter on the neighbour's destination MAC.
 * Broadcasts, multicasts and the neighbours without an impairment match no filter and leave through
 * HTB's direct queue, unshaped. Needs tc with sch_htb, cls_u32 and sch_netem in the guest (the tiny
 * image has them; its manifest's guest-netem capability says so).
 */
public final class GuestPairNetem implements ImpairmentEngine {

    /** HTB's class only sorts; netem shapes. Its rate is far above what an emulated guest sends, its quantum above a GSO frame. */
    private static final String CLASS = "htb rate 10gbit quantum 65536";

    @Override
    public String name() {
        return "guest-netem-pair";
    }

    @Override
    public Place place() {
        return Place.GUEST;
    }

    @Override
    public boolean available(Probes probes, Target target) {
        return target.pair() && probes.guestNetem().test(target.guestNode());
    }

    /** The HTB root the pairs' classes hang from; once per interface, before its first class. */
    @Override
    public List<String> prepare(Target target) {
        return List.of("tc qdisc replace dev " + target.guestDev() + " root handle 1: htb");
    }

    /** Everything on the interface goes, once no pair on it has an impairment. */
    @Override
    public List<String> release(Target target) {
        return List.of("tc qdisc del dev " + target.guestDev() + " root 2>/dev/null || true");
    }

    /**
     * The pair's class, its netem and its filter, made or changed in place (one line: the three
     * belong together); {@link Impairment#NONE} takes the filter and the class away, quietly if they
     * are not there.
     */
    @Override
    public List<String> commands(Target target, Impairment imp) {
        String dev = target.guestDev();
        String minor = Integer.toHexString(target.peer().index() + 1);
        String classId = "1:" + minor;
        String filter = "tc filter %s dev " + dev + " parent 1: protocol all prio 1 handle 800::" + minor + " u32";
        if (imp.isNone()) {
            return List.of(filter.formatted("del") + " 2>/dev/null; tc class del dev " + dev + " classid " + classId + " 2>/dev/null; true");
        }
        return List.of("tc class replace dev " + dev + " parent 1: classid " + classId + " " + CLASS
                + " && tc qdisc replace dev " + dev + " parent " + classId + " netem " + Netem.args(imp)
                + " && " + filter.formatted("replace") + " match ether dst " + target.peer().mac() + " flowid " + classId);
    }
}

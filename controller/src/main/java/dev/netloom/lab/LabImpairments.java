package dev.netloom.lab;

import dev.netloom.fabric.Fabric;
import dev.netloom.impairment.HostNetem;
import dev.netloom.impairment.Impairment;
import dev.netloom.impairment.Probes;
import dev.netloom.impairment.Shaping;
import dev.netloom.impairment.Target;
import dev.netloom.nodes.ExecResult;
import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.QemuNode;
import dev.netloom.topology.Plan;
import dev.netloom.topology.SegmentPlan;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A lab's link impairments at run time (docs/impairments.md): the engines chosen once its fabric
 * exists, the impairments set on the host at the start, the changes made while it runs, and what
 * status reads back. Each direction is shaped by its sender's host only (docs/scale-out.md).
 */
final class LabImpairments {

    private final Plan plan;
    private final LabPart part;
    private final EventLog events;
    private final Function<String, QemuNode> node;
    private volatile Shaping shaping;
    private volatile boolean hostNetem;

    LabImpairments(Plan plan, LabPart part, EventLog events, Function<String, QemuNode> node) {
        this.plan = plan;
        this.part = part;
        this.events = events;
        this.node = node;
    }

    /**
     * At bring-up, once the fabric exists and before any node starts: picks each direction's engine
     * ({@code guestNetem} says whether a local node's image has netem) and applies the host engines'
     * impairments, through {@code creating}.
     */
    void start(Fabric fabric, Predicate<String> guestNetem, Consumer<Runnable> creating) {
        Map<Target, Impairment> initial = new LinkedHashMap<>();
        // each direction is shaped by its sender's host only (docs/scale-out.md), so a crossing link is never shaped twice
        plan.segments().forEach(s -> s.impairments().forEach((dir, imp) -> initial.put(s.target(dir),
                part.runsHere(s.guestMember(dir).node()) ? imp : Impairment.NONE)));
        // a remote sender's direction is shaped by its own host, in its guest (on the sending side)
        Probes probes = new Probes(HostNetem.probe(fabric), n -> !part.runsHere(n) || guestNetem.test(n));
        hostNetem = probes.hostNetem();
        shaping = Shaping.choose(initial, probes, fabric);
        creating.accept(shaping::applyHostAtStart);
    }

    /** The engines and current impairments; null before {@link #start}. */
    Shaping shaping() {
        return shaping;
    }

    /** As {@link Lab#setImpairment}. */
    void set(String segmentName, String direction, Impairment imp) {
        SegmentPlan s = plan.segment(segmentName);
        List<Target> targets = direction == null ? shaping.targets(s.name()) : List.of(shaping.target(s.name(), direction));
        for (Target t : targets) {
            if (!part.runsHere(t.guestNode())) {
                continue; // its sender's host shapes it
            }
            Impairment now = shaping.set(t, imp, this::runInGuest);
            events.accept(LabEvent.of(LabEvent.Kind.LINK, s.name(), t.direction() + " impairment " + now.describe()
                    + " (" + (now.isNone() ? "cleared" : shaping.engine(t).name()) + ")"));
        }
    }

    private void runInGuest(String nodeName, List<String> commands) {
        for (String c : commands) {
            ExecResult r = node.apply(nodeName).exec(c, NodeSetup.CONFIG_TIMEOUT);
            if (r.exitCode() != 0) {
                throw new NetloomException("`" + c + "` on node " + nodeName + " exited " + r.exitCode() + ": " + r.output().strip());
            }
        }
    }

    /** The impairment one direction of a link or LAN has now. */
    Impairment impairment(String segmentName, String direction) {
        Shaping now = shaping;
        return now == null ? plan.segment(segmentName).impairments().getOrDefault(direction, Impairment.NONE)
                : now.current(now.target(segmentName, direction));
    }

    /** The engine shaping one direction of a link or LAN ("host-netem"...), or "none" while it has no impairment. */
    String engine(String segmentName, String direction) {
        Shaping now = shaping;
        return now == null ? "none" : now.engineNow(now.target(segmentName, direction));
    }

    /** Whether the host kernel ran netem when the lab started (its probe). */
    boolean hostNetem() {
        return hostNetem;
    }

    /** Every direction of every link and LAN with the engine it uses now ({@link #engine}). */
    Map<Target, String> engines() {
        Map<Target, String> out = new LinkedHashMap<>();
        Shaping now = shaping;
        plan.segments().forEach(s -> s.impairments().keySet().forEach(d -> out.put(s.target(d), now == null ? "none" : now.engineNow(s.target(d)))));
        return out;
    }
}

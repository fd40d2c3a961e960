package dev.netloom.impairment;

import dev.netloom.nodes.BadInputException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * A lab's link impairments at run time: for every direction of every link and LAN the engine that
 * shapes it (chosen once, at the start, and kept: where a direction is shaped never changes during a
 * lab) and the impairment it has now. The lab asks it to apply an impairment to a direction; which
 * commands that takes, and where they run, is decided here and in the engines.
 */
public final class Shaping {

    /** The engines, most preferred first: netem on the host needs nothing from the guest; TBF does rates only. */
    static final List<ImpairmentEngine> ENGINES = List.of(new HostNetem(), new GuestNetem(), new HostTbf());
    /** A shared medium's pairs: only the sender's guest tells one neighbour's frames from another's. */
    static final List<ImpairmentEngine> PAIR_ENGINES = List.of(new GuestPairNetem(), new PairUnshaped());

    /** Runs shell commands on a node's console, in order; throws, naming the command, when one fails. */
    public interface GuestShell {
        void run(String node, List<String> commands);
    }

    private final Map<Target, ImpairmentEngine> engines;
    private final Map<Target, Impairment> current = new ConcurrentHashMap<>();
    private final HostShell host;

    private Shaping(Map<Target, ImpairmentEngine> engines, Map<Target, Impairment> initial, HostShell host) {
        this.engines = engines;
        this.current.putAll(initial);
        this.host = host;
    }

    /**
     * Chooses the engine of every direction. Nothing is applied yet.
     *
     * @param initial every direction of the lab with its impairment at the start ({@link Impairment#NONE} when unset), in plan order
     * @throws BadInputException when no engine available for a direction can apply its impairment
     */
    public static Shaping choose(Map<Target, Impairment> initial, Probes probes, HostShell host) {
        Map<Target, ImpairmentEngine> engines = new LinkedHashMap<>();
        initial.forEach((target, imp) -> {
            ImpairmentEngine engine = engineFor(probes, target);
            if (!engine.supports(imp) && target.pair()) {
                throw new BadInputException("medium " + target.segment() + " (" + target.direction() + "): " + imp.describe() + " needs netem in node "
                        + target.guestNode() + ", but its image has no guest netem (" + engine.limitation() + "); use an image with tc"
                        + " and sch_netem (tiny) for node " + target.guestNode() + ", or a model without impairments (range, topology)");
            }
            if (!engine.supports(imp)) {
                throw new BadInputException("link " + target.segment() + " (" + target.direction() + "): " + imp.describe() + " needs netem (for "
                        + keys(engine.unsupported(imp)) + "), but the host kernel has no sch_netem and node " + target.guestNode()
                        + "'s image has no guest netem (" + engine.name() + " shapes a rate only); use an image with tc and sch_netem"
                        + " (tiny) for node " + target.guestNode() + ", or only a rate");
            }
            engines.put(target, engine);
        });
        return new Shaping(engines, initial, host);
    }

    /** The most preferred engine available for a direction (TBF is available everywhere). */
    static ImpairmentEngine engineFor(Probes probes, Target target) {
        return (target.pair() ? PAIR_ENGINES : ENGINES).stream().filter(e -> e.available(probes, target)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no impairment engine at all for " + target));
    }

    /** Applies the start's impairments that the host shapes, in one tc batch. */
    public void applyHostAtStart() {
        StringBuilder batch = new StringBuilder();
        engines.forEach((target, engine) -> {
            Impairment imp = current.get(target);
            if (engine.place() == ImpairmentEngine.Place.HOST && !imp.isNone()) {
                engine.commands(target, imp).forEach(l -> batch.append(l).append('\n'));
            }
        });
        if (batch.length() > 0) {
            host.tc(batch.toString());
        }
    }

    /**
     * The commands a node runs, when it is configured, for the directions it shapes itself: the
     * impairments those directions have now (so a restarted node gets them back as they were).
     */
    public List<String> guestCommands(String node) {
        List<String> out = new ArrayList<>();
        Set<String> prepared = new HashSet<>();
        engines.forEach((target, engine) -> {
            Impairment imp = current.get(target);
            if (engine.place() == ImpairmentEngine.Place.GUEST && target.guestNode().equals(node) && !imp.isNone()) {
                if (prepared.add(engine.name() + " " + target.guestDev())) {
                    out.addAll(engine.prepare(target));
                }
                out.addAll(engine.commands(target, imp));
            }
        });
        return out;
    }

    /** Whether any direction is shaped inside {@code node} (so its guest needs tc and netem). */
    public boolean shapesInGuest(String node) {
        return engines.entrySet().stream().anyMatch(e -> e.getValue().place() == ImpairmentEngine.Place.GUEST
                && e.getKey().guestNode().equals(node));
    }

    /**
     * Gives a direction a new impairment: {@code change}'s fields merged into what it has, or, for
     * {@link Impairment#NONE}, no impairment. Returns the impairment it has now.
     *
     * @throws BadInputException when the direction's engine cannot apply the result
     */
    public Impairment set(Target target, Impairment change, GuestShell guest) {
        ImpairmentEngine engine = engine(target);
        Impairment merged = change.isNone() ? Impairment.NONE : current.get(target).merge(change);
        if (!engine.supports(merged) && target.pair()) {
            throw new BadInputException("medium " + target + ": " + merged.describe() + " cannot be shaped: " + engine.limitation()
                    + ", and node " + target.guestNode() + "'s image has none; give node " + target.guestNode() + " an image with guest netem (tiny)");
        }
        if (!engine.supports(merged)) {
            throw new BadInputException("link " + target + ": " + engine.name() + " shapes this direction and cannot apply "
                    + keys(engine.unsupported(merged)) + " (" + merged.describe() + "): " + engine.limitation()
                    + "; set only a rate here, or give node " + target.guestNode() + " an image with guest netem (tiny)");
        }
        merged.needingDelay().ifPresent(f -> {
            throw new BadInputException("link " + target + ": " + Impairment.delayNeeded(f));
        });
        List<String> commands = commands(target, engine, merged);
        if (engine.place() == ImpairmentEngine.Place.HOST) {
            host.tc(String.join("\n", commands) + "\n");
        } else {
            guest.run(target.guestNode(), commands);
        }
        current.put(target, merged);
        return merged;
    }

    /**
     * What takes a direction to {@code imp}: the engine's commands, after its {@link ImpairmentEngine#prepare}
     * when no direction it shapes on that interface had an impairment, or its {@link ImpairmentEngine#release}
     * instead when none will have one.
     */
    private List<String> commands(Target target, ImpairmentEngine engine, Impairment imp) {
        boolean others = engines.entrySet().stream().anyMatch(e -> e.getValue() == engine && !e.getKey().equals(target)
                && e.getKey().guestNode().equals(target.guestNode()) && e.getKey().guestDev().equals(target.guestDev())
                && !current(e.getKey()).isNone());
        if (imp.isNone() && !others && !engine.release(target).isEmpty()) {
            return current(target).isNone() ? List.of() : engine.release(target);
        }
        List<String> out = new ArrayList<>();
        if (!imp.isNone() && !others && current(target).isNone()) {
            out.addAll(engine.prepare(target));
        }
        out.addAll(engine.commands(target, imp));
        return out;
    }

    /** "corrupt, limit": field keys for messages. */
    private static String keys(List<Field> fields) {
        return fields.stream().map(Field::key).collect(Collectors.joining(", "));
    }

    /** The impairment a direction has now. */
    public Impairment current(Target target) {
        return current.getOrDefault(target, Impairment.NONE);
    }

    /** The engine shaping a direction. */
    public ImpairmentEngine engine(Target target) {
        ImpairmentEngine e = engines.get(target);
        if (e == null) {
            throw new IllegalArgumentException("not a direction of this lab: " + target);
        }
        return e;
    }

    /** For status: the engine's name while the direction has an impairment, "none" while it has none. */
    public String engineNow(Target target) {
        return current(target).isNone() ? "none" : engine(target).name();
    }

    /** The directions of a link or LAN, in plan order. */
    public List<Target> targets(String segment) {
        return engines.keySet().stream().filter(t -> t.segment().equals(segment)).toList();
    }

    /** The direction of that link or LAN; a BadInputException listing its directions otherwise. */
    public Target target(String segment, String direction) {
        List<Target> of = targets(segment);
        return of.stream().filter(t -> t.direction().equals(direction)).findFirst()
                .orElseThrow(() -> new BadInputException("link " + segment + " has no direction '" + direction + "'; directions: "
                        + of.stream().map(Target::direction).collect(Collectors.joining(", "))));
    }
}

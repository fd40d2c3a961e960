package dev.netloom.lab;

import dev.netloom.impairment.Impairment;
import dev.netloom.mobility.LinkModel;
import dev.netloom.mobility.Position;
import dev.netloom.mobility.World;
import dev.netloom.nodes.BadInputException;
import dev.netloom.scenario.Scenario;
import dev.netloom.topology.SegmentPlan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The moving part of a lab with a link model: where the nodes are, which topology step is current,
 * and what each pair link has. A move or a step recomputes every link's quality with the model and
 * applies only the difference (the impairments that changed, then the state changes in one batch). In
 * lan mode a pair's state is whether its two nodes are neighbours on the medium, and its impairment
 * is shaped by each of the two in its guest.
 */
final class MobilityRun {

    /** What a change did: the step now (0-based, -1 without steps), how many links (pairs of neighbours on a medium) changed. */
    record Change(int step, String stepName, int up, int down, int impaired, boolean medium) {
        String describe() {
            return (step < 0 ? "" : "step " + (step + 1) + " (" + stepName + "): ")
                    + (medium ? up + " pair(s) of neighbours together, " + down + " apart" + (impaired == 0 ? "" : ", " + impaired + " pair impairment(s) changed")
                    : up + " link(s) up, " + down + " down, " + impaired + " impairment(s) changed");
        }
    }

    /**
     * One impairment a change sets: on a link ({@code direction} null: both ways), or on one direction
     * of a medium's pair; {@code link} is the model's link or pair it comes from.
     */
    record Reshape(String link, String segment, String direction, Impairment impairment) {
    }

    private final Scenario.Mobility mobility;
    private final Map<String, Position> positions;
    private int step;
    private Map<String, LinkModel.Quality> now;
    private final Map<String, Impairment> applied = new LinkedHashMap<>();

    MobilityRun(Scenario.Mobility mobility) {
        this.mobility = mobility;
        this.positions = new LinkedHashMap<>(mobility.positions());
        this.step = mobility.steps().isEmpty() ? -1 : 0;
        this.now = qualities();
        now.forEach((link, q) -> applied.put(link, q.up() ? q.impairment() : Impairment.NONE));
    }

    synchronized Change move(Lab lab, Map<String, Position> to) {
        positions.putAll(to);
        return apply(lab);
    }

    /** To step {@code index} (0-based), or the next one when null. */
    synchronized Change step(Lab lab, Integer index) {
        int count = mobility.steps().size();
        if (count == 0) {
            throw new BadInputException("lab " + lab.name() + " has no topology steps; add \"steps\" to its scenario");
        }
        int to = index == null ? step + 1 : index;
        if (to >= count || to < 0) {
            throw new BadInputException("lab " + lab.name() + " is at its last step (" + count + " of " + count + "); there is no next step");
        }
        step = to;
        positions.putAll(mobility.steps().get(to).positions());
        return apply(lab);
    }

    /** In lan mode, the medium's pairs that are not neighbours at the start, both directions of each; empty in links mode. */
    synchronized Set<String> apartAtStart() {
        Set<String> out = new LinkedHashSet<>();
        if (mobility.medium() != null) {
            mobility.pairs().forEach(p -> {
                if (!now.get(p.link()).up()) {
                    out.add(SegmentPlan.direction(p.a(), p.b()));
                    out.add(SegmentPlan.direction(p.b(), p.a()));
                }
            });
        }
        return out;
    }

    synchronized int currentStep() {
        return step;
    }

    private Map<String, LinkModel.Quality> qualities() {
        return mobility.qualities(positions, step);
    }

    /**
     * The impairments a change sets: for every link (or pair of neighbours on a medium, each way) that
     * is up after it with an impairment other than the one the model gave it last ({@code applied}),
     * the model's new one. A link that goes down keeps its impairment until it is up again. Pure.
     */
    static List<Reshape> reshapes(Scenario.Mobility mobility, Map<String, LinkModel.Quality> changed, Map<String, Impairment> applied) {
        List<Reshape> out = new ArrayList<>();
        for (World.Pair p : mobility.pairs()) {
            LinkModel.Quality q = changed.get(p.link());
            if (q == null || !q.up() || q.impairment().equals(applied.get(p.link()))) {
                continue;
            }
            if (mobility.medium() == null) {
                out.add(new Reshape(p.link(), p.link(), null, q.impairment()));
            } else { // shaped by each sender, in its guest
                out.add(new Reshape(p.link(), mobility.medium(), SegmentPlan.direction(p.a(), p.b()), q.impairment()));
                out.add(new Reshape(p.link(), mobility.medium(), SegmentPlan.direction(p.b(), p.a()), q.impairment()));
            }
        }
        return out;
    }

    private Change apply(Lab lab) {
        Map<String, LinkModel.Quality> next = qualities();
        Map<String, LinkModel.Quality> changed = World.diff(now, next);
        Map<String, Boolean> states = new LinkedHashMap<>();
        changed.forEach((link, q) -> {
            if (q.up() != now.get(link).up()) {
                states.put(link, q.up());
            }
        });
        // impairments first for links coming up, so that they come up with their quality
        List<Reshape> reshapes = reshapes(mobility, changed, applied);
        for (Reshape r : reshapes) {
            lab.setImpairment(r.segment(), r.direction(), r.impairment());
            applied.put(r.link(), r.impairment());
        }
        int impaired = (int) reshapes.stream().map(Reshape::link).distinct().count();
        if (!states.isEmpty() && mobility.medium() != null) {
            Map<String, Boolean> directions = new LinkedHashMap<>();
            mobility.pairs().stream().filter(p -> states.containsKey(p.link())).forEach(p -> {
                directions.put(SegmentPlan.direction(p.a(), p.b()), states.get(p.link()));
                directions.put(SegmentPlan.direction(p.b(), p.a()), states.get(p.link()));
            });
            lab.setMediumPairs(mobility.medium(), directions);
        } else if (!states.isEmpty()) {
            lab.setLinkStates(states);
        }
        now = next;
        long up = states.values().stream().filter(b -> b).count();
        Change c = new Change(step, step < 0 ? "" : mobility.steps().get(step).name(), (int) up, states.size() - (int) up, impaired,
                mobility.medium() != null);
        lab.event(LabEvent.Kind.LINK, lab.name(), "mobility: " + c.describe());
        return c;
    }
}

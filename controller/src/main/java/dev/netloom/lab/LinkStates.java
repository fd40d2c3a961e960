package dev.netloom.lab;

import dev.netloom.fabric.Fabric;
import dev.netloom.guest.GuestBatch;
import dev.netloom.guest.Reroute;
import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.NodeState;
import dev.netloom.nodes.QemuNode;
import dev.netloom.scenario.Scenario;
import dev.netloom.topology.Outages;
import dev.netloom.topology.Plan;
import dev.netloom.topology.SegmentPlan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The state of a lab's links and LANs, per direction (docs/topology.md, "Link state"): which
 * directions pass nothing now, what the fabric does for a change, and, with static routing, what
 * the guests do (their interfaces follow a link down both ways; routes are recomputed on what still
 * passes each node's traffic, {@link Reroute}).
 */
final class LinkStates {

    private final Plan plan;
    private final boolean staticRouting;
    private final Map<String, QemuNode> nodes;
    private final NodeSetup setup;
    private final ExecutorService workers;
    private final Supplier<Fabric> fabric;
    private final EventLog events;
    /** Per link or LAN, the directions that pass nothing now (a LAN down has all of its member names). */
    private final Map<String, Set<String>> down = new ConcurrentHashMap<>();
    /** The links and LANs that were down, either way, since the start (their host routes may need to go). */
    private final Set<String> everDown = ConcurrentHashMap.newKeySet();

    LinkStates(Plan plan, boolean staticRouting, Map<String, QemuNode> nodes, NodeSetup setup, ExecutorService workers,
               Supplier<Fabric> fabric, EventLog events) {
        this.plan = plan;
        this.staticRouting = staticRouting;
        this.nodes = nodes;
        this.setup = setup;
        this.workers = workers;
        this.fabric = fabric;
        this.events = events;
    }

    /**
     * Before any node starts, each through {@code creating}: the links and LANs the scenario starts
     * down, and the pairs of its medium that its link model ({@code mobility}, null without one) puts apart.
     */
    void atStart(Scenario scenario, MobilityRun mobility, Consumer<Runnable> creating) {
        for (Scenario.LinkDef l : scenario.links()) {
            if (l.startsDown()) {
                creating.accept(() -> startDown(plan.segment(l.name())));
            }
        }
        if (mobility != null && scenario.mobility().medium() != null) {
            creating.accept(() -> startApart(plan.segment(scenario.mobility().medium()), mobility.apartAtStart()));
        }
    }

    /** Before any node starts: a link or LAN that the scenario starts down, every direction of it. */
    void startDown(SegmentPlan s) {
        fabric.get().setState(s, Set.of(), s.impairments().keySet());
        down.put(s.name(), Set.copyOf(s.impairments().keySet()));
        everDown.add(s.name());
        events.accept(LabEvent.of(LabEvent.Kind.LINK, s.name(), "down at the start"));
    }

    /**
     * Before any node starts: the pairs of a medium that are not neighbours at the start (both
     * directions of each), from the link model.
     */
    void startApart(SegmentPlan medium, Set<String> apart) {
        if (apart.isEmpty()) {
            return;
        }
        fabric.get().setState(medium, Set.of(), apart);
        down.put(medium.name(), Set.copyOf(apart));
        everDown.add(medium.name());
        events.accept(LabEvent.of(LabEvent.Kind.LINK, medium.name(), pairs(apart) + " apart at the start"));
    }

    /** The directions of a link or LAN that pass nothing now (all of them when it is down). */
    Set<String> directionsDown(String segmentName) {
        return Set.copyOf(down.getOrDefault(plan.segment(segmentName).name(), Set.of()));
    }

    /** One link or LAN down or up, both ways ({@code direction} null) or one direction; then, with static routing, the routes. */
    void set(String segmentName, String direction, boolean up) {
        Outages before = outages();
        change(segmentName, direction, up);
        rerouteIfStatic(before);
    }

    /** Several links down or up (both ways), then the routes once. */
    void setAll(Map<String, Boolean> upByLink) {
        Outages before = outages();
        upByLink.forEach((link, up) -> change(link, null, up));
        rerouteIfStatic(before);
    }

    /**
     * Pairs of a medium together (up) or apart, each by its directions ("a->b"), in one change of the
     * fabric (only the senders whose neighbours changed); then, with static routing, the routes once.
     */
    void setPairs(String medium, Map<String, Boolean> upByDirection) {
        SegmentPlan s = plan.segment(medium);
        if (s.kind() != SegmentPlan.Kind.MEDIUM) {
            throw new IllegalArgumentException(medium + " is not a medium");
        }
        Outages outagesBefore = outages();
        Set<String> before = directionsDown(s.name());
        Set<String> after = new LinkedHashSet<>(before);
        upByDirection.forEach((dir, up) -> {
            if (up) {
                after.remove(dir);
            } else {
                after.add(dir);
            }
        });
        fabric.get().setState(s, before, after);
        down.put(s.name(), Set.copyOf(after));
        everDown.add(s.name());
        Set<String> together = new LinkedHashSet<>(before);
        together.removeAll(after);
        Set<String> apart = new LinkedHashSet<>(after);
        apart.removeAll(before);
        events.accept(LabEvent.of(LabEvent.Kind.LINK, s.name(), "neighbours " + (together.isEmpty() ? "" : pairs(together) + " up")
                + (together.isEmpty() || apart.isEmpty() ? "" : ", ") + (apart.isEmpty() ? "" : pairs(apart) + " down")));
        rerouteIfStatic(outagesBefore);
    }

    /** Directions as pairs: "a-b" for both ways of a pair, "a->b" for one. */
    static String pairs(Set<String> directions) {
        List<String> out = new ArrayList<>();
        for (String d : directions) {
            String[] ends = d.split("->", 2);
            String back = SegmentPlan.direction(ends[1], ends[0]);
            if (!directions.contains(back)) {
                out.add(d);
            } else if (ends[0].compareTo(ends[1]) < 0) {
                out.add(ends[0] + "-" + ends[1]);
            }
        }
        return String.join(" ", out);
    }

    private void change(String segmentName, String direction, boolean up) {
        SegmentPlan s = plan.segment(segmentName);
        List<String> dirs = directions(s, direction);
        Set<String> before = directionsDown(s.name());
        Set<String> after = new LinkedHashSet<>(before);
        if (up) {
            dirs.forEach(after::remove);
        } else {
            after.addAll(dirs);
        }
        fabric.get().setState(s, before, after);
        down.put(s.name(), Set.copyOf(after));
        if (!after.isEmpty()) {
            everDown.add(s.name());
        }
        if (staticRouting) {
            boolean wasDown = outages(s.name(), before).isDown(s.name());
            boolean nowDown = outages(s.name(), after).isDown(s.name());
            if (wasDown != nowDown) {
                // the guests' interfaces follow a link down both ways, so their connected routes go and come with it
                for (SegmentPlan.Member m : s.members()) {
                    QemuNode node = nodes.get(m.node());
                    if (node != null && node.state() == NodeState.READY) {
                        node.exec("ip link set dev " + m.dev() + (nowDown ? " down" : " up"), NodeSetup.CONFIG_TIMEOUT);
                    }
                }
            }
        }
        events.accept(LabEvent.of(LabEvent.Kind.LINK, s.name(), (direction == null ? "" : direction + " ") + (up ? "up" : "down")
                + (after.isEmpty() || after.size() == s.impairments().size() || s.kind() != SegmentPlan.Kind.LINK ? "" : " (down " + String.join(", ", after) + ")")));
    }

    /** Both ways: every direction of a link or LAN; else the one direction named, which a link must have. */
    private static List<String> directions(SegmentPlan s, String direction) {
        if (s.kind() == SegmentPlan.Kind.MEDIUM) {
            // a medium's state is its pairs: all of them apart (down) or together (up), or one pair's direction
            if (direction != null && !s.pairDirections().contains(direction)) {
                throw new BadInputException("medium " + s.name() + " has no pair '" + direction + "'; a direction is \"a->b\" for two of its members");
            }
            return direction == null ? s.pairDirections() : List.of(direction);
        }
        if (direction == null) {
            return List.copyOf(s.impairments().keySet());
        }
        if (s.kind() == SegmentPlan.Kind.LAN) {
            throw new BadInputException("LAN " + s.name() + " goes down or up as a whole; leave the direction out");
        }
        if (!s.impairments().containsKey(direction)) {
            throw new BadInputException("link " + s.name() + " has no direction '" + direction + "'; directions: "
                    + String.join(", ", s.impairments().keySet()));
        }
        return List.of(direction);
    }

    /** The outages of now, with one segment's directions down replaced. */
    private Outages outages(String segment, Set<String> directionsDown) {
        Map<String, Set<String>> now = new LinkedHashMap<>(down);
        now.put(segment, directionsDown);
        return Outages.of(plan, now);
    }

    /** The outages of now. */
    private Outages outages() {
        return Outages.of(plan, Map.copyOf(down));
    }

    /**
     * What a node that was just configured from its plan needs to match the state of the links now
     * (links that start down, or went down before it restarted): its interfaces on links down both
     * ways down, then its routes as {@link Reroute} has them. Nothing while everything is up, or
     * without static routing (the guests are then left alone).
     */
    List<String> commandsFor(String node) {
        Outages now = outages();
        if (now.isEmpty() || !staticRouting) {
            return List.of();
        }
        List<String> cmds = new ArrayList<>();
        for (SegmentPlan s : plan.segments()) {
            if (now.isDown(s.name())) {
                s.members().stream().filter(m -> m.node().equals(node)).forEach(m -> cmds.add("ip link set dev " + m.dev() + " down"));
            }
        }
        cmds.addAll(Reroute.commands(plan, Outages.NONE, now, Set.copyOf(everDown)).get(node)); // on the plan's routes
        return cmds;
    }

    /** With static routing, takes every running node from the routes of {@code before} to those of now ({@link Reroute}). */
    private void rerouteIfStatic(Outages before) {
        if (!staticRouting) {
            return;
        }
        Map<String, List<String>> changes = Reroute.commands(plan, before, outages(), Set.copyOf(everDown));
        List<CompletableFuture<Void>> jobs = new ArrayList<>();
        changes.forEach((name, cmds) -> {
            QemuNode node = nodes.get(name);
            if (node != null && node.state() == NodeState.READY) {
                jobs.add(CompletableFuture.runAsync(() -> GuestBatch.join(cmds, true, setup.tools(name))
                        .forEach(c -> node.exec(c, NodeSetup.timeoutFor(c))), workers));
            }
        });
        CompletableFuture.allOf(jobs.toArray(CompletableFuture[]::new)).join();
        events.accept(LabEvent.of(LabEvent.Kind.ROUTING, plan.lab(), "routes recomputed on the links that are up"));
    }
}

package dev.netloom.scenario;

import dev.netloom.scenario.Scenario.LinkDef;
import dev.netloom.scenario.Scenario.TimelineEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import dev.netloom.mobility.Position;
import java.util.Map;

/**
 * Reads "timeline": link events (set an impairment, or go up or down, both ways or one), node events (exec a
 * command, or stop, start, restart) and checks ({@link ChecksSection#one}), sorted by time. The links and nodes they name must exist; the
 * impairment and state changes are then replayed by {@link CrossChecks#replayTimeline}.
 */
final class TimelineSection {

    static final List<String> KEYS = List.of("at", "link", "node", "direction", "set", "state", "exec", "action", "check", "move", "step", "walk");
    static final List<String> ACTIONS = List.of("stop", "start", "restart");

    /** An event as read; {@code set} is the impairment a {@link TimelineEvent.LinkImpairment} sets, with its fields' positions, else null. */
    record EventIn(TimelineEvent event, SourceValue at, ImpairmentIn set) {
    }

    private TimelineSection() {
    }

    /** The events in time order (a stable sort: events at the same time keep their file order). */
    static List<EventIn> read(SourceValue at, CrossChecks refs, Scenario.Addressing addressing) {
        if (at == null) {
            return List.of();
        }
        List<EventIn> events = new ArrayList<>();
        List<EventIn> walks = new ArrayList<>();
        for (SourceValue el : at.elements("events ({\"at\": \"10s\", ...} objects)")) {
            el.object("a timeline event", KEYS);
            Duration when = ValueRules.duration(el.require("at", "add \"at\": the time after the lab is ready, e.g. \"10s\""));
            SourceValue link = el.get("link");
            SourceValue node = el.get("node");
            SourceValue check = el.get("check");
            for (String k : List.of("move", "step", "walk")) {
                if (el.get(k) != null) {
                    (k.equals("walk") ? walks : events).addAll(mobilityEvent(el, when, k, refs));
                    break;
                }
            }
            if (el.get("move") != null || el.get("step") != null || el.get("walk") != null) {
                continue;
            }
            if (link != null && refs.model != null) {
                throw link.keyError("in a scenario with a \"linkModel\" the model sets the links; move nodes (\"move\", \"walk\") or change \"step\" instead");
            }
            if (link != null && node != null) {
                throw node.keyError("an event is about a \"link\" or a \"node\", not both; split it into two events");
            }
            if (check != null && (link != null || node != null)) {
                throw check.keyError("an event is a \"check\" or about a \"" + (link != null ? "link" : "node") + "\", not both; split it into two events");
            }
            if (link == null && node == null && check == null) {
                throw el.error("missing \"link\", \"node\", \"check\", \"move\", \"step\" or \"walk\"; say what the event changes, e.g. \"link\": \"a-b\", or what it checks");
            }
            if (check != null) {
                el.object("a check event", List.of("at", "check"));
                events.add(new EventIn(new TimelineEvent.RunCheck(when, ChecksSection.one(check, refs, addressing)), el, null));
                continue;
            }
            events.add(link != null ? linkEvent(el, when, link, refs) : nodeEvent(el, when, node, refs));
        }
        events.sort(Comparator.comparing(e -> e.event().at()));
        // a walk starts where the events before it left the nodes, so walks are expanded last, in time order
        walks.sort(Comparator.comparing(e -> e.event().at()));
        for (EventIn w : walks) {
            Map<String, Position> now = MobilitySection.positionsAt(refs.model, events.stream().map(EventIn::event).toList(), w.event().at());
            MobilitySection.walk(w.at().get("walk"), w.event().at(), refs, now).forEach(e -> events.add(new EventIn(e, w.at(), null)));
            events.sort(Comparator.comparing(e -> e.event().at()));
        }
        return events;
    }

    /** "move", "step" or "walk" (a walk is many moves); they need a "linkModel". */
    private static List<EventIn> mobilityEvent(SourceValue el, Duration when, String key, CrossChecks refs) {
        el.object("a " + key + " event", List.of("at", key));
        SourceValue at = el.get(key);
        if (refs.model == null) {
            throw at.keyError("a \"" + key + "\" event needs a \"linkModel\" in the scenario; add \"linkModel\": {\"kind\": \"range\", \"range\": 30}");
        }
        return switch (key) {
            case "move" -> List.of(new EventIn(MobilitySection.move(at, when, refs), el, null));
            case "step" -> List.of(new EventIn(MobilitySection.step(at, when, refs.model.steps()), el, null));
            // expanded once every other event is known: a placeholder that holds the walk's time and source
            default -> List.of(new EventIn(new TimelineEvent.Move(when, Map.of()), el, null));
        };
    }

    private static EventIn linkEvent(SourceValue el, Duration when, SourceValue linkAt, CrossChecks refs) {
        el.object("a link event", List.of("at", "link", "direction", "set", "state"));
        String name = refs.segmentRef(linkAt);
        LinkDef link = refs.link(name);
        SourceValue set = el.get("set");
        SourceValue state = el.get("state");
        if (set != null && state != null) {
            throw state.keyError("an event has \"set\" or \"state\", not both; split it into two events");
        }
        if (set == null && state == null) {
            throw el.error("missing \"set\" or \"state\"; add \"set\": {\"delay\": \"50ms\"} or \"state\": \"down\"");
        }
        String direction = null;
        SourceValue directionAt = el.get("direction");
        if (directionAt != null) {
            if (link == null) {
                throw directionAt.keyError("LAN \"" + name + "\" has no directions; remove \"direction\"");
            }
            direction = directionAt.text("a direction such as \"a->b\"");
            if (!link.directions().contains(direction)) {
                throw directionAt.error("unknown direction \"" + direction + "\" for link \"" + name + "\"; directions are "
                        + String.join(", ", link.directions()) + " (leave \"direction\" out for both)");
            }
        }
        if (state != null) {
            return new EventIn(new TimelineEvent.LinkState(when, name, LinksSection.state(state).equals("up"), direction), el, null);
        }
        ImpairmentIn imp = ImpairmentIn.read(set.object("an impairment", ImpairmentIn.KEYS));
        if (imp.value().isNone()) {
            throw set.error("empty \"set\"; give at least one of " + String.join(", ", ImpairmentIn.KEYS));
        }
        return new EventIn(new TimelineEvent.LinkImpairment(when, name, imp.value(), direction), el, imp);
    }

    private static EventIn nodeEvent(SourceValue el, Duration when, SourceValue nodeAt, CrossChecks refs) {
        el.object("a node event", List.of("at", "node", "exec", "action"));
        String node = refs.nodeRef(nodeAt);
        SourceValue exec = el.get("exec");
        SourceValue action = el.get("action");
        if (exec != null && action != null) {
            throw action.keyError("an event has \"exec\" or \"action\", not both; split it into two events");
        }
        if (exec == null && action == null) {
            throw el.error("missing \"exec\" or \"action\"; add \"exec\": \"a command\" or \"action\": one of " + String.join(", ", ACTIONS));
        }
        if (exec != null) {
            String command = CommandRules.command(exec, "write a shell command");
            return new EventIn(new TimelineEvent.NodeExec(when, node, command), el, null);
        }
        String a = action.text("an action");
        if (!ACTIONS.contains(a)) {
            throw action.error("unknown action \"" + a + "\"; actions are " + String.join(", ", ACTIONS));
        }
        return new EventIn(new TimelineEvent.NodeAction(when, node, a), el, null);
    }
}

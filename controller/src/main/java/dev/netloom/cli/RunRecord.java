package dev.netloom.cli;

import dev.netloom.lab.Checks;
import dev.netloom.lab.Lab;
import dev.netloom.lab.Timeline;
import dev.netloom.nodes.QemuNode;
import dev.netloom.topology.NodePlan;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What one run of a scenario left for the summary and the results document, taken from the lab
 * before it goes down.
 *
 * @param number        1 to N with --repeat N
 * @param error         why the run ended early (its lab did not come up, say), or null
 * @param started       when the run started
 * @param upTime        from the start to READY (null when the lab never was READY)
 * @param nodes         every node's state and boot time
 * @param engines       the impairment engine of every link direction at READY
 * @param checks        the results of "checks"
 * @param timelineStart when the timeline started (null without one)
 * @param timeline      the timeline events as played, with the results of their checks
 * @param hostNetem     the lab's host netem probe (null when it never ran)
 * @param heldMiB       what the lab's QEMUs held of their own at the end of the run (RssAnon less KSM-merged pages; null when it never came up)
 * @param ksm           same-page merging's state at the end of the run (null when the lab never came up)
 */
record RunRecord(int number, String error, Instant started, Duration upTime, List<NodeRecord> nodes, List<EngineRecord> engines,
                 List<Checks.Result> checks, Instant timelineStart, List<Timeline.Played> timeline, Boolean hostNetem, Long heldMiB,
                 String ksm) {

    RunRecord {
        nodes = List.copyOf(nodes);
        engines = List.copyOf(engines);
        checks = List.copyOf(checks);
        timeline = List.copyOf(timeline);
    }

    /** A node as the run saw it: its state at the end and how long it took to boot (null if it never did). */
    record NodeRecord(String name, String state, Duration boot) {
    }

    /** The engine shaping one direction of a link or LAN ("guest-netem", or "none" without an impairment). */
    record EngineRecord(String link, String direction, String engine) {
    }

    static List<EngineRecord> engines(Lab lab) {
        List<EngineRecord> out = new ArrayList<>();
        lab.engines().forEach((t, engine) -> out.add(new EngineRecord(t.segment(), t.direction(), engine)));
        return out;
    }

    static RunRecord of(int number, Lab lab, Instant started, Duration upTime, List<EngineRecord> engines, List<Checks.Result> checks,
                        Instant timelineStart, List<Timeline.Played> timeline, long heldMiB, String ksm) {
        List<NodeRecord> nodes = new ArrayList<>();
        for (NodePlan n : lab.plan().nodes()) {
            QemuNode node = lab.nodes().get(n.name());
            nodes.add(new NodeRecord(n.name(), node == null ? "-" : node.state().name(), node == null ? null : node.bootTime()));
        }
        return new RunRecord(number, null, started, upTime, nodes, engines, checks, timelineStart, timeline, lab.hostNetem(), heldMiB, ksm);
    }

    static RunRecord failed(int number, Instant started, String error) {
        return new RunRecord(number, error, started, null, List.of(), List.of(), List.of(), null, List.of(), null, null, null);
    }

    /** Every check, those of the timeline included, passed, every timeline event passed, and nothing ended the run early. */
    boolean ok() {
        return error == null && checks.stream().allMatch(Checks.Result::ok) && timeline.stream().allMatch(Timeline.Played::ok);
    }

    /**
     * The checks and timeline events that failed, a line for each, for people: "check ping r1->r3 failed:
     * no reply", "timeline event at 5 s (link r1-r2 down) failed: ..." ({@link #error} is said where it happens).
     */
    List<String> failures() {
        List<String> out = new ArrayList<>();
        allChecks().stream().filter(c -> !c.ok()).forEach(c -> out.add("check " + c.name() + " failed: " + c.detail().replaceFirst("^FAIL ", "")));
        timeline.stream().filter(p -> !p.ok() && p.checks().isEmpty()).forEach(p -> out.add("timeline event at "
                + Checks.number(p.planned().toMillis() / 1000.0) + " s (" + p.what() + ") failed" + (p.detail().isEmpty() ? "" : ": " + p.detail())));
        return out;
    }

    /** The results of "checks", then those of the timeline's check events, in the order they ran. */
    List<Checks.Result> allChecks() {
        List<Checks.Result> all = new ArrayList<>(checks);
        timeline.forEach(p -> all.addAll(p.checks()));
        return all;
    }
}

package dev.netloom.lab;

import dev.netloom.nodes.ExecResult;
import dev.netloom.scenario.Scenario;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Plays a scenario's timeline on a READY lab: each event at its offset from the start, logged with the
 * time it actually happened (events are ordered; one that runs long delays the next ones).
 */
public final class Timeline {

    /** What an event did and when, relative to the timeline start. */
    public record Played(Duration planned, Duration actual, String what, boolean ok, String detail) {
    }

    private Timeline() {
    }

    public static List<Played> play(Lab lab, List<Scenario.TimelineEvent> events, Instant start) throws InterruptedException {
        List<Played> played = new ArrayList<>();
        for (Scenario.TimelineEvent e : events) {
            waitUntil(start.plus(e.at()));
            Duration actual = Duration.between(start, Instant.now());
            String what = describe(e);
            boolean ok = true;
            String detail = "";
            try {
                if (e.link() != null && e.set() != null) {
                    lab.setImpairment(e.link(), e.direction(), e.set());
                } else if (e.link() != null && e.up() != null) {
                    lab.setLinkState(e.link(), e.up());
                } else if (e.node() != null && e.exec() != null) {
                    ExecResult r = lab.exec(e.node(), e.exec(), Duration.ofSeconds(60));
                    ok = r.exitCode() == 0;
                    String out = r.output().strip();
                    detail = "exit " + r.exitCode() + (out.isEmpty() ? "" : ": " + out.substring(out.lastIndexOf('\n') + 1));
                } else if (e.node() != null && e.action() != null) {
                    lab.nodeAction(e.node(), e.action());
                }
            } catch (RuntimeException ex) {
                ok = false;
                detail = ex.getMessage();
            }
            lab.event(LabEvent.Kind.TIMELINE, what, "at " + actual.toMillis() + " ms (planned " + e.at().toMillis() + " ms)" + (ok ? "" : " FAILED") + (detail.isEmpty() ? "" : ": " + detail));
            played.add(new Played(e.at(), actual, what, ok, detail));
        }
        return played;
    }

    /** Waits for a wall-clock instant (the timeline is defined in wall-clock offsets). */
    public static void waitUntil(Instant when) throws InterruptedException {
        long ms = Duration.between(Instant.now(), when).toMillis();
        if (ms > 0) {
            Thread.sleep(ms);
        }
    }

    static String describe(Scenario.TimelineEvent e) {
        if (e.link() != null) {
            return "link " + e.link() + (e.set() != null ? " set " + (e.direction() == null ? "" : e.direction() + " ") + e.set().describe()
                    : e.up() ? " up" : " down");
        }
        return "node " + e.node() + (e.exec() != null ? " exec `" + e.exec() + "`" : " " + e.action());
    }
}

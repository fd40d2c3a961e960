package dev.netloom.lab;

import dev.netloom.nodes.ExecResult;
import dev.netloom.scenario.Scenario.TimelineEvent;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Plays a scenario's timeline on a READY lab: each event at its offset from the start, logged with the
 * time it actually happened (events are ordered; one that runs long, such as a check with "within",
 * delays the next ones).
 */
public final class Timeline {

    /** What an event did and when, relative to the timeline start; a check event has its results in {@code checks}. */
    public record Played(Duration planned, Duration actual, String what, boolean ok, String detail, List<Checks.Result> checks) {
        public Played {
            checks = List.copyOf(checks);
        }
    }

    private Timeline() {
    }

    public static List<Played> play(LabActions lab, List<TimelineEvent> events, Instant start) throws InterruptedException {
        List<Played> played = new ArrayList<>();
        for (TimelineEvent e : events) {
            waitUntil(start.plus(e.at()));
            Duration actual = Duration.between(start, Instant.now());
            String what = describe(e);
            boolean ok = true;
            String detail = "";
            List<Checks.Result> checks = List.of();
            try {
                if (e instanceof TimelineEvent.LinkImpairment i) {
                    lab.setImpairment(i.link(), i.direction(), i.impairment());
                } else if (e instanceof TimelineEvent.LinkState l) {
                    lab.setLinkState(l.link(), l.direction(), l.up());
                } else if (e instanceof TimelineEvent.NodeExec x) {
                    ExecResult r = lab.exec(x.node(), x.command(), Duration.ofSeconds(60));
                    ok = r.exitCode() == 0;
                    String out = r.output().strip();
                    detail = "exit " + r.exitCode() + (out.isEmpty() ? "" : ": " + out.substring(out.lastIndexOf('\n') + 1));
                } else if (e instanceof TimelineEvent.Move m) {
                    detail = lab.move(m.positions());
                } else if (e instanceof TimelineEvent.StepTo st) {
                    detail = lab.step(st.index());
                } else if (e instanceof TimelineEvent.NodeAction a) {
                    lab.nodeAction(a.node(), a.action());
                } else if (e instanceof TimelineEvent.RunCheck c) {
                    checks = Checks.run(lab, List.of(c.check()));
                    long passed = checks.stream().filter(Checks.Result::ok).count();
                    ok = passed == checks.size();
                    detail = checks.size() == 1 ? (ok ? "ok" : "FAIL") + ": " + checks.get(0).detail() : passed + "/" + checks.size() + " passed";
                }
            } catch (RuntimeException ex) {
                ok = false;
                detail = ex.getMessage();
            }
            lab.event(LabEvent.Kind.TIMELINE, what, "at " + actual.toMillis() + " ms (planned " + e.at().toMillis() + " ms)" + (ok ? "" : " FAILED") + (detail.isEmpty() ? "" : ": " + detail));
            played.add(new Played(e.at(), actual, what, ok, detail, checks));
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

    static String describe(TimelineEvent e) {
        if (e instanceof TimelineEvent.LinkImpairment i) {
            return "link " + i.link() + " set " + (i.direction() == null ? "" : i.direction() + " ") + i.impairment().describe();
        }
        if (e instanceof TimelineEvent.LinkState l) {
            return "link " + l.link() + (l.direction() == null ? "" : " " + l.direction()) + (l.up() ? " up" : " down");
        }
        if (e instanceof TimelineEvent.NodeExec x) {
            return "node " + x.node() + " exec `" + x.command() + "`";
        }
        if (e instanceof TimelineEvent.NodeAction a) {
            return "node " + a.node() + " " + a.action();
        }
        if (e instanceof TimelineEvent.RunCheck c) {
            return "check " + c.check().label();
        }
        if (e instanceof TimelineEvent.Move m) {
            return "move " + new java.util.TreeMap<>(m.positions()).entrySet().stream()
                    .map(p -> p.getKey() + " to (" + Math.round(p.getValue().x() * 10) / 10.0 + ", " + Math.round(p.getValue().y() * 10) / 10.0 + ")")
                    .collect(java.util.stream.Collectors.joining(", "));
        }
        if (e instanceof TimelineEvent.StepTo s) {
            return "step " + (s.index() == null ? "next" : String.valueOf(s.index() + 1));
        }
        throw new IllegalArgumentException("unknown timeline event " + e);
    }
}

package dev.netloom.lab;

import dev.netloom.nodes.ExecResult;
import dev.netloom.scenario.Check;
import dev.netloom.scenario.Cidr;
import dev.netloom.topology.NodePlan;
import dev.netloom.topology.Plan;
import dev.netloom.topology.SegmentPlan;
import dev.netloom.topology.Topology;
import org.jgrapht.GraphPath;
import org.jgrapht.alg.shortestpath.DijkstraShortestPath;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * Runs a scenario's checks on a READY lab, one after the other, each with its figures and timings. A
 * check with {@code within} is run again, after {@link #RETRY_PAUSE}, until it holds or its time is
 * up; a try that starts in time runs to its end. Pings go to the target's name (resolved by the hosts
 * entries netloom wrote), once per address family the check names ({@code ping -6} for IPv6,
 * {@code ping -4} for IPv4 in a lab that has both, so that the name resolves to the family asked
 * for); {@code ping all} pings every other node from every node, one command per source node, the
 * sources in parallel.
 */
public final class Checks {

    /** The pause between two tries of a check with "within": a check that comes to hold is seen soon after, without a busy loop. */
    public static final Duration RETRY_PAUSE = Duration.ofMillis(250);

    /**
     * One check's outcome, e.g. {@code ping a->c: ok}. A {@code ping all} check has one per pair.
     *
     * @param name     the check's name (its own, or what it tests)
     * @param kind     ping, exec, fidelity, reachable or unreachable
     * @param detail   what was seen, for people
     * @param figures  what was measured, with units
     * @param started  when the first try started
     * @param took     from the first try's start to the last one's end
     * @param attempts how many tries it took (1 without "within")
     * @param captures the flight recorder's pcapng files saved when it failed (names in the results' directory)
     */
    public record Result(String name, String kind, boolean ok, String detail, List<Figure> figures, Instant started, Duration took,
                         int attempts, List<String> captures) {
        public Result {
            figures = List.copyOf(figures);
            captures = List.copyOf(captures);
        }

        public Result(String name, String kind, boolean ok, String detail, List<Figure> figures, Instant started, Duration took,
                      int attempts) {
            this(name, kind, ok, detail, figures, started, took, attempts, List.of());
        }

        Result withCaptures(List<String> files) {
            return new Result(name, kind, ok, detail, figures, started, took, attempts, files);
        }
    }

    /** What one try of a check found. */
    record Outcome(boolean ok, String detail, List<Figure> figures) {
        Outcome {
            figures = List.copyOf(figures);
        }
    }

    /** One try's outcome under its name (a ping all try has one per pair). */
    private record Named(String name, Outcome outcome) {
    }

    private Checks() {
    }

    /** Runs the checks in order; every result is also a CHECK event of the lab. */
    public static List<Result> run(LabActions lab, List<Check> checks) {
        List<Result> results = new ArrayList<>();
        for (Check check : checks) {
            List<Result> one = run(lab, check);
            for (Result r : one) {
                lab.event(LabEvent.Kind.CHECK, r.name(), (r.ok() ? "ok" : "FAIL") + (r.detail().isEmpty() ? "" : ": " + r.detail()));
            }
            results.addAll(one);
        }
        return results;
    }

    /** Runs one check, trying again while it fails and its {@code within} allows. */
    static List<Result> run(LabActions lab, Check check) {
        Instant started = Instant.now();
        Instant deadline = check.within() == null ? started : started.plus(check.within());
        int attempts = 0;
        List<Named> last;
        while (true) {
            attempts++;
            last = attempt(lab, check);
            Instant now = Instant.now();
            if (last.stream().allMatch(n -> n.outcome().ok()) || !now.isBefore(deadline)) {
                break;
            }
            try {
                Thread.sleep(Math.max(1, Math.min(RETRY_PAUSE.toMillis(), Duration.between(now, deadline).toMillis())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        Duration took = Duration.between(started, Instant.now());
        String tries = attempts == 1 ? "" : " (try " + attempts + ", after " + number(took.toMillis() / 1000.0) + " s)";
        List<Result> results = new ArrayList<>();
        for (Named n : last) {
            Result r = new Result(n.name(), check.spec().kind(), n.outcome().ok(), n.outcome().detail() + tries, n.outcome().figures(),
                    started, took, attempts);
            if (!r.ok() && lab.recording()) {
                r = r.withCaptures(evidence(lab, r.name(), involved(lab.plan(), Topology.of(lab.scenario()), check.spec())));
            }
            results.add(r);
        }
        return results;
    }

    /** Saves the flight recorder's rings of a failed check's links; a failure to save is an event, not a second failure. */
    private static List<String> evidence(LabActions lab, String name, List<String> segments) {
        try {
            return lab.saveEvidence(name, segments);
        } catch (RuntimeException e) {
            lab.event(LabEvent.Kind.CHECK, name, "flight recorder not saved: " + e.getMessage());
            return List.of();
        }
    }

    /**
     * The links and LANs a check's traffic crosses: a ping's or reach's shortest path (its two nodes'
     * links when there is none), an exec's node's links, a fidelity check's link, every one for ping all.
     */
    static List<String> involved(Plan plan, Topology topology, Check.Spec spec) {
        if (spec instanceof Check.Ping p) {
            return path(plan, topology, p.from(), p.to());
        }
        if (spec instanceof Check.Reach r) {
            return path(plan, topology, r.from(), r.to());
        }
        if (spec instanceof Check.Exec x) {
            return attached(plan, List.of(x.node()));
        }
        if (spec instanceof Check.Fidelity f) {
            return List.of(f.link());
        }
        return plan.segments().stream().map(SegmentPlan::name).toList();
    }

    private static List<String> path(Plan plan, Topology topology, String from, String to) {
        GraphPath<String, Topology.Edge> path = new DijkstraShortestPath<>(topology.graph()).getPath(from, to);
        if (path == null || path.getEdgeList().isEmpty()) {
            return attached(plan, List.of(from, to));
        }
        return path.getEdgeList().stream().map(Topology.Edge::segment).distinct().toList();
    }

    private static List<String> attached(Plan plan, List<String> nodes) {
        return plan.segments().stream().filter(s -> s.members().stream().anyMatch(m -> nodes.contains(m.node())))
                .map(SegmentPlan::name).toList();
    }

    private static List<Named> attempt(LabActions lab, Check check) {
        try {
            Check.Spec spec = check.spec();
            if (!Check.hasFamily(spec)) {
                Outcome outcome;
                if (spec instanceof Check.Exec x) {
                    outcome = exec(lab, x);
                } else if (spec instanceof Check.Fidelity f) {
                    outcome = Fidelity.run(lab, f);
                } else {
                    throw new IllegalArgumentException("unknown check " + spec);
                }
                return List.of(new Named(check.label(), outcome));
            }
            List<Named> out = new ArrayList<>();
            for (Cidr.Family family : check.families()) {
                if (spec instanceof Check.PingAll) {
                    for (Named n : pingAll(lab, family)) {
                        out.add(new Named(check.label(family, check.name() == null ? n.name() : check.name() + " " + n.name()), n.outcome()));
                    }
                } else if (spec instanceof Check.Ping p) {
                    out.add(new Named(check.label(family), ping(lab, p, family)));
                } else if (spec instanceof Check.Reach r) {
                    out.add(new Named(check.label(family), reach(lab, r, family)));
                }
            }
            return out;
        } catch (RuntimeException e) {
            // a node that is stopped or fails: this try failed, the next one may do better
            return List.of(new Named(check.label(), new Outcome(false, String.valueOf(e.getMessage()), List.of())));
        }
    }

    /** "ping", "ping -4" (IPv4 where names resolve to both families) or "ping -6". */
    static String pingCommand(LabActions lab, Cidr.Family family) {
        if (family == Cidr.Family.IPV6) {
            return "ping -6";
        }
        boolean dualStack = lab.plan().nodes().stream().flatMap(n -> n.interfaces().stream()).anyMatch(i -> i.address6() != null);
        return dualStack ? "ping -4" : "ping";
    }

    static Outcome ping(LabActions lab, Check.Ping p, Cidr.Family family) {
        lab.plan().node(p.to());
        double interval = p.interval() == null ? 1 : p.interval().toNanos() / 1e9;
        long deadline = (long) Math.ceil(p.count() * interval) + 5;
        String cmd = pingCommand(lab, family) + " -c " + p.count() + (p.interval() == null ? "" : " -i " + Fidelity.seconds(p.interval())) + " -w " + deadline + " " + p.to();
        ExecResult r = lab.exec(p.from(), cmd, Duration.ofSeconds(deadline + 15));
        PingReport report = PingReport.parse(r.output());
        List<Figure> figures = pingFigures(report);
        List<String> failed = new ArrayList<>();
        if (report.received() == 0) {
            failed.add("no reply");
        }
        if (p.maxLossPercent() != null && report.lossPercent() > p.maxLossPercent()) {
            failed.add("loss " + number(report.lossPercent()) + "% > maxLoss " + number(p.maxLossPercent()) + "%");
        }
        if (p.maxRtt() != null && !report.rtts().isEmpty() && Stats.mean(report.rtts()) > p.maxRtt().toNanos() / 1e6) {
            failed.add("average rtt " + number(Stats.mean(report.rtts())) + " ms > maxRtt " + number(p.maxRtt().toNanos() / 1e6) + " ms");
        }
        return new Outcome(failed.isEmpty(), (failed.isEmpty() ? "" : "FAIL " + String.join(", ", failed) + ": ") + report.describe(), figures);
    }

    private static List<Figure> pingFigures(PingReport report) {
        List<Figure> figures = new ArrayList<>();
        if (report.hasStatistics()) {
            figures.add(new Figure("sent", report.sent(), "packets"));
            figures.add(new Figure("received", report.received(), "packets"));
            figures.add(new Figure("loss", report.lossPercent(), "%"));
        }
        if (!report.rtts().isEmpty()) {
            Stats.Summary s = Stats.summary(report.rtts());
            figures.add(new Figure("rtt.min", s.min(), "ms"));
            figures.add(new Figure("rtt.avg", Stats.mean(report.rtts()), "ms"));
            figures.add(new Figure("rtt.max", s.max(), "ms"));
        }
        return figures;
    }

    /** Up to 3 pings 0.2 s apart: reachable when one comes back, unreachable when none does. */
    static Outcome reach(LabActions lab, Check.Reach r, Cidr.Family family) {
        lab.plan().node(r.to());
        ExecResult x = lab.exec(r.from(), pingCommand(lab, family) + " -c 3 -i 0.2 -W 1 -w 3 " + r.to(), Duration.ofSeconds(20));
        PingReport report = PingReport.parse(x.output());
        boolean replied = report.received() > 0;
        String seen = replied ? "reached: " + report.describe()
                : "no reply: " + (report.hasStatistics() ? report.describe() : report.problem());
        List<Figure> figures = report.hasStatistics() ? pingFigures(report) : List.of(new Figure("received", 0, "packets"));
        return new Outcome(replied == r.reachable(), (replied == r.reachable() ? "" : "FAIL ") + seen, figures);
    }

    static Outcome exec(LabActions lab, Check.Exec x) {
        ExecResult r = lab.exec(x.node(), x.command(), x.timeout());
        List<Figure> figures = List.of(new Figure("exit", r.exitCode(), "code"),
                new Figure("output", r.output().getBytes(java.nio.charset.StandardCharsets.UTF_8).length, "bytes"));
        List<String> failed = new ArrayList<>();
        if (r.timedOut()) {
            failed.add("timed out after " + x.timeout().toSeconds() + " s");
        } else if (r.exitCode() != x.exitCode()) {
            failed.add("exit " + r.exitCode() + ", expected " + x.exitCode());
        }
        boolean matches = x.output() == null || Pattern.compile(x.output(), Pattern.MULTILINE).matcher(r.output()).find();
        if (!matches) {
            failed.add("output does not match /" + x.output() + "/");
        }
        String out = r.output().strip();
        String last = out.isEmpty() ? "no output" : "output: " + out.substring(out.lastIndexOf('\n') + 1);
        String seen = "exit " + r.exitCode() + (x.output() == null ? "" : ", output matches /" + x.output() + "/");
        return new Outcome(failed.isEmpty(), failed.isEmpty() ? seen : "FAIL " + String.join(", ", failed) + "; " + last, figures);
    }

    /** Every node pings every other once (retrying once, as the first packet may wait for ARP). */
    private static List<Named> pingAll(LabActions lab, Cidr.Family family) {
        String ping = pingCommand(lab, family);
        List<NodePlan> nodes = lab.plan().nodes().stream().filter(n -> !n.interfaces().isEmpty()).toList();
        List<CompletableFuture<List<Named>>> perSource = new ArrayList<>();
        for (NodePlan from : nodes) {
            StringBuilder targets = new StringBuilder();
            nodes.stream().filter(n -> n != from).forEach(n -> targets.append(' ').append(n.name()));
            if (targets.length() == 0) {
                continue;
            }
            String cmd = "for h in" + targets + "; do if o=$(" + ping + " -c 1 -w 3 $h 2>&1) || o=$(" + ping + " -c 1 -w 3 $h 2>&1);"
                    + " then echo \"ok $h $(echo \"$o\" | sed -n 's/.*time=\\([0-9.]*\\) *ms.*/\\1/p')\"; else echo \"FAIL $h\"; fi; done";
            perSource.add(lab.execAsync(from.name(), cmd, Duration.ofSeconds(10L * nodes.size() + 30)).thenApply(r -> {
                List<Named> out = new ArrayList<>();
                for (String line : r.output().lines().toList()) {
                    String[] parts = line.strip().split(" ");
                    if (parts.length >= 2 && (parts[0].equals("ok") || parts[0].equals("FAIL"))) {
                        boolean ok = parts[0].equals("ok");
                        List<Figure> figures = new ArrayList<>();
                        if (parts.length == 3 && parts[2].matches("[0-9]+(\\.[0-9]+)?")) {
                            figures.add(new Figure("rtt", Double.parseDouble(parts[2]), "ms"));
                        }
                        out.add(new Named("ping " + from.name() + "->" + parts[1], new Outcome(ok,
                                ok ? "reachable" + (figures.isEmpty() ? "" : ", rtt " + parts[2] + " ms") : "no reply", figures)));
                    }
                }
                if (out.size() != nodes.size() - 1) {
                    out.add(new Named("ping " + from.name() + "->all", new Outcome(false, "incomplete output (exit " + r.exitCode() + "): "
                            + r.output().strip(), List.of())));
                }
                return out;
            }));
        }
        List<Named> results = new ArrayList<>();
        perSource.forEach(f -> results.addAll(f.join()));
        return results;
    }

    /** A figure for people: at most 3 significant digits before the point, up to 2 after ("20.4", "0.51", "1234"). */
    public static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return String.valueOf((long) v);
        }
        double a = Math.abs(v);
        String s = String.format(Locale.ROOT, a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : "%.2f", v);
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }
}

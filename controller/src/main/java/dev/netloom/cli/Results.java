package dev.netloom.cli;

import dev.netloom.lab.Checks;
import dev.netloom.lab.Figure;
import dev.netloom.lab.Stats;
import dev.netloom.lab.Timeline;
import dev.netloom.topology.InterfacePlan;
import dev.netloom.topology.NodePlan;
import dev.netloom.topology.Plan;
import dev.netloom.topology.Route;
import dev.netloom.topology.SegmentPlan;

import java.io.PrintStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The results document of `netloom run --results FILE` and `--json`: the scenario (with the SHA-256
 * of the file's bytes), the host, the plan, and every run with its nodes' boot times, the engine of
 * each link direction, every check with its figures and timings and every timeline event with its
 * planned and actual time; then, over all runs, the median, minimum and maximum of each figure.
 * Built from plain maps and lists so that its shape is written here, key by key.
 */
final class Results {

    /** The document's format, its first key: a reader checks it before anything else. */
    static final String FORMAT = "netloom-results/1";

    private Results() {
    }

    /** The scenario as read: where from, and its bytes (for the hash). */
    record Source(String file, byte[] bytes) {

        String sha256() {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java has SHA-256", e);
            }
        }
    }

    /** One figure of one check over all runs. */
    record FigureSummary(String check, String figure, String unit, Stats.Summary summary) {
    }

    /** How often one check passed. */
    record CheckSummary(String check, String kind, int passed, int runs) {
    }

    static Map<String, Object> document(Source source, String lab, Plan plan, HostFacts host, List<RunRecord> runs, int repeat) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("format", FORMAT);
        doc.put("ok", !runs.isEmpty() && runs.size() == repeat && runs.stream().allMatch(RunRecord::ok));
        Map<String, Object> scenario = new LinkedHashMap<>();
        scenario.put("file", source.file());
        scenario.put("name", lab);
        scenario.put("sha256", source.sha256());
        scenario.put("bytes", source.bytes().length);
        doc.put("scenario", scenario);
        doc.put("host", host(host));
        doc.put("plan", plan(plan));
        doc.put("repeat", repeat);
        doc.put("runs", runs.stream().map(Results::run).toList());
        doc.put("summary", summary(runs, repeat));
        return doc;
    }

    private static Map<String, Object> host(HostFacts h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", h.cores());
        m.put("memoryMiB", h.memoryMiB());
        m.put("kernel", h.kernel());
        m.put("qemu", h.qemu());
        m.put("accel", h.accel());
        m.put("hostNetem", h.hostNetem());
        return m;
    }

    static Map<String, Object> plan(Plan plan) {
        List<Map<String, Object>> nodes = new ArrayList<>();
        for (NodePlan n : plan.nodes()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", n.name());
            m.put("image", n.image());
            m.put("memoryMiB", n.memoryMiB());
            m.put("cpus", n.cpus());
            List<Map<String, Object>> interfaces = new ArrayList<>();
            for (InterfacePlan i : n.interfaces()) {
                Map<String, Object> iface = ordered("name", i.guestName(), "segment", i.segment(), "address", i.address());
                if (i.address6() != null) {
                    iface.put("address6", i.address6());
                }
                iface.put("mac", i.mac());
                iface.put("tap", i.tap());
                interfaces.add(iface);
            }
            m.put("interfaces", interfaces);
            List<Map<String, Object>> routes = new ArrayList<>();
            for (Route r : n.routes()) {
                routes.add(ordered("destination", r.destination(), "via", r.via(), "dev", r.dev()));
            }
            m.put("routes", routes);
            nodes.add(m);
        }
        List<Map<String, Object>> segments = new ArrayList<>();
        for (SegmentPlan s : plan.segments()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", s.name());
            m.put("kind", s.kind().name().toLowerCase(Locale.ROOT));
            m.put("bridge", s.bridge());
            m.put("subnet", s.subnet());
            m.put("subnet6", s.subnet6());
            m.put("members", s.members().stream().map(x -> {
                Map<String, Object> member = ordered("node", x.node(), "dev", x.dev(), "address", x.address());
                if (x.address6() != null) {
                    member.put("address6", x.address6());
                }
                member.put("tap", x.tap());
                return member;
            }).toList());
            Map<String, Object> impairments = new LinkedHashMap<>();
            s.impairments().forEach((direction, imp) -> impairments.put(direction, imp.fields()));
            m.put("impairments", impairments);
            segments.add(m);
        }
        return ordered("lab", plan.lab(), "nodes", nodes, "segments", segments);
    }

    private static Map<String, Object> run(RunRecord r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run", r.number());
        m.put("ok", r.ok());
        m.put("error", r.error());
        m.put("started", r.started().toString());
        m.put("upMillis", r.upTime() == null ? null : r.upTime().toMillis());
        m.put("nodes", r.nodes().stream().map(n -> ordered("name", n.name(), "state", n.state(),
                "bootMillis", n.boot() == null ? null : n.boot().toMillis())).toList());
        m.put("engines", r.engines().stream().map(e -> ordered("link", e.link(), "direction", e.direction(), "engine", e.engine())).toList());
        m.put("heldMiB", r.heldMiB());
        m.put("ksm", r.ksm());
        Instant ready = r.upTime() == null ? r.started() : r.started().plus(r.upTime());
        List<Map<String, Object>> checks = new ArrayList<>();
        r.checks().forEach(c -> checks.add(check(c, "checks", ready)));
        List<Map<String, Object>> timeline = new ArrayList<>();
        for (Timeline.Played p : r.timeline()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("event", p.what());
            e.put("plannedMillis", p.planned().toMillis());
            e.put("actualMillis", p.actual().toMillis());
            e.put("ok", p.ok());
            e.put("detail", p.detail());
            if (!p.checks().isEmpty()) {
                e.put("checks", p.checks().stream().map(Checks.Result::name).toList());
            }
            timeline.add(e);
            p.checks().forEach(c -> checks.add(check(c, "timeline", ready)));
        }
        m.put("timelineStartMillis", r.timelineStart() == null ? null : Duration.between(ready, r.timelineStart()).toMillis());
        m.put("checks", checks);
        m.put("timeline", timeline);
        return m;
    }

    /** A check result; its start is an offset from READY, like every time of a run. */
    static Map<String, Object> check(Checks.Result c, String phase, Instant ready) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", c.name());
        m.put("kind", c.kind());
        m.put("phase", phase);
        m.put("ok", c.ok());
        m.put("detail", c.detail());
        m.put("startMillis", Duration.between(ready, c.started()).toMillis());
        m.put("millis", c.took().toMillis());
        m.put("attempts", c.attempts());
        m.put("figures", c.figures().stream().map(f -> ordered("name", f.name(), "value", f.value(), "unit", f.unit())).toList());
        if (!c.captures().isEmpty()) {
            m.put("captures", c.captures()); // the flight recorder's pcapng files, beside the results document
        }
        return m;
    }

    private static Map<String, Object> summary(List<RunRecord> runs, int repeat) {
        Map<String, Object> m = new LinkedHashMap<>();
        long passed = runs.stream().filter(RunRecord::ok).count();
        m.put("runs", runs.size());
        m.put("repeat", repeat);
        m.put("passed", passed);
        m.put("failed", runs.size() - passed);
        List<Double> up = runs.stream().filter(r -> r.upTime() != null).map(r -> (double) r.upTime().toMillis()).toList();
        m.put("upMillis", up.isEmpty() ? null : summary(Stats.summary(up)));
        Map<String, List<Double>> boots = new LinkedHashMap<>();
        runs.forEach(r -> r.nodes().stream().filter(n -> n.boot() != null)
                .forEach(n -> boots.computeIfAbsent(n.name(), k -> new ArrayList<>()).add((double) n.boot().toMillis())));
        Map<String, Object> bootMillis = new LinkedHashMap<>();
        boots.forEach((node, values) -> bootMillis.put(node, summary(Stats.summary(values))));
        m.put("bootMillis", bootMillis);
        m.put("checks", checks(runs).stream().map(c -> ordered("name", c.check(), "kind", c.kind(), "passed", c.passed(), "runs", c.runs())).toList());
        List<Map<String, Object>> figures = new ArrayList<>();
        for (FigureSummary f : figures(runs)) {
            Map<String, Object> e = ordered("check", f.check(), "figure", f.figure(), "unit", f.unit());
            e.putAll(summary(f.summary()));
            figures.add(e);
        }
        m.put("figures", figures);
        return m;
    }

    private static Map<String, Object> summary(Stats.Summary s) {
        return ordered("n", s.n(), "median", s.median(), "min", s.min(), "max", s.max());
    }

    /**
     * Each figure of each check over the runs, in the order they first appear. A check is known by its
     * name; when one run has two checks of the same name, the second is "NAME #2".
     */
    static List<FigureSummary> figures(List<RunRecord> runs) {
        Map<List<String>, List<Double>> values = new LinkedHashMap<>();
        Map<List<String>, String> units = new HashMap<>();
        for (RunRecord r : runs) {
            keyed(r.allChecks()).forEach((name, result) -> {
                for (Figure f : result.figures()) {
                    List<String> key = List.of(name, f.name());
                    values.computeIfAbsent(key, k -> new ArrayList<>()).add(f.value());
                    units.putIfAbsent(key, f.unit());
                }
            });
        }
        List<FigureSummary> out = new ArrayList<>();
        values.forEach((key, v) -> out.add(new FigureSummary(key.get(0), key.get(1), units.get(key), Stats.summary(v))));
        return out;
    }

    /** How often each check passed, over the runs that ran it. */
    static List<CheckSummary> checks(List<RunRecord> runs) {
        Map<String, int[]> counts = new LinkedHashMap<>();
        Map<String, String> kinds = new HashMap<>();
        for (RunRecord r : runs) {
            keyed(r.allChecks()).forEach((name, result) -> {
                int[] c = counts.computeIfAbsent(name, k -> new int[2]);
                c[0] += result.ok() ? 1 : 0;
                c[1]++;
                kinds.putIfAbsent(name, result.kind());
            });
        }
        List<CheckSummary> out = new ArrayList<>();
        counts.forEach((name, c) -> out.add(new CheckSummary(name, kinds.get(name), c[0], c[1])));
        return out;
    }

    private static Map<String, Checks.Result> keyed(List<Checks.Result> results) {
        Map<String, Checks.Result> out = new LinkedHashMap<>();
        Map<String, Integer> seen = new HashMap<>();
        for (Checks.Result c : results) {
            int k = seen.merge(c.name(), 1, Integer::sum);
            out.put(k == 1 ? c.name() : c.name() + " #" + k, c);
        }
        return out;
    }

    /** The human summary of repeated runs: one line per run, how often each check passed, and each figure's median, min and max. */
    static void printRepeat(PrintStream out, List<RunRecord> runs, int repeat) {
        out.println();
        for (RunRecord r : runs) {
            if (r.error() != null) {
                out.printf("run %d/%d: FAILED: %s%n", r.number(), repeat, r.error());
                continue;
            }
            List<Checks.Result> checks = r.allChecks();
            long passed = checks.stream().filter(Checks.Result::ok).count();
            long events = r.timeline().stream().filter(Timeline.Played::ok).count();
            out.printf("run %d/%d: %s: READY in %.1f s, checks %d/%d passed, timeline %d/%d ok%n", r.number(), repeat, r.ok() ? "ok" : "FAILED",
                    r.upTime().toMillis() / 1000.0, passed, checks.size(), events, r.timeline().size());
            checks.stream().filter(c -> !c.ok()).forEach(c -> out.printf("    FAIL %s: %s%n", c.name(), c.detail()));
        }
        Map<String, List<Double>> boots = new LinkedHashMap<>();
        runs.forEach(r -> r.nodes().stream().filter(n -> n.boot() != null)
                .forEach(n -> boots.computeIfAbsent(n.name(), k -> new ArrayList<>()).add(n.boot().toMillis() / 1000.0)));
        if (!boots.isEmpty()) {
            out.printf("%n%-15s %10s %10s %10s %4s%n", "NODE BOOT (s)", "MEDIAN", "MIN", "MAX", "N");
            boots.forEach((node, values) -> {
                Stats.Summary s = Stats.summary(values);
                out.printf("%-15s %10s %10s %10s %4d%n", node, Checks.number(s.median()), Checks.number(s.min()), Checks.number(s.max()), s.n());
            });
        }
        List<CheckSummary> checks = checks(runs);
        if (!checks.isEmpty()) {
            out.printf("%n%-32s %-12s %s%n", "CHECK", "KIND", "PASSED");
            checks.forEach(c -> out.printf("%-32s %-12s %d/%d%n", c.check(), c.kind(), c.passed(), c.runs()));
        }
        List<FigureSummary> figures = figures(runs);
        if (!figures.isEmpty()) {
            out.printf("%n%-32s %-16s %10s %10s %10s %4s  %s%n", "CHECK", "FIGURE", "MEDIAN", "MIN", "MAX", "N", "UNIT");
            for (FigureSummary f : figures) {
                out.printf("%-32s %-16s %10s %10s %10s %4d  %s%n", f.check(), f.figure(), Checks.number(f.summary().median()),
                        Checks.number(f.summary().min()), Checks.number(f.summary().max()), f.summary().n(), f.unit());
            }
        }
        long passed = runs.stream().filter(RunRecord::ok).count();
        out.printf("%n%d of %d runs, %d passed, %d failed%n", runs.size(), repeat, passed, runs.size() - passed);
    }

    /** A map with the keys in the order given: key, value, key, value... */
    static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }
}

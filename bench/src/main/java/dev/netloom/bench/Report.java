package dev.netloom.bench;

import dev.netloom.nodes.Json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders the host facts and the figures: as a plain-text table for a person, or as JSON for a program. */
final class Report {

    private static final List<String> HEADER = List.of("BENCHMARK", "FIGURE", "MEASURED", "BASELINE", "RATIO", "TARGET", "MET");

    private Report() {
    }

    static String hostText(HostFacts h) {
        return String.format(Locale.ROOT, """
                host:         %d cores, %d MiB memory, Linux %s
                acceleration: %s (%s)
                qemu:         %s
                host netem:   %s (%s)
                load average: %s at the start%s
                """, h.cores(), h.memoryMiB(), h.kernel(), h.accel(), h.accelReason(), h.qemu(),
                h.hostNetem() ? "available" : "not available", h.netemDetail(), Report.number(h.loadAverage()),
                h.loadAverage() > h.cores() / 2.0 ? " (a busy host: expect noisy figures)" : "");
    }

    static String table(List<Figure> figures) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(HEADER);
        for (Figure f : figures) {
            String ratio = number(f.ratio());
            if (f.target() != null && f.target().kind() == Target.Kind.ABOVE_BASELINE_AT_MOST) {
                ratio += String.format(Locale.ROOT, " (%+.0f %s)", f.aboveBaseline(), f.unit());
            }
            rows.add(List.of(f.bench(), f.what(), cell(f, f.measured()), cell(f, f.baseline()), ratio,
                    f.target() == null ? "-" : f.target().describe(f),
                    f.met() == null ? "-" : f.met() ? "yes" : "NO"));
        }
        int[] width = new int[HEADER.size()];
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                width[i] = Math.max(width[i], row.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                line.append(String.format("%-" + width[i] + "s", row.get(i))).append(i + 1 < row.size() ? "  " : "");
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        out.append("""
                MEASURED/BASELINE: median [min-max] over the repetitions, or median (p99) for many cheap ones.
                RATIO: median measured / median baseline.
                """);
        return out.toString();
    }

    /** The samples as the table shows them: one value, median with its range, or median with its p99. */
    static String cell(Figure f, Samples s) {
        if (s.n() == 1) {
            return number(s.median()) + " " + f.unit();
        }
        if (f.tail()) {
            return number(s.median()) + " (p99 " + number(s.percentile(99)) + ") " + f.unit();
        }
        return number(s.median()) + " [" + number(s.min()) + "-" + number(s.max()) + "] " + f.unit();
    }

    /** Three significant figures at most, and no decimals above 100: a benchmark is not that precise. */
    static String number(double v) {
        double a = Math.abs(v);
        String format = a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : "%.2f";
        return String.format(Locale.ROOT, format, v);
    }

    /** A target's limit as written in the code: 25, 1.1, 0.9. */
    static String limit(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    static String json(HostFacts host, boolean quick, List<Figure> figures, List<String> failed) throws Exception {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("host", host);
        doc.put("quick", quick);
        List<Map<String, Object>> list = new ArrayList<>();
        for (Figure f : figures) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("benchmark", f.bench());
            m.put("figure", f.what());
            m.put("unit", f.unit());
            m.put("measured", stats(f.measured()));
            m.put("baseline", stats(f.baseline()));
            m.put("ratio", f.ratio());
            m.put("aboveBaseline", f.aboveBaseline());
            if (f.target() != null) {
                m.put("target", f.target().describe(f));
                m.put("met", f.met());
            }
            list.add(m);
        }
        doc.put("figures", list);
        doc.put("failed", failed);
        return Json.PRETTY.writeValueAsString(doc);
    }

    private static Map<String, Object> stats(Samples s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", s.n());
        m.put("median", s.median());
        m.put("min", s.min());
        m.put("max", s.max());
        m.put("p99", s.percentile(99));
        return m;
    }
}

package dev.netloom.guest;

import dev.netloom.nodes.console.ExecFraming;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Joins guest configuration commands into as few console execs as possible. Every `ip` process costs
 * tens of milliseconds under software emulation (it loads half a dozen libraries), so consecutive
 * plain `ip` commands become one {@code ip -batch -}; the steps are chained with {@code &&} (or
 * {@code ;} when failures are tolerated) and split so that each exec stays well under the console's
 * line limit.
 */
public final class GuestBatch {

    /**
     * Bytes per exec as typed (ExecFraming.typedBytes: each ' counts 4), with room to spare under
     * ExecFraming.MAX_COMMAND_BYTES; the quotes around batched ip lines make typed longer than raw.
     */
    public static final int MAX_LINE = 2800;
    /** Only plain `ip` commands made of plan data are batched: no quoting or shell syntax in them. */
    private static final Pattern PLAIN_IP = Pattern.compile("ip [a-z0-9 ./:_-]+");
    private static final String QUIET = " 2>/dev/null || true";
    /** A route line as GuestConfig writes it: the destination (group 2) between what the routes of one gateway share. */
    private static final Pattern ROUTE = Pattern.compile("((?:-[46] )?route replace )([0-9a-f.:/]+)( via [0-9a-f.:]+ dev [a-z0-9]+)");
    private static final String PRINTF = "printf '%s\\n'";
    /** A part's bytes as typed, so that several fit in one exec under {@link #MAX_LINE}. */
    private static final int PART_BYTES = MAX_LINE - 40;

    private GuestBatch() {
    }

    /**
     * The execs that run {@code commands} in order. With {@code tolerant}, a failing step does not stop
     * the rest (and {@code ip ... 2>/dev/null || true} steps are batched with {@code ip -force}). Plain
     * ip commands are batched only for a guest whose ip is iproute2's (BusyBox's has no -batch).
     */
    public static List<String> join(List<String> commands, boolean tolerant, GuestTools tools) {
        List<String> steps = new ArrayList<>();
        List<String> ipLines = new ArrayList<>();
        for (String c : commands) {
            String ip = tolerant && c.endsWith(QUIET) ? c.substring(0, c.length() - QUIET.length()) : c;
            if (tools.ip() == GuestTools.Ip.IPROUTE2 && PLAIN_IP.matcher(ip).matches()) {
                ipLines.add(ip.substring(3));
            } else {
                flush(ipLines, steps, tolerant);
                steps.add(c);
            }
        }
        flush(ipLines, steps, tolerant);

        String separator = tolerant ? "; " : " && ";
        List<String> execs = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String step : steps) {
            if (line.length() > 0 && ExecFraming.typedBytes(line + separator + step) > MAX_LINE) {
                execs.add(line.toString());
                line.setLength(0);
            }
            line.append(line.length() == 0 ? "" : separator).append(step);
        }
        if (line.length() > 0) {
            execs.add(line.toString());
        }
        return execs;
    }

    private static void flush(List<String> ipLines, List<String> steps, boolean tolerant) {
        if (ipLines.isEmpty()) {
            return;
        }
        String ip = tolerant ? "ip -force -batch -" : "ip -batch -";
        List<String> parts = new ArrayList<>();
        for (String part : parts(ipLines)) {
            List<String> next = new ArrayList<>(parts);
            next.add(part);
            if (!parts.isEmpty() && ExecFraming.typedBytes(pipeline(next, ip)) > MAX_LINE) {
                steps.add(pipeline(parts, ip));
                parts.clear();
            }
            parts.add(part);
        }
        steps.add(pipeline(parts, ip));
        ipLines.clear();
    }

    /** {@code printf ... | ip -batch -} for one part, {@code { part; part; } | ip -batch -} for several. */
    private static String pipeline(List<String> parts, String ip) {
        return (parts.size() == 1 ? parts.get(0) : "{ " + String.join("; ", parts) + "; }") + " | " + ip;
    }

    /**
     * The ip lines as shell that prints them, in order, in parts of at most {@link #PART_BYTES}: other
     * lines as {@code printf '%s\n' 'line' ...}, and a run of routes through the same gateway and
     * device as {@code for s in NET NET ...; do echo "route replace $s via GW dev DEV"; done}, which
     * types a route in a quarter of the bytes (a node of a 200-node grid has hundreds of routes, most
     * through its two to four neighbours, and every byte goes through the emulated serial console).
     * A route's destination that comes again in the same run starts a new run, so that no route line
     * passes another for the same destination.
     */
    static List<String> parts(List<String> ipLines) {
        List<String> out = new ArrayList<>();
        List<String> plain = new ArrayList<>();
        java.util.Map<String, List<String>> routes = new java.util.LinkedHashMap<>();
        java.util.Set<String> destinations = new java.util.HashSet<>();
        for (String line : ipLines) {
            java.util.regex.Matcher m = ROUTE.matcher(line);
            if (m.matches() && destinations.add(m.group(2))) {
                flushPlain(plain, out);
                routes.computeIfAbsent(m.group(1) + "$s" + m.group(3), k -> new ArrayList<>()).add(m.group(2));
            } else {
                flushRoutes(routes, out);
                destinations.clear();
                if (m.matches()) {
                    destinations.add(m.group(2));
                    routes.computeIfAbsent(m.group(1) + "$s" + m.group(3), k -> new ArrayList<>()).add(m.group(2));
                } else {
                    plain.add(line);
                }
            }
        }
        flushPlain(plain, out);
        flushRoutes(routes, out);
        return out;
    }

    private static void flushPlain(List<String> plain, List<String> out) {
        StringBuilder b = new StringBuilder(PRINTF);
        for (String line : plain) {
            String arg = " '" + line + "'";
            if (b.length() > PRINTF.length() && ExecFraming.typedBytes(b + arg) > PART_BYTES) {
                out.add(b.toString());
                b = new StringBuilder(PRINTF);
            }
            b.append(arg);
        }
        if (b.length() > PRINTF.length()) {
            out.add(b.toString());
        }
        plain.clear();
    }

    private static void flushRoutes(java.util.Map<String, List<String>> routes, List<String> out) {
        routes.forEach((line, destinations) -> {
            String tail = "; do echo \"" + line + "\"; done";
            StringBuilder b = new StringBuilder("for s in");
            for (String d : destinations) {
                if (b.length() > "for s in".length() && ExecFraming.typedBytes(b + " " + d + tail) > PART_BYTES) {
                    out.add(b + tail);
                    b = new StringBuilder("for s in");
                }
                b.append(' ').append(d);
            }
            out.add(b + tail);
        });
        routes.clear();
    }
}

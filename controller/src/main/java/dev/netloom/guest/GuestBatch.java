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
        StringBuilder b = new StringBuilder("printf '%s\\n'");
        for (int i = 0; i < ipLines.size(); i++) {
            String arg = " '" + ipLines.get(i) + "'";
            if (ExecFraming.typedBytes(b + arg + " | " + ip) > MAX_LINE) {
                steps.add(b + " | " + ip);
                b = new StringBuilder("printf '%s\\n'");
            }
            b.append(arg);
        }
        steps.add(b + " | " + ip);
        ipLines.clear();
    }
}

package dev.netloom.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.netloom.api.ApiClient;
import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.Callable;

/** Shows a running lab's counters (the API's lab.stats): per link direction from the host side, per node its QEMU's CPU and memory. */
@Command(name = "stats", mixinStandardHelpOptions = true, header = "Show a running lab's traffic counters and nodes' CPU and memory.",
        description = {"Per link direction (a->b; for a LAN member, node->LAN and LAN->node): packets and bytes that",
                "entered the link, packets delivered, drops on the host (taps and qdiscs) and the queue backlog,",
                "read from the taps and qdiscs in the lab's namespace, not from the guests. Per node: its QEMU's",
                "CPU time, resident memory and PSS.",
                "",
                "With --watch: a live table on a terminal (with rates since the last reading), one line per",
                "interval otherwise (a JSON document per line with --json). Ctrl-C ends it."})
final class StatsCommand implements Callable<Integer> {

    static final Duration MIN_INTERVAL = Duration.ofMillis(200);
    static final Duration MAX_INTERVAL = Duration.ofHours(1);

    @Mixin
    LabOption lab;

    @Mixin
    JsonOption json;

    @Option(names = "--watch", description = "Read again every interval until Ctrl-C.")
    boolean watch;

    @Option(names = "--interval", paramLabel = "D", defaultValue = "2s", description = "Between two readings with --watch (200ms to 1h; default 2s).")
    String interval;

    @Override
    public Integer call() throws Exception {
        Duration every = RunCommand.durationOption("--interval", interval);
        if (every.compareTo(MIN_INTERVAL) < 0 || every.compareTo(MAX_INTERVAL) > 0) {
            throw new BadInputException("--interval " + interval + ": give 200ms to 1h");
        }
        boolean live = watch && !json.enabled && System.console() != null;
        try (ApiClient api = lab.connect()) {
            JsonNode previous = null;
            while (true) {
                JsonNode now = api.call("lab.stats", Json.MAPPER.createObjectNode(), Duration.ofSeconds(60));
                if (json.enabled) {
                    System.out.println(watch ? now.toString() : Json.PRETTY.writeValueAsString(now));
                } else if (!watch || live) {
                    if (live) {
                        System.out.print("\033[H\033[2J");
                    }
                    table(System.out, now, previous);
                } else {
                    System.out.println(line(now));
                }
                System.out.flush();
                if (!watch) {
                    return 0;
                }
                previous = now;
                Thread.sleep(every.toMillis()); // pacing between readings, not synchronisation
            }
        }
    }

    /** The live table; rates (per second since {@code previous}) when there is a previous reading. */
    static void table(PrintStream out, JsonNode now, JsonNode previous) {
        double seconds = previous == null ? 0
                : Duration.between(Instant.parse(previous.path("at").asText()), Instant.parse(now.path("at").asText())).toNanos() / 1e9;
        Map<String, JsonNode> before = new HashMap<>();
        if (previous != null) {
            previous.path("links").forEach(l -> before.put(key(l), l));
        }
        out.printf("lab %s at %s%n%n", now.path("lab").asText(), now.path("at").asText());
        out.printf("%-16s %-24s %10s %12s %10s %8s %8s%s%n", "LINK", "DIRECTION", "PACKETS", "BYTES", "DELIVERED", "DROPS", "BACKLOG",
                seconds > 0 ? String.format(Locale.ROOT, " %9s %11s", "PKT/S", "BIT/S") : "");
        for (JsonNode l : now.path("links")) {
            JsonNode b = before.get(key(l));
            String rates = "";
            if (seconds > 0 && b != null) {
                rates = String.format(Locale.ROOT, " %9.1f %11s", (l.path("packets").asLong() - b.path("packets").asLong()) / seconds,
                        bits((l.path("bytes").asLong() - b.path("bytes").asLong()) * 8 / seconds));
            }
            out.printf(Locale.ROOT, "%-16s %-24s %10d %12d %10d %8d %8d%s%n", l.path("link").asText(), l.path("direction").asText(),
                    l.path("packets").asLong(), l.path("bytes").asLong(), l.path("delivered").asLong(), l.path("drops").asLong(),
                    l.path("backlogPackets").asLong(), rates);
        }
        out.printf("%n%-16s %-9s %10s %10s %10s%n", "NODE", "STATE", "CPU S", "RSS MIB", "PSS MIB");
        for (JsonNode n : now.path("nodes")) {
            out.printf(Locale.ROOT, "%-16s %-9s %10.1f %10.1f %10.1f%n", n.path("node").asText(), n.path("state").asText(),
                    n.path("cpuSeconds").asDouble(), n.path("rssBytes").asLong() / 1048576.0, n.path("pssBytes").asLong() / 1048576.0);
        }
    }

    /** One line: the time, then each direction's packets/delivered/drops. */
    static String line(JsonNode now) {
        StringJoiner j = new StringJoiner("; ", now.path("at").asText() + " ", "");
        for (JsonNode l : now.path("links")) {
            j.add(l.path("link").asText() + " " + l.path("direction").asText() + " " + l.path("packets").asLong() + "p "
                    + l.path("delivered").asLong() + "d " + l.path("drops").asLong() + "x");
        }
        return j.toString();
    }

    private static String key(JsonNode l) {
        return l.path("link").asText() + " " + l.path("direction").asText();
    }

    private static String bits(double perSecond) {
        if (perSecond >= 1e6) {
            return String.format(Locale.ROOT, "%.2fM", perSecond / 1e6);
        }
        if (perSecond >= 1e3) {
            return String.format(Locale.ROOT, "%.1fk", perSecond / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", perSecond);
    }
}

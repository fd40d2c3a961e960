package dev.netloom.scenario;

import dev.netloom.scenario.Scenario.Check;
import java.util.ArrayList;
import java.util.List;

/** Reads "checks": ping "all", or pings from one node to another with a count. */
final class ChecksSection {

    static final int MAX_PING_COUNT = 100;
    static final int DEFAULT_PING_COUNT = 3;

    private ChecksSection() {
    }

    static List<Check> read(SourceValue at, CrossChecks refs) {
        if (at == null) {
            return List.of();
        }
        List<Check> out = new ArrayList<>();
        for (SourceValue el : at.elements("checks ({\"ping\": ...} objects)")) {
            el.object("a check", List.of("ping"));
            SourceValue ping = el.require("ping", "add \"ping\": \"all\" or \"ping\": {\"from\": \"a\", \"to\": \"b\"}");
            if (ping.isString()) {
                if (!ping.text("\"all\"").equals("all")) {
                    throw ping.error("unknown ping \"" + ping.node().textValue() + "\"; write \"all\" or {\"from\": \"a\", \"to\": \"b\"}");
                }
                out.add(new Check(null, null, DEFAULT_PING_COUNT));
                continue;
            }
            ping.object("a ping check (\"all\" or an object)", List.of("from", "to", "count"));
            String from = refs.nodeRef(ping.require("from", "add \"from\": a node name"));
            SourceValue toAt = ping.require("to", "add \"to\": a node name");
            String to = refs.nodeRef(toAt);
            if (from.equals(to)) {
                throw toAt.error("ping from \"" + from + "\" to itself; pick another node");
            }
            int count = ping.get("count") != null ? (int) ping.get("count").integer("count", 1, MAX_PING_COUNT) : DEFAULT_PING_COUNT;
            out.add(new Check(from, to, count));
        }
        return out;
    }
}

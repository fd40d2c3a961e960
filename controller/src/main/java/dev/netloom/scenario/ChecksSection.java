package dev.netloom.scenario;

import dev.netloom.scenario.Scenario.Check;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads "checks": ping "all", or pings from one node to another with a count; "family" says over
 * which addresses (ipv4, ipv6 or both; by default IPv4 when the lab has it, else IPv6).
 */
final class ChecksSection {

    static final int MAX_PING_COUNT = 100;
    static final int DEFAULT_PING_COUNT = 3;

    static final List<String> KEYS = List.of("ping", "family");

    private ChecksSection() {
    }

    static List<Check> read(SourceValue at, CrossChecks refs, Scenario.Addressing addressing) {
        if (at == null) {
            return List.of();
        }
        List<Check> out = new ArrayList<>();
        for (SourceValue el : at.elements("checks ({\"ping\": ...} objects)")) {
            el.object("a check", KEYS);
            SourceValue ping = el.require("ping", "add \"ping\": \"all\" or \"ping\": {\"from\": \"a\", \"to\": \"b\"}");
            if (ping.isString()) {
                if (!ping.text("\"all\"").equals("all")) {
                    throw ping.error("unknown ping \"" + ping.node().textValue() + "\"; write \"all\" or {\"from\": \"a\", \"to\": \"b\"}");
                }
                out.add(new Check(null, null, DEFAULT_PING_COUNT, families(el.get("family"), addressing)));
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
            out.add(new Check(from, to, count, families(el.get("family"), addressing)));
        }
        return out;
    }

    /** "family": ipv4, ipv6 or both, each of which the lab must have; absent: IPv4 if the lab has it, else IPv6. */
    private static List<Cidr.Family> families(SourceValue at, Scenario.Addressing addressing) {
        if (at == null) {
            return List.of(addressing.ipv4() ? Cidr.Family.IPV4 : Cidr.Family.IPV6);
        }
        String value = at.text("an address family");
        List<Cidr.Family> families = switch (value) {
            case "ipv4" -> List.of(Cidr.Family.IPV4);
            case "ipv6" -> List.of(Cidr.Family.IPV6);
            case "both" -> List.of(Cidr.Family.IPV4, Cidr.Family.IPV6);
            default -> throw at.error("unknown family \"" + value + "\"; family is ipv4, ipv6 or both");
        };
        if (families.contains(Cidr.Family.IPV4) && !addressing.ipv4()) {
            throw at.error("the lab has no IPv4 addresses (\"addressing\" names only \"pool6\"); use \"family\": \"ipv6\","
                    + " or add \"pool\": \"10.0.0.0/16\" to \"addressing\"");
        }
        if (families.contains(Cidr.Family.IPV6) && !addressing.ipv6()) {
            throw at.error("the lab has no IPv6 addresses; add \"pool6\": \"fd00:1::/48\" to \"addressing\", or use \"family\": \"ipv4\"");
        }
        return families;
    }
}

package dev.netloom.scenario;

import java.math.BigInteger;
import java.util.List;

/**
 * Reads "addressing" (the pools automatic addresses come from: "pool" for IPv4, "pool6" for IPv6; the
 * families a lab has are the pools it names, IPv4 alone by default; "loopback" and "loopback6" give
 * every node an address on lo) and "routing" (static or none).
 */
final class AddressingSection {

    static final List<String> KEYS = List.of("pool", "pool6", "loopback", "loopback6");

    private AddressingSection() {
    }

    /** Reads "addressing" of a scenario with {@code nodeCount} nodes (loopback prefixes need room for them all). */
    static Scenario.Addressing addressing(SourceValue at, int nodeCount) {
        if (at == null) {
            return Scenario.Addressing.DEFAULT;
        }
        at.object("the addressing", KEYS);
        SourceValue poolAt = at.get("pool");
        SourceValue pool6At = at.get("pool6");
        String pool = poolAt == null ? null
                : AddressRules.pool(poolAt, ValueRules.cidr(poolAt, Cidr.Family.IPV4, "pool", "pool6")).toString();
        String pool6 = pool6At == null ? null
                : AddressRules.pool(pool6At, ValueRules.cidr(pool6At, Cidr.Family.IPV6, "pool6", "pool")).toString();
        if (pool == null && pool6 == null) {
            pool = Scenario.Addressing.DEFAULT.pool();
        }
        String loopback = loopback(at.get("loopback"), Cidr.Family.IPV4, pool, nodeCount);
        String loopback6 = loopback(at.get("loopback6"), Cidr.Family.IPV6, pool6, nodeCount);
        return new Scenario.Addressing(pool, pool6, loopback, loopback6);
    }

    /**
     * A loopback prefix ("loopback" or "loopback6"): a network address outside the special ranges and
     * the pool of its family, with a host address for every node (node N gets host N+1).
     */
    private static String loopback(SourceValue at, Cidr.Family family, String pool, int nodeCount) {
        if (at == null) {
            return null;
        }
        String key = family == Cidr.Family.IPV4 ? "loopback" : "loopback6";
        Cidr prefix = ValueRules.cidr(at, family, key, family == Cidr.Family.IPV4 ? "loopback6" : "loopback");
        String example = family == Cidr.Family.IPV4 ? "\"10.255.0.0/24\"" : "\"fd00:ff::/64\"";
        if (!prefix.isNetwork()) {
            throw at.error(key + " " + prefix + " has host bits set; write the network address, \"" + prefix.subnet() + "\"");
        }
        AddressRules.special(prefix).ifPresent(r -> {
            throw at.error(key + " " + prefix + " overlaps " + r.cidr() + ", the " + r.what() + " range; use a private range such as " + example);
        });
        if (pool != null && Cidr.parse(pool).overlaps(prefix)) {
            throw at.error(key + " " + prefix + " overlaps the " + (family == Cidr.Family.IPV4 ? "pool " : "pool6 ") + pool
                    + " that links and LANs take their addresses from; use a prefix outside it, such as " + example);
        }
        if (prefix.size().compareTo(BigInteger.valueOf(nodeCount + 1L)) <= 0) {
            throw at.error(key + " " + prefix + " has no room for " + nodeCount + " nodes (node N gets host N+1 of it); use a"
                    + " shorter prefix, such as " + example);
        }
        return prefix.toString();
    }

    static Scenario.Routing routing(SourceValue at) {
        if (at == null) {
            return Scenario.Routing.STATIC;
        }
        String value = at.text("a routing mode");
        return switch (value) {
            case "static" -> Scenario.Routing.STATIC;
            case "none" -> Scenario.Routing.NONE;
            default -> throw at.error("unknown routing \"" + value + "\"; routing is static or none");
        };
    }
}

package dev.netloom.scenario;

import java.util.List;

/**
 * Reads "addressing" (the pools automatic addresses come from: "pool" for IPv4, "pool6" for IPv6; the
 * families a lab has are the pools it names, IPv4 alone by default) and "routing" (static or none).
 */
final class AddressingSection {

    static final List<String> KEYS = List.of("pool", "pool6");

    private AddressingSection() {
    }

    static Scenario.Addressing addressing(SourceValue at) {
        if (at == null) {
            return Scenario.Addressing.DEFAULT;
        }
        at.object("the addressing", KEYS);
        SourceValue poolAt = at.get("pool");
        SourceValue pool6At = at.get("pool6");
        if (poolAt == null && pool6At == null) {
            return Scenario.Addressing.DEFAULT;
        }
        String pool = poolAt == null ? null
                : AddressRules.pool(poolAt, ValueRules.cidr(poolAt, Cidr.Family.IPV4, "pool", "pool6")).toString();
        String pool6 = pool6At == null ? null
                : AddressRules.pool(pool6At, ValueRules.cidr(pool6At, Cidr.Family.IPV6, "pool6", "pool")).toString();
        return new Scenario.Addressing(pool, pool6);
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

package dev.netloom.scenario;

import java.util.List;

/** Reads "addressing" (the pool automatic addresses come from) and "routing" (static or none). */
final class AddressingSection {

    private AddressingSection() {
    }

    static Scenario.Addressing addressing(SourceValue at) {
        if (at == null) {
            return Scenario.Addressing.DEFAULT;
        }
        at.object("the addressing", List.of("pool"));
        SourceValue poolAt = at.get("pool");
        if (poolAt == null) {
            return Scenario.Addressing.DEFAULT;
        }
        return new Scenario.Addressing(AddressRules.pool(poolAt, ValueRules.cidr(poolAt)).toString());
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

package dev.netloom.scenario;

import dev.netloom.nodes.Units;

import java.time.Duration;
import java.util.function.Function;

/**
 * The loader's value checks: memory sizes, CPU counts, durations, addresses and any other quantity
 * (an impairment field) read from a {@link SourceValue}, with the grammar of {@link Units},
 * {@link Cidr} or the one given, and every mistake reported at the value's line:column.
 */
final class ValueRules {

    static final int MAX_CPUS = 64;

    private ValueRules() {
    }

    /** A memory size: a string such as "96M", or a bare whole number of MiB. */
    static int memory(SourceValue at) {
        String text;
        if (at.node().isIntegralNumber()) {
            text = at.node().asText();
        } else {
            text = at.text("a memory size such as \"96M\"");
        }
        try {
            return Quantities.memoryMiB(text);
        } catch (IllegalArgumentException e) {
            throw at.error(e.getMessage());
        }
    }

    /** {@code true} or {@code false}, nothing else (not "yes", not 1). */
    static boolean flag(SourceValue at, String key) {
        if (!at.node().isBoolean()) {
            throw at.error("\"" + key + "\" must be true or false");
        }
        return at.node().booleanValue();
    }

    static int cpus(SourceValue at) {
        return (int) at.integer("cpus", 1, MAX_CPUS);
    }

    static Duration duration(SourceValue at) {
        return quantity(at, "a duration such as \"10ms\"", Units::duration);
    }

    /**
     * An address of one family under {@code key}; one of the other family is refused with the key it
     * belongs under ({@code otherKey}), e.g. "address6" for an IPv6 address written as "address".
     */
    static Cidr cidr(SourceValue at, Cidr.Family family, String key, String otherKey) {
        String example = family == Cidr.Family.IPV4 ? "\"10.9.0.1/24\"" : "\"fd00:1::1/64\"";
        if (at.isString() && (family == Cidr.Family.IPV4) == at.node().textValue().contains(":")) {
            Cidr.Family other = family == Cidr.Family.IPV4 ? Cidr.Family.IPV6 : Cidr.Family.IPV4;
            throw at.error("\"" + at.node().textValue() + "\" looks like an " + other + " address, and \"" + key + "\" is " + family
                    + "; write " + other + " under \"" + otherKey + "\"");
        }
        return quantity(at, "an address such as " + example, text -> Cidr.parse(text, family));
    }

    /** A count without a unit (a queue limit): a JSON integer such as 100, or the same in a string ("100"). */
    static <T> T count(SourceValue at, String what, Function<String, T> parser) {
        String text;
        if (at.isNumber() && at.node().canConvertToLong() && at.node().isIntegralNumber()) {
            text = at.node().asText();
        } else if (at.isNumber()) {
            throw at.error("expected " + what + ", found " + at.node().asText() + "; write a whole number");
        } else {
            text = at.text(what);
        }
        try {
            return parser.apply(text);
        } catch (IllegalArgumentException e) {
            throw at.error(e.getMessage());
        }
    }

    /** Quantities are strings; a bare number is accepted only for 0, which needs no unit. */
    static <T> T quantity(SourceValue at, String what, Function<String, T> parser) {
        String text;
        if (at.isNumber() && at.node().doubleValue() == 0) {
            text = "0";
        } else if (at.isNumber()) {
            throw at.error("expected " + what + " (a string with a unit), found the number " + at.node().asText()
                    + "; write it in quotes with a unit");
        } else {
            text = at.text(what);
        }
        try {
            return parser.apply(text);
        } catch (IllegalArgumentException e) {
            throw at.error(e.getMessage());
        }
    }
}

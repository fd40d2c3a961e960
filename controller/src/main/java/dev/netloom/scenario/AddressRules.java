package dev.netloom.scenario;

import java.util.List;
import java.util.Optional;

/**
 * IPv4 ranges that cannot address a lab's interfaces: the kernel treats them specially (loopback
 * never leaves the host, multicast and broadcast are not unicast, link-local is for zero-config,
 * 0/8 means "this network"). The pool and every explicit address are checked against them.
 */
final class AddressRules {

    /** A special-purpose range and what it is for. */
    record Range(Cidr cidr, String what) {
    }

    static final List<Range> SPECIAL = List.of(
            new Range(Cidr.parse("0.0.0.0/8"), "unspecified (\"this network\")"),
            new Range(Cidr.parse("127.0.0.0/8"), "loopback"),
            new Range(Cidr.parse("169.254.0.0/16"), "link-local"),
            new Range(Cidr.parse("224.0.0.0/4"), "multicast"),
            new Range(Cidr.parse("240.0.0.0/4"), "reserved (and the broadcast address 255.255.255.255)"));

    private static final String SUGGESTION = "use a private range such as 10.0.0.0/16, 172.16.0.0/16 or 192.168.0.0/16";

    private AddressRules() {
    }

    /** The first special range {@code cidr}'s subnet overlaps, if any. */
    static Optional<Range> special(Cidr cidr) {
        Cidr subnet = cidr.subnet();
        return SPECIAL.stream().filter(r -> r.cidr().overlaps(subnet)).findFirst();
    }

    /** The addressing pool: a network address, /8 to /30, outside the special ranges. */
    static Cidr pool(SourceValue at, Cidr pool) {
        if (pool.address() != pool.network()) {
            throw at.error("pool " + pool + " has host bits set; write the network address, \"" + pool.subnet() + "\"");
        }
        if (pool.prefix() < 8 || pool.prefix() > 30) {
            throw at.error("pool prefix /" + pool.prefix() + " is out of range; use /8 to /30, e.g. \"10.0.0.0/16\"");
        }
        special(pool).ifPresent(r -> {
            throw at.error("pool " + pool + " overlaps " + r.cidr() + ", the " + r.what() + " range, whose addresses cannot be"
                    + " given to interfaces; " + SUGGESTION);
        });
        return pool;
    }

    /** An interface address written in the file: its subnet must stay outside the special ranges. */
    static void address(SourceValue at, Cidr address) {
        special(address).ifPresent(r -> {
            throw at.error("address " + address + " is in (or its subnet overlaps) " + r.cidr() + ", the " + r.what()
                    + " range, whose addresses cannot be given to interfaces; " + SUGGESTION);
        });
    }
}

package dev.netloom.scenario;

import dev.netloom.scenario.Cidr.Family;
import java.util.List;
import java.util.Optional;

/**
 * Ranges that cannot address a lab's interfaces: the kernel treats them specially (loopback never
 * leaves the host, multicast and IPv4 broadcast are not unicast, link-local is for zero-config and
 * neighbour discovery, 0/8 and ::/8 hold "this network", the unspecified and the IPv4-mapped
 * addresses). The pools and every explicit address are checked against them.
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
            new Range(Cidr.parse("240.0.0.0/4"), "reserved (and the broadcast address 255.255.255.255)"),
            new Range(Cidr.parse("::/8"), "reserved (the unspecified address ::, loopback ::1, IPv4-mapped ::ffff:0:0/96)"),
            new Range(Cidr.parse("fe80::/10"), "link-local"),
            new Range(Cidr.parse("fec0::/10"), "deprecated site-local"),
            new Range(Cidr.parse("ff00::/8"), "multicast"));

    /** The prefix lengths a pool may have: IPv4 /8 to /30 (a link takes a /30), IPv6 /8 to /64 (a link takes a /64). */
    static final int POOL_MIN = 8;
    static final int POOL4_MAX = AddressPlan.LINK_PREFIX;
    static final int POOL6_MAX = AddressPlan.PREFIX6;

    private AddressRules() {
    }

    static String suggestion(Family family) {
        return family == Family.IPV4 ? "use a private range such as 10.0.0.0/16, 172.16.0.0/16 or 192.168.0.0/16"
                : "use a unique local range (fd00::/8) such as fd00:1::/48";
    }

    /** The first special range {@code cidr}'s subnet overlaps, if any. */
    static Optional<Range> special(Cidr cidr) {
        Cidr subnet = cidr.subnet();
        return SPECIAL.stream().filter(r -> r.cidr().overlaps(subnet)).findFirst();
    }

    /** An addressing pool ("pool" or "pool6"): a network address, /8 to /30 (IPv4) or /64 (IPv6), outside the special ranges. */
    static Cidr pool(SourceValue at, Cidr pool) {
        String key = pool.ipv6() ? "pool6" : "pool";
        int max = pool.ipv6() ? POOL6_MAX : POOL4_MAX;
        String example = pool.ipv6() ? "\"fd00:1::/48\"" : "\"10.0.0.0/16\"";
        if (!pool.isNetwork()) {
            throw at.error(key + " " + pool + " has host bits set; write the network address, \"" + pool.subnet() + "\"");
        }
        if (pool.prefix() < POOL_MIN || pool.prefix() > max) {
            throw at.error(key + " prefix /" + pool.prefix() + " is out of range; use /" + POOL_MIN + " to /" + max + ", e.g. " + example
                    + (pool.ipv6() && pool.prefix() > max ? " (every link and LAN gets a /64 of it)" : ""));
        }
        special(pool).ifPresent(r -> {
            throw at.error(key + " " + pool + " overlaps " + r.cidr() + ", the " + r.what() + " range, whose addresses cannot be"
                    + " given to interfaces; " + suggestion(pool.family()));
        });
        return pool;
    }

    /** An interface address written in the file: its subnet must stay outside the special ranges. */
    static void address(SourceValue at, Cidr address) {
        special(address).ifPresent(r -> {
            throw at.error("address " + address + " is in (or its subnet overlaps) " + r.cidr() + ", the " + r.what()
                    + " range, whose addresses cannot be given to interfaces; " + suggestion(address.family()));
        });
    }
}

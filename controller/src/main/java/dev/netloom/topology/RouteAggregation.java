package dev.netloom.topology;

import dev.netloom.scenario.Cidr;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The routes a node is given: its static routes to whole segment subnets merged into fewer, larger
 * prefixes where that changes nothing (docs/topology.md, "Static routes"). A prefix replaces the
 * routes under it when all of them take the same next hop and device and the prefix holds nothing
 * else: every address in it is in one of those subnets or in a subnet the node is attached to (whose
 * connected route is more specific). So no address gets a route it did not have, and none loses one;
 * what configuration types into a node's console stops growing with every segment of the lab where
 * the segments beyond a neighbour were given neighbouring addresses (as the pools give them: in
 * order). IPv4 routes come first, each family's in address order. Pure.
 */
public final class RouteAggregation {

    private RouteAggregation() {
    }

    /**
     * {@code node}'s routes of {@code routes} merged; the subnets of its interfaces on segments that
     * pass traffic under {@code down} are room a merged prefix may cover.
     */
    public static List<Route> of(NodePlan node, List<Route> routes, Outages down) {
        List<String> attached = new ArrayList<>();
        for (InterfacePlan i : node.interfaces()) {
            if (down.intact(i.segment())) {
                attached.addAll(i.addresses());
            }
        }
        return merge(routes, attached);
    }

    /**
     * Merges {@code routes} (to subnets that do not overlap) where a prefix holds only routes with one
     * next hop and device, and subnets of {@code attached} (addresses with their prefix length, such as
     * 10.0.0.1/30; their subnets must not overlap the routes).
     */
    public static List<Route> merge(List<Route> routes, List<String> attached) {
        List<Route> out = new ArrayList<>();
        for (Cidr.Family family : Cidr.Family.values()) {
            List<Item> items = new ArrayList<>();
            for (Route r : routes) {
                if (r.family() == family) {
                    items.add(Item.of(r.destination(), r, family));
                }
            }
            if (items.isEmpty()) {
                continue;
            }
            for (String a : attached) {
                if (Cidr.parse(a).address().isIPv4() == (family == Cidr.Family.IPV4)) {
                    items.add(Item.of(a, null, family));
                }
            }
            List<Route> merged = new ArrayList<>();
            split(BigInteger.ZERO, 0, family.bits(), items, merged);
            out.addAll(merged);
        }
        return out;
    }

    /** One subnet: its first address and prefix length, and its route (null for an attached subnet). */
    private record Item(BigInteger start, int length, Route route) {

        static Item of(String cidr, Route route, Cidr.Family family) {
            IPAddress block = new IPAddressString(cidr).getAddress().toPrefixBlock();
            return new Item(block.getValue(), block.getNetworkPrefixLength(), route);
        }

        String hop() {
            return route == null ? null : route.via() + " " + route.dev();
        }
    }

    /** Emits for the prefix start/length (which holds every item of {@code items}) its merged routes. */
    private static void split(BigInteger start, int length, int bits, List<Item> items, List<Route> out) {
        Set<String> hops = new HashSet<>();
        BigInteger held = BigInteger.ZERO;
        Route sample = null;
        for (Item i : items) {
            held = held.add(BigInteger.ONE.shiftLeft(bits - i.length()));
            if (i.route() != null) {
                hops.add(i.hop());
                sample = i.route();
            }
        }
        if (sample == null) {
            return; // attached subnets only
        }
        if (hops.size() == 1 && held.equals(BigInteger.ONE.shiftLeft(bits - length))) {
            out.add(new Route(prefix(start, length, bits), sample.via(), sample.dev()));
            return;
        }
        BigInteger half = BigInteger.ONE.shiftLeft(bits - length - 1);
        List<Item> low = new ArrayList<>();
        List<Item> high = new ArrayList<>();
        for (Item i : items) {
            (i.start().compareTo(start.add(half)) < 0 ? low : high).add(i);
        }
        if (!low.isEmpty()) {
            split(start, length + 1, bits, low, out);
        }
        if (!high.isEmpty()) {
            split(start.add(half), length + 1, bits, high, out);
        }
    }

    private static String prefix(BigInteger start, int length, int bits) {
        byte[] raw = start.toByteArray();
        byte[] bytes = new byte[bits / 8];
        int copy = Math.min(raw.length, bytes.length);
        System.arraycopy(raw, raw.length - copy, bytes, bytes.length - copy, copy);
        IPAddress a = bits == 32 ? new inet.ipaddr.ipv4.IPv4Address(bytes) : new inet.ipaddr.ipv6.IPv6Address(bytes);
        return Cidr.ip(a) + "/" + length;
    }

}

package dev.netloom.scenario;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Gives every link and LAN endpoint of a scenario an IPv4 address. Pure and deterministic.
 *
 * <p>A link or LAN with at least one explicit address keeps its explicit addresses, and its other
 * endpoints get the lowest free host addresses of that subnet. The others are numbered from the pool:
 * first a /24 for each such LAN (members get .1, .2, ... in member order), then a /30 for each such
 * link (ends .1 and .2), in scenario order, each block at the lowest free aligned place of the pool
 * that does not overlap a subnet used by an explicit address.
 */
public final class AddressPlan {

    public static final int LAN_PREFIX = 24;
    public static final int LINK_PREFIX = 30;

    /** The pool cannot hold the blocks automatic addressing needs; the message says how big it must be. */
    public static final class PoolTooSmallException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        PoolTooSmallException(String message) {
            super(message);
        }
    }

    private AddressPlan() {
    }

    /**
     * Link or LAN name -> one CIDR per endpoint ("10.0.1.1/30"), in endpoint order (for a LAN, member
     * order); links first, then LANs, in scenario order. Expects a validated scenario.
     *
     * @throws PoolTooSmallException when the automatic blocks do not fit in the pool
     */
    public static Map<String, List<String>> allocate(Scenario scenario) {
        Cidr pool = Cidr.parse(scenario.addressing().pool()).subnet();
        List<Cidr> explicitSubnets = new ArrayList<>();
        for (Scenario.LinkDef link : scenario.links()) {
            explicitSubnet(List.of(link.a(), link.b())).ifPresent(explicitSubnets::add);
        }
        for (Scenario.LanDef lan : scenario.lans()) {
            explicitSubnet(lan.members()).ifPresent(explicitSubnets::add);
        }
        int autoLans = (int) scenario.lans().stream().filter(l -> explicitSubnet(l.members()).isEmpty()).count();
        int autoLinks = (int) scenario.links().stream().filter(l -> explicitSubnet(List.of(l.a(), l.b())).isEmpty()).count();
        List<Cidr> blocks = blocks(pool, autoLans, autoLinks, explicitSubnets);
        if (blocks == null) {
            throw new PoolTooSmallException(tooSmall(pool, autoLans, autoLinks, explicitSubnets));
        }
        Map<String, List<String>> plan = new LinkedHashMap<>();
        int lanBlock = 0;
        int linkBlock = autoLans;
        for (Scenario.LinkDef link : scenario.links()) {
            List<Scenario.Endpoint> ends = List.of(link.a(), link.b());
            plan.put(link.name(), explicitSubnet(ends).isPresent() ? fill(ends) : number(blocks.get(linkBlock++), 2));
        }
        for (Scenario.LanDef lan : scenario.lans()) {
            plan.put(lan.name(), explicitSubnet(lan.members()).isPresent()
                    ? fill(lan.members()) : number(blocks.get(lanBlock++), lan.members().size()));
        }
        return plan;
    }

    /** The number of addresses automatic addressing takes from the pool (before skipping explicit subnets). */
    public static long addressesNeeded(int autoLans, int autoLinks) {
        return autoLans * (1L << (32 - LAN_PREFIX)) + autoLinks * (1L << (32 - LINK_PREFIX));
    }

    /** The subnet of the first explicit address among the endpoints, if any. */
    static java.util.Optional<Cidr> explicitSubnet(List<Scenario.Endpoint> ends) {
        return ends.stream().filter(e -> e.address() != null).findFirst().map(e -> Cidr.parse(e.address()).subnet());
    }

    /** Host addresses a subnet offers, in order: .1 to .N-2, or both addresses of a /31. */
    static long firstHost(Cidr subnet) {
        return subnet.prefix() >= 31 ? 0 : 1;
    }

    static long hostCount(Cidr subnet) {
        return subnet.prefix() >= 31 ? subnet.size() : subnet.size() - 2;
    }

    /** Explicit addresses stay; the rest get the lowest free hosts of the explicit subnet. */
    private static List<String> fill(List<Scenario.Endpoint> ends) {
        Cidr subnet = explicitSubnet(ends).orElseThrow();
        Set<Long> used = new HashSet<>();
        for (Scenario.Endpoint e : ends) {
            if (e.address() != null) {
                used.add(Cidr.parse(e.address()).address());
            }
        }
        List<String> out = new ArrayList<>();
        long host = firstHost(subnet);
        for (Scenario.Endpoint e : ends) {
            if (e.address() != null) {
                out.add(Cidr.parse(e.address()).toString());
                continue;
            }
            while (used.contains(subnet.network() + host)) {
                host++;
            }
            if (host >= firstHost(subnet) + hostCount(subnet)) {
                throw new IllegalStateException("subnet " + subnet + " has no free address for " + e.node());
            }
            used.add(subnet.network() + host);
            out.add(subnet.host(host).toString());
        }
        return out;
    }

    private static List<String> number(Cidr block, int count) {
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            out.add(block.host(i).toString());
        }
        return out;
    }

    /** The automatic blocks (LAN /24s, then link /30s), or null if they do not fit. */
    private static List<Cidr> blocks(Cidr pool, int lans, int links, List<Cidr> avoid) {
        List<Cidr> out = new ArrayList<>();
        long[] cursor = {pool.network()};
        for (int i = 0; i < lans + links; i++) {
            Cidr block = next(pool, cursor, i < lans ? LAN_PREFIX : LINK_PREFIX, avoid);
            if (block == null) {
                return null;
            }
            out.add(block);
        }
        return out;
    }

    private static Cidr next(Cidr pool, long[] cursor, int prefix, List<Cidr> avoid) {
        long size = 1L << (32 - prefix);
        long at = (cursor[0] + size - 1) / size * size;
        while (at + size - 1 <= pool.broadcast()) {
            Cidr block = new Cidr(at, prefix);
            at += size;
            if (avoid.stream().noneMatch(block::overlaps)) {
                cursor[0] = at;
                return block;
            }
        }
        return null;
    }

    private static String tooSmall(Cidr pool, int lans, int links, List<Cidr> avoid) {
        StringBuilder needs = new StringBuilder();
        if (lans > 0) {
            needs.append(lans).append(lans == 1 ? " LAN needs a /" : " LANs need a /").append(LAN_PREFIX);
        }
        if (links > 0) {
            needs.append(lans > 0 ? " and " : "").append(links).append(links == 1 ? " link needs a /" : " links need a /")
                    .append(LINK_PREFIX);
        }
        String message = "pool " + pool + " is too small: " + needs + " each, " + addressesNeeded(lans, links)
                + " addresses" + (avoid.isEmpty() ? "" : " plus the subnets of explicit addresses, which are skipped");
        for (int prefix = pool.prefix() - 1; prefix >= 1; prefix--) {
            Cidr larger = new Cidr(pool.network(), prefix).subnet();
            if (blocks(larger, lans, links, avoid) != null) {
                return message + "; use /" + prefix + " or larger, e.g. \"pool\": \"" + larger + "\"";
            }
        }
        return message + "; use a larger pool";
    }
}

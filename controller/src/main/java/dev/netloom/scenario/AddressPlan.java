package dev.netloom.scenario;

import dev.netloom.scenario.Cidr.Family;
import inet.ipaddr.IPAddress;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Gives every link and LAN endpoint of a scenario its addresses, per family. Pure and deterministic.
 *
 * <p>A link or LAN with at least one explicit address of a family keeps its explicit addresses, and
 * its other endpoints get the lowest free host addresses of that subnet. The others are numbered from
 * the family's pool: first a block for each such LAN (members get host 1, 2, ... in member order),
 * then one for each such link (ends 1 and 2), in scenario order, each block at the lowest free aligned
 * place of the pool that does not overlap a subnet used by an explicit address. IPv4 blocks are a
 * /24 per LAN and a /30 per link; IPv6 blocks are a /64 for both.
 */
public final class AddressPlan {

    public static final int LAN_PREFIX = 24;
    public static final int LINK_PREFIX = 30;
    /** The IPv6 prefix of every link and LAN: SLAAC's and most tools' assumption, and room for any LAN. */
    public static final int PREFIX6 = 64;

    /** The pool cannot hold the blocks automatic addressing needs; the message says how big it must be. */
    public static final class PoolTooSmallException extends IllegalStateException {
        private static final long serialVersionUID = 1L;
        private final Family family;

        PoolTooSmallException(Family family, String message) {
            super(message);
            this.family = family;
        }

        /** Which pool is too small. */
        public Family family() {
            return family;
        }
    }

    private AddressPlan() {
    }

    /**
     * Link or LAN name -> one IPv4 CIDR per endpoint ("10.0.1.1/30"), in endpoint order (for a LAN,
     * member order); links first, then LANs, in scenario order. Empty when the lab has no IPv4 (its
     * addressing names only "pool6"). Expects a validated scenario.
     *
     * @throws PoolTooSmallException when the automatic blocks do not fit in the pool
     */
    public static Map<String, List<String>> allocate(Scenario scenario) {
        return allocate(scenario, Family.IPV4);
    }

    /** Like {@link #allocate}, for IPv6 ("fd00:1:0:1::1/64"); empty when the lab has no "pool6". */
    public static Map<String, List<String>> allocate6(Scenario scenario) {
        return allocate(scenario, Family.IPV6);
    }

    /** The addresses of one family; empty when the lab has no pool of that family. */
    public static Map<String, List<String>> allocate(Scenario scenario, Family family) {
        String poolText = family == Family.IPV4 ? scenario.addressing().pool() : scenario.addressing().pool6();
        Map<String, List<String>> plan = new LinkedHashMap<>();
        if (poolText == null) {
            return plan;
        }
        Cidr pool = Cidr.parse(poolText, family).subnet();
        List<Cidr> explicitSubnets = new ArrayList<>();
        for (Scenario.LinkDef link : scenario.links()) {
            explicitSubnet(List.of(link.a(), link.b()), family).ifPresent(explicitSubnets::add);
        }
        for (Scenario.LanDef lan : scenario.lans()) {
            explicitSubnet(lan.members(), family).ifPresent(explicitSubnets::add);
        }
        int autoLans = (int) scenario.lans().stream().filter(l -> explicitSubnet(l.members(), family).isEmpty()).count();
        int autoLinks = (int) scenario.links().stream().filter(l -> explicitSubnet(List.of(l.a(), l.b()), family).isEmpty()).count();
        List<Cidr> blocks = blocks(pool, autoLans, autoLinks, explicitSubnets);
        if (blocks == null) {
            throw new PoolTooSmallException(family, tooSmall(pool, autoLans, autoLinks, explicitSubnets));
        }
        int lanBlock = 0;
        int linkBlock = autoLans;
        for (Scenario.LinkDef link : scenario.links()) {
            List<Scenario.Endpoint> ends = List.of(link.a(), link.b());
            plan.put(link.name(), explicitSubnet(ends, family).isPresent() ? fill(ends, family) : number(blocks.get(linkBlock++), 2));
        }
        for (Scenario.LanDef lan : scenario.lans()) {
            plan.put(lan.name(), explicitSubnet(lan.members(), family).isPresent()
                    ? fill(lan.members(), family) : number(blocks.get(lanBlock++), lan.members().size()));
        }
        return plan;
    }

    /** The number of IPv4 addresses automatic addressing takes from the pool (before skipping explicit subnets). */
    public static long addressesNeeded(int autoLans, int autoLinks) {
        return autoLans * (1L << (32 - LAN_PREFIX)) + autoLinks * (1L << (32 - LINK_PREFIX));
    }

    static int lanPrefix(Family family) {
        return family == Family.IPV4 ? LAN_PREFIX : PREFIX6;
    }

    static int linkPrefix(Family family) {
        return family == Family.IPV4 ? LINK_PREFIX : PREFIX6;
    }

    private static String address(Scenario.Endpoint e, Family family) {
        return family == Family.IPV4 ? e.address() : e.address6();
    }

    /** The subnet of the first explicit address of the family among the endpoints, if any. */
    static Optional<Cidr> explicitSubnet(List<Scenario.Endpoint> ends, Family family) {
        return ends.stream().map(e -> address(e, family)).filter(a -> a != null).findFirst().map(a -> Cidr.parse(a, family).subnet());
    }

    /** Explicit addresses stay; the rest get the lowest free hosts of the explicit subnet. */
    private static List<String> fill(List<Scenario.Endpoint> ends, Family family) {
        Cidr subnet = explicitSubnet(ends, family).orElseThrow();
        Set<IPAddress> used = new HashSet<>();
        for (Scenario.Endpoint e : ends) {
            if (address(e, family) != null) {
                used.add(Cidr.parse(address(e, family), family).address());
            }
        }
        BigInteger end = BigInteger.valueOf(subnet.firstHost()).add(subnet.hostCount());
        List<String> out = new ArrayList<>();
        long host = subnet.firstHost();
        for (Scenario.Endpoint e : ends) {
            if (address(e, family) != null) {
                out.add(Cidr.parse(address(e, family), family).toString());
                continue;
            }
            while (BigInteger.valueOf(host).compareTo(end) < 0 && used.contains(subnet.host(host).address())) {
                host++;
            }
            if (BigInteger.valueOf(host).compareTo(end) >= 0) {
                throw new IllegalStateException("subnet " + subnet + " has no free address for " + e.node());
            }
            used.add(subnet.host(host).address());
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

    /** The automatic blocks (LANs', then links'), or null if they do not fit. */
    private static List<Cidr> blocks(Cidr pool, int lans, int links, List<Cidr> avoid) {
        List<Cidr> out = new ArrayList<>();
        Optional<Cidr> cursor = Optional.of(pool);
        for (int i = 0; i < lans + links; i++) {
            int prefix = i < lans ? lanPrefix(pool.family()) : linkPrefix(pool.family());
            Cidr block = cursor.flatMap(c -> next(pool, c, prefix, avoid)).orElse(null);
            if (block == null) {
                return null;
            }
            out.add(block);
            cursor = block.next();
        }
        return out;
    }

    /**
     * The lowest aligned block of {@code prefix} at or after {@code cursor} inside the pool that overlaps
     * none of {@code avoid}. A block that clashes is skipped together with the subnet it clashes with,
     * so a large explicit subnet costs one step, not one per block inside it.
     */
    private static Optional<Cidr> next(Cidr pool, Cidr cursor, int prefix, List<Cidr> avoid) {
        Optional<Cidr> candidate = cursor.alignedUp(prefix);
        while (candidate.isPresent() && pool.contains(candidate.get())) {
            Cidr block = candidate.get();
            Optional<Cidr> clash = avoid.stream().filter(block::overlaps).findFirst();
            if (clash.isEmpty()) {
                return candidate;
            }
            Cidr past = clash.get().last().getValue().compareTo(block.last().getValue()) > 0 ? clash.get().subnet() : block;
            candidate = past.next().flatMap(c -> c.alignedUp(prefix));
        }
        return Optional.empty();
    }

    private static String tooSmall(Cidr pool, int lans, int links, List<Cidr> avoid) {
        Family family = pool.family();
        String key = family == Family.IPV4 ? "pool" : "pool6";
        String message;
        if (family == Family.IPV4) {
            StringBuilder needs = new StringBuilder();
            if (lans > 0) {
                needs.append(lans).append(lans == 1 ? " LAN needs a /" : " LANs need a /").append(LAN_PREFIX);
            }
            if (links > 0) {
                needs.append(lans > 0 ? " and " : "").append(links).append(links == 1 ? " link needs a /" : " links need a /")
                        .append(LINK_PREFIX);
            }
            message = "pool " + pool + " is too small: " + needs + " each, " + addressesNeeded(lans, links) + " addresses";
        } else {
            List<String> parts = new ArrayList<>();
            if (lans > 0) {
                parts.add(lans + (lans == 1 ? " LAN" : " LANs"));
            }
            if (links > 0) {
                parts.add(links + (links == 1 ? " link" : " links"));
            }
            message = "pool6 " + pool + " is too small: " + String.join(" and ", parts) + (lans + links == 1 ? " needs" : " need")
                    + " a /" + PREFIX6 + " each";
        }
        message += avoid.isEmpty() ? "" : " plus the subnets of explicit addresses, which are skipped";
        for (int prefix = pool.prefix() - 1; prefix >= 1; prefix--) {
            Cidr larger = pool.withPrefix(prefix);
            if (blocks(larger, lans, links, avoid) != null) {
                return message + "; use /" + prefix + " or larger, e.g. \"" + key + "\": \"" + larger + "\"";
            }
        }
        return message + "; use a larger " + key;
    }
}

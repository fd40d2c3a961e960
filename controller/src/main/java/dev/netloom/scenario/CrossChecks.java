package dev.netloom.scenario;

import dev.netloom.nodes.Install;
import dev.netloom.impairment.Impairment;
import dev.netloom.scenario.LansSection.LanIn;
import dev.netloom.scenario.LinksSection.LinkIn;
import dev.netloom.scenario.NodesSection.NodeIn;
import dev.netloom.scenario.Scenario.Defaults;
import dev.netloom.scenario.Scenario.LanDef;
import dev.netloom.scenario.Scenario.LinkDef;
import dev.netloom.scenario.Scenario.TimelineEvent;
import dev.netloom.scenario.TimelineSection.EventIn;
import inet.ipaddr.IPAddress;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Every check that spans sections, in one place: references to nodes and links, interface counts,
 * explicit addresses across links and LANs, the address pool, the timeline replayed against the
 * links, and the images. The sections call the references as they read, so errors come in file
 * order; the whole-scenario checks run once everything is read. One instance per load.
 */
final class CrossChecks {

    /** Node name -> where it was defined (a /nodes entry or a /generate object). */
    private final Map<String, SourceValue> nodeOrigins = new LinkedHashMap<>();
    private List<LinkIn> links = List.of();
    private List<String> linkNames = List.of();
    private List<LanIn> lans = List.of();
    private final Map<String, LinkDef> linkByName = new LinkedHashMap<>();
    private final Map<String, LanDef> lanByName = new LinkedHashMap<>();

    // ---------------------------------------------------------------- references

    void addNode(String name, SourceValue at) {
        nodeOrigins.put(name, at);
    }

    /** Every node name, in the order they were added. */
    List<String> nodeNames() {
        return List.copyOf(nodeOrigins.keySet());
    }

    /** The mobility model of the scenario, set once its links are planned; null without one. */
    MobilitySection.ModelIn model;

    /** Where latitude/longitude positions are projected from; null when the file has none. */
    dev.netloom.mobility.GeoOrigin origin;

    boolean hasNode(String name) {
        return nodeOrigins.containsKey(name);
    }

    /** A reference to a node by name, which must exist. */
    String nodeRef(SourceValue at) {
        String name = at.text("a node name");
        if (!nodeOrigins.containsKey(name)) {
            throw at.error("unknown node \"" + name + "\"; " + (nodeOrigins.isEmpty()
                    ? "the scenario has no nodes: add them to \"nodes\" or \"generate\""
                    : "nodes are " + listSome(nodeOrigins.keySet())));
        }
        return name;
    }

    /** Registers the named links and the LANs, for {@link #segmentRef} and the whole-scenario checks. */
    void addSegments(List<LinkIn> links, List<String> linkNames, List<LinkDef> linkDefs, List<LanIn> lans, List<LanDef> lanDefs) {
        this.links = links;
        this.linkNames = linkNames;
        this.lans = lans;
        linkDefs.forEach(l -> linkByName.put(l.name(), l));
        lanDefs.forEach(l -> lanByName.put(l.name(), l));
    }

    /** A reference to a link or LAN by name, which must exist. */
    String segmentRef(SourceValue at) {
        String name = at.text("a link or LAN name");
        if (!linkByName.containsKey(name) && !lanByName.containsKey(name)) {
            Set<String> known = new LinkedHashSet<>(linkByName.keySet());
            known.addAll(lanByName.keySet());
            throw at.error("unknown link \"" + name + "\"; " + (known.isEmpty() ? "the scenario has no links or LANs"
                    : "links and LANs are " + listSome(known)));
        }
        return name;
    }

    /** The link of that name, or null for a LAN. */
    LinkDef link(String name) {
        return linkByName.get(name);
    }

    /** The first 10 names, then "...". */
    static String listSome(Set<String> names) {
        List<String> all = new ArrayList<>(names);
        return all.size() <= 10 ? String.join(", ", all)
                : String.join(", ", all.subList(0, 10)) + ", ... (" + all.size() + " in all)";
    }

    // ---------------------------------------------------------------- the timeline against the links

    /**
     * Replays the timeline in time order: a jitter or reorder set later still needs a delay by then,
     * and a state event changes something (taking down a direction that is already down, or bringing
     * up one that is up, is a mistake: the event it repeats is named). Links start in their "state".
     */
    void replayTimeline(List<EventIn> events) {
        Map<String, Impairment[]> state = new HashMap<>();
        Map<String, LinkIn> byName = new HashMap<>();
        // per link or LAN, per direction that is down: where it went down (the link's "state", or an event)
        Map<String, Map<String, SourceValue>> downSince = new HashMap<>();
        for (int i = 0; i < links.size(); i++) {
            LinkIn link = links.get(i);
            state.put(linkNames.get(i), new Impairment[] {link.aToB(), link.bToA()});
            byName.put(linkNames.get(i), link);
            Map<String, SourceValue> down = new LinkedHashMap<>();
            if (link.startsDown()) {
                link.directions().forEach(d -> down.put(d, link.stateAt()));
            }
            downSince.put(linkNames.get(i), down);
        }
        Map<String, Impairment> lanState = new HashMap<>();
        lanByName.forEach((name, lan) -> {
            lanState.put(name, lan.impairment());
            downSince.put(name, new LinkedHashMap<>());
        });
        for (EventIn e : events) {
            if (e.event() instanceof TimelineEvent.LinkState ev) {
                replayState(ev, e.at(), byName.get(ev.link()), downSince.get(ev.link()));
            }
            if (!(e.event() instanceof TimelineEvent.LinkImpairment ev)) {
                continue;
            }
            LinkIn link = byName.get(ev.link());
            if (link == null) {
                Impairment now = lanState.get(ev.link()).merge(ev.impairment());
                ImpairmentIn.checkNeedsDelay(now, e.set());
                lanState.put(ev.link(), now);
                continue;
            }
            Impairment[] dirs = state.get(ev.link());
            for (int d = 0; d < 2; d++) {
                String dir = link.directions().get(d);
                if (ev.direction() == null || ev.direction().equals(dir)) {
                    dirs[d] = dirs[d].merge(ev.impairment());
                    ImpairmentIn.checkNeedsDelay(dirs[d], e.set());
                }
            }
        }
    }

    /** One state event against the directions down so far ({@code link} null for a LAN, which has one "direction": itself). */
    private static void replayState(TimelineEvent.LinkState ev, SourceValue at, LinkIn link, Map<String, SourceValue> downSince) {
        List<String> dirs = link == null ? List.of(ev.link()) : ev.direction() != null ? List.of(ev.direction()) : link.directions();
        if (dirs.stream().allMatch(d -> downSince.containsKey(d) != ev.up())) {
            String way = ev.direction() != null ? "in direction " + ev.direction() : link == null ? "" : "both ways";
            String what = (link == null ? "LAN" : "link") + " \"" + ev.link() + "\" is already " + (ev.up() ? "up" : "down")
                    + (way.isEmpty() ? "" : " " + way) + " at " + at.get("at").text("a time");
            if (ev.up()) {
                throw at.error(what + " (nothing took it down before it); remove this event, or take it down earlier");
            }
            SourceValue since = downSince.get(dirs.get(0));
            throw at.error(what + " (since " + (since == null ? "the start" : since.pointer()) + "); remove this event, or bring it up before");
        }
        for (String d : dirs) {
            if (ev.up()) {
                downSince.remove(d);
            } else {
                downSince.putIfAbsent(d, at);
            }
        }
    }

    // ---------------------------------------------------------------- the whole scenario

    /** No node has more interfaces (link ends and LAN memberships) than free PCI slots. */
    void checkInterfaces() {
        Map<String, Integer> count = new HashMap<>();
        Stream.concat(links.stream().flatMap(l -> l.ends().stream()), lans.stream().flatMap(l -> l.members().stream()))
                .forEach(e -> count.merge(e.node(), 1, Integer::sum));
        for (Map.Entry<String, SourceValue> node : nodeOrigins.entrySet()) {
            int n = count.getOrDefault(node.getKey(), 0);
            if (n > ScenarioLoader.MAX_INTERFACES) {
                throw node.getValue().error("node \"" + node.getKey() + "\" has " + n + " interfaces (link ends and LAN memberships); a node has at most "
                        + ScenarioLoader.MAX_INTERFACES + " (free PCI slots); spread its links over more nodes or use a LAN");
            }
        }
    }

    /**
     * Node files' placeholders name interfaces the node has, and peers only where a link has one:
     * ethN is the node's Nth attachment, links first then LANs, each in scenario order (as planned).
     */
    void checkFiles(List<NodesSection.NodeIn> nodes, Scenario.Addressing addressing) {
        Map<String, List<Boolean>> attachments = new HashMap<>(); // per node, per ethN: is it a link?
        links.forEach(l -> l.ends().forEach(e -> attachments.computeIfAbsent(e.node(), k -> new ArrayList<>()).add(true)));
        lans.forEach(l -> l.members().forEach(m -> attachments.computeIfAbsent(m.node(), k -> new ArrayList<>()).add(false)));
        for (NodesSection.NodeIn n : nodes) {
            List<Boolean> ifaces = attachments.getOrDefault(n.name(), List.of());
            for (FilesSection.FileIn f : n.files()) {
                for (Placeholders.Placeholder p : Placeholders.find(f.file().text())) {
                    missingFact(p, addressing).ifPresent(fix -> {
                        throw f.textAt().error(p.text() + " in " + f.file().path() + ": " + fix);
                    });
                    if (p.fact().loopback() || p.fact() == Placeholders.Fact.NODE) {
                        continue;
                    }
                    if (p.iface() >= ifaces.size()) {
                        throw f.textAt().error(p.text() + " in " + f.file().path() + ": node \"" + n.name() + "\" has "
                                + (ifaces.isEmpty() ? "no interfaces" : "eth0 to eth" + (ifaces.size() - 1)));
                    }
                    if (p.fact().linkOnly() && !ifaces.get(p.iface())) {
                        throw f.textAt().error(p.text() + " in " + f.file().path() + ": eth" + p.iface() + " of node \"" + n.name()
                                + "\" is on a LAN, which has no single peer; name the member's address instead");
                    }
                }
            }
        }
    }

    /** Why the lab lacks the fact {@code p} names, with the fix; empty when it has it (every interface has each family the lab has). */
    private static Optional<String> missingFact(Placeholders.Placeholder p, Scenario.Addressing addressing) {
        Cidr.Family family = p.fact().family();
        if (p.fact() == Placeholders.Fact.LO_IPV4 && addressing.loopback() == null) {
            return Optional.of("the lab plans no IPv4 loopback addresses; add \"loopback\": \"10.255.0.0/24\" to \"addressing\""
                    + " (node N of the node list gets host N+1 of it on its lo)");
        }
        if (p.fact() == Placeholders.Fact.LO_IPV6 && addressing.loopback6() == null) {
            return Optional.of("the lab plans no IPv6 loopback addresses; add \"loopback6\": \"fd00:ff::/64\" to \"addressing\""
                    + " (node N of the node list gets host N+1 of it on its lo)");
        }
        if (p.fact().loopback() || family == null) {
            return Optional.empty();
        }
        if (family == Cidr.Family.IPV4 && !addressing.ipv4()) {
            return Optional.of("the lab has no IPv4 addresses (\"addressing\" names only \"pool6\"); add \"pool\": \"10.0.0.0/16\""
                    + " to \"addressing\", or use the IPv6 placeholder");
        }
        if (family == Cidr.Family.IPV6 && !addressing.ipv6()) {
            return Optional.of("the lab has no IPv6 addresses; add \"pool6\": \"fd00:1::/48\" to \"addressing\", or use the IPv4 placeholder");
        }
        return Optional.empty();
    }

    /** A link's or LAN's explicit addresses, for the address checks. */
    private record AddressedSegment(String kind, String name, SourceValue at, List<EndpointIn> ends) {
    }

    /**
     * Explicit addresses, per family: the lab has that family (its pool is named), host addresses
     * outside the special ranges, each used once, one subnet per link or LAN with room for its members,
     * and no two links or LANs in overlapping subnets.
     */
    void checkAddresses(Scenario.Addressing addressing) {
        List<AddressedSegment> segments = new ArrayList<>();
        for (int i = 0; i < links.size(); i++) {
            segments.add(new AddressedSegment("link", linkNames.get(i), links.get(i).at(), links.get(i).ends()));
        }
        lans.forEach(l -> segments.add(new AddressedSegment("LAN", l.name(), l.at(), l.members())));
        checkAddresses(segments, Cidr.Family.IPV4, addressing.ipv4());
        checkAddresses(segments, Cidr.Family.IPV6, addressing.ipv6());
    }

    private static void checkAddresses(List<AddressedSegment> segments, Cidr.Family family, boolean labHasFamily) {
        String key = family == Cidr.Family.IPV4 ? "address" : "address6";
        String otherKey = family == Cidr.Family.IPV4 ? "address6" : "address";
        Map<IPAddress, SourceValue> usedAddresses = new HashMap<>();
        List<Map.Entry<Cidr, SourceValue>> subnets = new ArrayList<>();
        for (AddressedSegment s : segments) {
            Cidr subnet = null;
            SourceValue subnetAt = null;
            for (EndpointIn e : s.ends()) {
                SourceValue at = e.addressAt(family);
                if (at == null) {
                    continue;
                }
                Cidr cidr = ValueRules.cidr(at, family, key, otherKey);
                if (!labHasFamily) {
                    throw at.error(family == Cidr.Family.IPV4
                            ? "the lab has no IPv4: \"addressing\" names only \"pool6\"; add \"pool\": \"10.0.0.0/16\" to \"addressing\" for IPv4 on every link and LAN, or leave this address out"
                            : "the lab has no IPv6: add \"pool6\": \"fd00:1::/48\" to \"addressing\" for IPv6 on every link and LAN, or leave this address out");
                }
                AddressRules.address(at, cidr);
                if (cidr.prefix() >= family.bits()) {
                    throw at.error(family.hostPrefix() + " leaves no room for the other end; " + (family == Cidr.Family.IPV4
                            ? "use /30 or /31 for a link and /24 for a LAN, e.g. \"" + cidr.ip() + "/24\""
                            : "use /64, e.g. \"" + cidr.ip() + "/64\""));
                }
                Optional<String> reserved = cidr.reservedHost();
                if (reserved.isPresent()) {
                    throw at.error(cidr + " is the " + reserved.get() + " address of " + cidr.subnet() + "; use a host address from "
                            + cidr.subnet().host(cidr.subnet().firstHost()).ip() + (family == Cidr.Family.IPV4
                            ? " to " + Cidr.ip(cidr.last().increment(-1)) : " on"));
                }
                SourceValue first = usedAddresses.putIfAbsent(cidr.address(), at);
                if (first != null) {
                    throw at.error("address " + cidr.ip() + " is already used at " + first.pointer()
                            + "; every interface needs its own address");
                }
                if (subnet == null) {
                    subnet = cidr.subnet();
                    subnetAt = at;
                } else if (!subnet.equals(cidr.subnet())) {
                    throw at.error(cidr + " is not in " + subnet + " like " + subnetAt.pointer()
                            + "; put every end of a " + s.kind() + " in one subnet");
                }
            }
            if (subnet == null) {
                continue;
            }
            if (BigInteger.valueOf(s.ends().size()).compareTo(subnet.hostCount()) > 0) {
                throw subnetAt.error("subnet " + subnet + " has room for " + subnet.hostCount() + " hosts but "
                        + s.kind() + " \"" + s.name() + "\" has " + s.ends().size() + " members; use a shorter prefix");
            }
            for (Map.Entry<Cidr, SourceValue> other : subnets) {
                if (other.getKey().overlaps(subnet)) {
                    throw subnetAt.error("subnet " + subnet + " overlaps " + other.getKey() + " of " + other.getValue().pointer()
                            + "; give each link and LAN its own subnet");
                }
            }
            subnets.add(Map.entry(subnet, subnetAt));
        }
    }

    /** The pools have room for every automatic block. */
    void checkPool(Scenario scenario, SourceValue root) {
        for (Cidr.Family family : Cidr.Family.values()) {
            try {
                AddressPlan.allocate(scenario, family);
            } catch (AddressPlan.PoolTooSmallException e) {
                SourceValue addressing = root.get("addressing");
                SourceValue pool = addressing != null ? addressing.get(family == Cidr.Family.IPV4 ? "pool" : "pool6") : null;
                if (pool != null) {
                    throw pool.error(e.getMessage());
                }
                throw root.error("the default " + e.getMessage() + " in \"addressing\"");
            }
        }
    }

    /** Every image a node uses is in the image store; the error points where the image was named. */
    void checkImages(ImageCheck images, List<NodeIn> nodes, Defaults defaults, SourceValue defaultsAt, SourceValue root) {
        Set<String> checked = new HashSet<>();
        for (NodeIn n : nodes) {
            String image = n.image() != null ? n.image() : defaults.image();
            if (!checked.add(image) || images.exists(image)) {
                continue;
            }
            String fix = "; build it with " + Install.cli() + " images build " + image;
            if (n.imageAt() != null) {
                throw n.imageAt().error("image \"" + image + "\" is not in the image store" + fix);
            }
            SourceValue defaultImage = defaultsAt != null ? defaultsAt.get("image") : null;
            if (defaultImage != null) {
                throw defaultImage.error("image \"" + image + "\" is not in the image store" + fix);
            }
            throw root.error("nodes use the default image \"" + image + "\", which is not in the image store" + fix);
        }
    }
}

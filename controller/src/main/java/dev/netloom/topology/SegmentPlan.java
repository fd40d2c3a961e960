package dev.netloom.topology;

import dev.netloom.scenario.Cidr;
import dev.netloom.impairment.Impairment;
import dev.netloom.impairment.Target;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One link or LAN and its host devices: a tap per attached interface; a link's two taps are joined
 * by tc mirred redirects (no bridge), a LAN's taps by a bridge of its own.
 *
 * <p>Impairment keys: for a link "A->B" and "B->A" (node names, both always present, NONE when
 * unset); for a LAN the member's node name; for a medium its pairs, "A->B" for every two members
 * (what A sends to B, shaped in A's guest by B's MAC). Where a direction is shaped depends on the engine:
 * the guest engine shapes the sender's ethN egress ({@link #guestMember}); the host engine shapes
 * the receiver's tap egress ({@link #hostTap}), because a frame from A to B reaches B through B's
 * tap's egress (redirected there from A's tap on a link, forwarded there by the bridge on a LAN).
 *
 * @param name        link or LAN name
 * @param index       position among segments (links first, then LANs); used in the bridge name
 * @param kind        LINK or LAN
 * @param bridge      a LAN's host bridge device, {@code b<index>}; null for a link, which has none
 * @param members     attached interfaces: for a link A then B; for a LAN in member order
 * @param impairments per direction (see above)
 */
public record SegmentPlan(String name, int index, Kind kind, String bridge, List<Member> members,
                          Map<String, Impairment> impairments) {

    /**
     * LINK: two taps joined by redirects; LAN: a bridge; MEDIUM: a link model's shared medium (lan
     * mode), taps without a bridge, each mirroring what its guest sends to the taps of its sender's
     * neighbours now (docs/mobility.md).
     */
    public enum Kind { LINK, LAN, MEDIUM }

    /**
     * One attached interface: the node, its ethN index, its tap, its addresses (CIDRs; each null
     * without that family) and its MAC (what a medium's sender classifies its pairs by; null in plans
     * made by hand that need none).
     */
    public record Member(String node, int interfaceIndex, String tap, String address, String address6, String mac) {

        /** A member without a MAC. */
        public Member(String node, int interfaceIndex, String tap, String address, String address6) {
            this(node, interfaceIndex, tap, address, address6, null);
        }

        /** A member with an IPv4 address only. */
        public Member(String node, int interfaceIndex, String tap, String address) {
            this(node, interfaceIndex, tap, address, null);
        }

        public String dev() {
            return "eth" + interfaceIndex;
        }

        /** The IPv4 address without its prefix length; null without IPv4. */
        public String ip() {
            return address == null ? null : Cidr.parse(address).ip();
        }

        /** The IPv6 address without its prefix length; null without IPv6. */
        public String ip6() {
            return address6 == null ? null : Cidr.parse(address6).ip();
        }

        /** The address of that family without its prefix length, or null. */
        public String ip(Cidr.Family family) {
            return family == Cidr.Family.IPV4 ? ip() : ip6();
        }

        /** The CIDR of that family, or null. */
        public String address(Cidr.Family family) {
            return family == Cidr.Family.IPV4 ? address : address6;
        }
    }

    public SegmentPlan {
        if ((bridge == null) == (kind == Kind.LAN)) {
            throw new IllegalArgumentException(kind + " " + name + (bridge == null ? " needs a bridge" : " has no bridge, not " + bridge));
        }
        members = List.copyOf(members);
        impairments = Collections.unmodifiableMap(new LinkedHashMap<>(impairments));
    }

    /** "A->B" for a link's two endpoints. */
    public static String direction(String from, String to) {
        return from + "->" + to;
    }

    /** The IPv4 subnet the members share, e.g. 10.0.0.0/30; null without IPv4. */
    public String subnet() {
        return subnet(Cidr.Family.IPV4);
    }

    /** The IPv6 subnet the members share, e.g. fd00:1::/64; null without IPv6. */
    public String subnet6() {
        return subnet(Cidr.Family.IPV6);
    }

    /** The subnet of that family the members share, or null. */
    public String subnet(Cidr.Family family) {
        String address = members.get(0).address(family);
        return address == null ? null : Cidr.parse(address).subnet().toString();
    }

    public Member member(String node) {
        return members.stream().filter(m -> m.node().equals(node)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(node + " is not on " + name));
    }

    /** The member whose ethN egress the guest engine shapes for that direction: a link's or a medium pair's sender, or the LAN member named. */
    public Member guestMember(String direction) {
        return switch (kind) {
            case LINK, MEDIUM -> member(endsOf(direction)[0]);
            case LAN -> member(direction);
        };
    }

    /**
     * The tap whose egress the host engine shapes for that direction: a link's receiver's tap (A->B
     * traffic is redirected from A's tap to B's tap's egress), or the tap of the LAN member named (what
     * it receives: the bridge forwards to it through its egress).
     */
    public String hostTap(String direction) {
        return switch (kind) {
            case LINK, MEDIUM -> member(endsOf(direction)[1]).tap();
            case LAN -> member(direction).tap();
        };
    }

    /**
     * A medium's pairs, both ways ("a->b" for every two members): what its link state is made of (a
     * pair apart passes nothing between the two; docs/mobility.md). Empty for a link or LAN.
     */
    public List<String> pairDirections() {
        if (kind != Kind.MEDIUM) {
            return List.of();
        }
        List<String> out = new java.util.ArrayList<>();
        for (Member a : members) {
            for (Member b : members) {
                if (a != b) {
                    out.add(direction(a.node(), b.node()));
                }
            }
        }
        return out;
    }

    /**
     * That direction as the impairment engines shape it: where the guest and where the host would;
     * for a medium's pair also the receiver, whose frames the sender's guest picks out by its MAC.
     */
    public Target target(String direction) {
        Member guest = guestMember(direction);
        Target.Peer peer = null;
        if (kind == Kind.MEDIUM) {
            Member to = member(endsOf(direction)[1]);
            peer = new Target.Peer(to.mac(), members.indexOf(to));
        }
        return new Target(name, direction, guest.node(), guest.dev(), hostTap(direction), peer);
    }

    private String[] endsOf(String direction) {
        if (!impairments.containsKey(direction)) {
            throw new IllegalArgumentException("link " + name + " has no direction '" + direction + "'; directions: "
                    + String.join(", ", impairments.keySet()));
        }
        return direction.split("->", 2);
    }
}

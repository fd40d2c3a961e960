package dev.netloom.impairment;

import java.util.regex.Pattern;

/**
 * One direction of a link or LAN, with the two places it can be shaped: the sender's guest
 * interface (the guest engine shapes what the node sends on it) and the receiver's tap on the host
 * (a frame from A to B reaches B through B's tap's egress, redirected there from A's tap on a link or
 * forwarded there by the LAN's bridge, so the host engines shape that tap's egress).
 * For a LAN the direction is a member's name and both places are that member's: what it sends, what
 * it receives. For a pair of a shared medium ("A->B", docs/mobility.md) {@code peer} names the
 * receiver, whose frames the sender's guest tells apart by their destination MAC.
 *
 * @param segment    link or LAN name
 * @param direction  "A->B" for a link or a medium's pair, the member's node name for a LAN
 * @param guestNode  the node whose interface the guest engine shapes
 * @param guestDev   that interface, ethN
 * @param hostTap    the tap the host engines shape, t&lt;n&gt;x&lt;m&gt;
 * @param peer       a medium pair's receiver; null for a link's or a LAN's direction
 */
public record Target(String segment, String direction, String guestNode, String guestDev, String hostTap, Peer peer) {

    private static final Pattern DEV = Pattern.compile("eth([0-9]|[12][0-9])");
    private static final Pattern TAP = Pattern.compile("t[0-9]{1,6}x[0-9]{1,2}");
    private static final Pattern MAC = Pattern.compile("[0-9a-f]{2}(:[0-9a-f]{2}){5}");

    /**
     * The receiver of a medium's pair: its interface's MAC and its place among the medium's members
     * (0 the first), which numbers its class in the sender's guest.
     */
    public record Peer(String mac, int index) {
        /** The most members a medium has, with room to spare: a class number is at most 0xfff, u32's node ids. */
        public static final int MAX_INDEX = 4000;

        /** The MAC goes into tc commands: it is checked here. */
        public Peer {
            if (mac == null || !MAC.matcher(mac).matches()) {
                throw new IllegalArgumentException("not a MAC address (lowercase, colon-separated): '" + mac + "'");
            }
            if (index < 0 || index > MAX_INDEX) {
                throw new IllegalArgumentException("member index " + index + " outside 0.." + MAX_INDEX);
            }
        }
    }

    /** Device names go into tc commands: they are checked here, whatever the caller passes. */
    public Target {
        if (guestDev == null || !DEV.matcher(guestDev).matches()) {
            throw new IllegalArgumentException("not a guest interface name (eth0..eth29): '" + guestDev + "'");
        }
        if (hostTap == null || !TAP.matcher(hostTap).matches()) {
            throw new IllegalArgumentException("not a netloom tap name: '" + hostTap + "'");
        }
    }

    /** A link's or a LAN's direction. */
    public Target(String segment, String direction, String guestNode, String guestDev, String hostTap) {
        this(segment, direction, guestNode, guestDev, hostTap, null);
    }

    /** Whether this is a pair of a shared medium, shaped by destination in the sender's guest. */
    public boolean pair() {
        return peer != null;
    }

    @Override
    public String toString() {
        return segment + " " + direction;
    }
}

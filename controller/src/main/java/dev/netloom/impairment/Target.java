package dev.netloom.impairment;

import java.util.regex.Pattern;

/**
 * One direction of a link or LAN, with the two places it can be shaped: the sender's guest
 * interface (the guest engine shapes what the node sends on it) and the receiver's tap on the host
 * (a frame from A to B reaches B through B's tap's egress, redirected there from A's tap on a link or
 * forwarded there by the LAN's bridge, so the host engines shape that tap's egress).
 * For a LAN the direction is a member's name and both places are that member's: what it sends, what
 * it receives.
 *
 * @param segment    link or LAN name
 * @param direction  "A->B" for a link, the member's node name for a LAN
 * @param guestNode  the node whose interface the guest engine shapes
 * @param guestDev   that interface, ethN
 * @param hostTap    the tap the host engines shape, t&lt;n&gt;x&lt;m&gt;
 */
public record Target(String segment, String direction, String guestNode, String guestDev, String hostTap) {

    private static final Pattern DEV = Pattern.compile("eth([0-9]|[12][0-9])");
    private static final Pattern TAP = Pattern.compile("t[0-9]{1,6}x[0-9]{1,2}");

    /** Device names go into tc commands: they are checked here, whatever the caller passes. */
    public Target {
        if (guestDev == null || !DEV.matcher(guestDev).matches()) {
            throw new IllegalArgumentException("not a guest interface name (eth0..eth29): '" + guestDev + "'");
        }
        if (hostTap == null || !TAP.matcher(hostTap).matches()) {
            throw new IllegalArgumentException("not a netloom tap name: '" + hostTap + "'");
        }
    }

    @Override
    public String toString() {
        return segment + " " + direction;
    }
}

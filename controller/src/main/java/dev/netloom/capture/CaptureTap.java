package dev.netloom.capture;

/**
 * One tap a capture listens on, and what it sees there: the frames its node sends into the fabric
 * ({@code tcpdump -Q in}), which is one direction of a link ("a->b") or one LAN member's sending
 * side. Device names come from the plan, never from users.
 *
 * @param segment   the link or LAN
 * @param node      the node whose tap it is
 * @param tap       the host device ({@code t<n>x<m>})
 * @param direction what the frames are: "a->b" on a link, the member's name on a LAN
 */
public record CaptureTap(String segment, String node, String tap, String direction) {

    public CaptureTap {
        if (!tap.matches("[a-z][a-z0-9]{0,14}")) {
            throw new IllegalArgumentException("not a tap name: " + tap);
        }
    }

    /** The pcapng interface description: where the frames were seen and what they are. */
    public String description() {
        return segment + " " + (direction.contains("->") ? direction : direction + "->*") + ": frames " + node
                + " sends, seen as they enter the fabric on tap " + tap + " (before host impairments)";
    }

    /** How a summary line names the frames' direction: "a->b", or "x->lan" for a LAN member. */
    public String label() {
        return direction.contains("->") ? direction : direction + "->" + segment;
    }
}

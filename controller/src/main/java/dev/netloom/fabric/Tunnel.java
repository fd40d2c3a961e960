package dev.netloom.fabric;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The far end of a link that crosses to another host (docs/scale-out.md): a VXLAN device that takes
 * the place of the remote node's tap in this host's lab namespace, so the link's tc mirred redirects
 * join the local tap to the tunnel exactly as they join two local taps. It is created in the host's
 * own namespace, where its UDP socket and the underlay device stay, then moved into the lab's
 * namespace under the tap's name; deleting the lab's namespace deletes it.
 *
 * @param tap       the remote member's tap name in the plan ({@code t<n>x<m>}): the device's name in the lab's namespace
 * @param vni       the link's VXLAN network identifier (one per link)
 * @param local     this host's underlay address
 * @param remote    the other host's underlay address
 * @param underlay  the underlay device, or null to let the host's routes choose
 * @param hostNetns the namespace that plays this host's network, or null for the agent's own (tests play two hosts in two namespaces)
 */
public record Tunnel(String tap, int vni, String local, String remote, String underlay, String hostNetns) {

    /** IANA's VXLAN port. */
    public static final int PORT = 4789;
    private static final Pattern DEVICE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,14}");
    private static final Pattern ADDRESS = Pattern.compile("[0-9a-fA-F.:]{2,45}");

    public Tunnel {
        require(DEVICE.matcher(tap).matches(), "tap name " + tap);
        require(vni >= 1 && vni < (1 << 24), "VNI " + vni + " (1 to 16777215)");
        require(ADDRESS.matcher(local).matches(), "local address " + local);
        require(ADDRESS.matcher(remote).matches(), "remote address " + remote);
        require(underlay == null || DEVICE.matcher(underlay).matches(), "underlay device " + underlay);
        require(hostNetns == null || DEVICE.matcher(hostNetns).matches(), "host namespace " + hostNetns);
    }

    private static void require(boolean ok, String what) {
        if (!ok) {
            throw new dev.netloom.nodes.BadInputException("invalid tunnel " + what);
        }
    }

    /** Its name in the host's namespace until it moves: unique there, since a host has one tunnel per VNI. */
    public String hostName() {
        return "nlvx" + vni;
    }

    /** {@code ip [-n HOSTNS] link add nlvxVNI type vxlan id VNI remote R local L dstport 4789 [dev UNDERLAY]}. */
    public List<String> addCommand() {
        List<String> c = ip();
        c.addAll(List.of("link", "add", hostName(), "type", "vxlan", "id", String.valueOf(vni), "remote", remote, "local", local,
                "dstport", String.valueOf(PORT)));
        if (underlay != null) {
            c.addAll(List.of("dev", underlay));
        }
        return c;
    }

    /** {@code ip [-n HOSTNS] link set dev nlvxVNI netns LABNS name TAP}: moved and renamed in one step. */
    public List<String> moveCommand(String labNamespace) {
        List<String> c = ip();
        c.addAll(List.of("link", "set", "dev", hostName(), "netns", labNamespace, "name", tap));
        return c;
    }

    /** {@code ip [-n HOSTNS] link del nlvxVNI}: a tunnel that never moved, after a failed create. */
    public List<String> deleteCommand() {
        List<String> c = ip();
        c.addAll(List.of("link", "del", hostName()));
        return c;
    }

    private List<String> ip() {
        List<String> c = new ArrayList<>(List.of("ip"));
        if (hostNetns != null) {
            c.addAll(List.of("-n", hostNetns));
        }
        return c;
    }
}

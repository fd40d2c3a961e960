package dev.netloom.topology;

import dev.netloom.scenario.Cidr;
import dev.netloom.nodes.NodeSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * One guest interface and the host tap behind it.
 *
 * @param index     N of ethN
 * @param guestName "ethN"
 * @param segment   the link or LAN it is on
 * @param tap       host tap device, {@code t<nodeIndex>x<index>}
 * @param mac       locally administered unicast MAC, 52:54:xx:xx:xx:xx
 * @param pciSlot   0x03 + index
 * @param address   IPv4 CIDR, e.g. 10.0.0.1/30; null in a lab without IPv4
 * @param address6  IPv6 CIDR, e.g. fd00:1::1/64; null in a lab without IPv6
 */
public record InterfacePlan(int index, String guestName, String segment, String tap, String mac, int pciSlot,
                            String address, String address6) {

    /** An interface with an IPv4 address only. */
    public InterfacePlan(int index, String guestName, String segment, String tap, String mac, int pciSlot, String address) {
        this(index, guestName, segment, tap, mac, pciSlot, address, null);
    }

    /** The IPv4 address without its prefix length; null without IPv4. */
    public String ip() {
        return address == null ? null : Cidr.parse(address).ip();
    }

    /** The IPv6 address without its prefix length; null without IPv6. */
    public String ip6() {
        return address6 == null ? null : Cidr.parse(address6).ip();
    }

    /** The CIDR of that family, or null. */
    public String address(Cidr.Family family) {
        return family == Cidr.Family.IPV4 ? address : address6;
    }

    /** The address of that family without its prefix length, or null. */
    public String ip(Cidr.Family family) {
        return family == Cidr.Family.IPV4 ? ip() : ip6();
    }

    /** Its CIDRs: IPv4 first, then IPv6, those it has. */
    public List<String> addresses() {
        List<String> out = new ArrayList<>(2);
        if (address != null) {
            out.add(address);
        }
        if (address6 != null) {
            out.add(address6);
        }
        return out;
    }

    public NodeSpec.Nic nic() {
        return new NodeSpec.Nic(tap, mac, pciSlot);
    }
}

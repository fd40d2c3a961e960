package dev.netloom.topology;

import dev.netloom.scenario.Cidr;
import dev.netloom.nodes.NodeSpec;

/**
 * One guest interface and the host tap behind it.
 *
 * @param index     N of ethN
 * @param guestName "ethN"
 * @param segment   the link or LAN it is on
 * @param tap       host tap device, {@code t<nodeIndex>x<index>}
 * @param mac       locally administered unicast MAC, 52:54:xx:xx:xx:xx
 * @param pciSlot   0x03 + index
 * @param address   CIDR, e.g. 10.0.0.1/30
 */
public record InterfacePlan(int index, String guestName, String segment, String tap, String mac, int pciSlot,
                            String address) {

    /** The address without its prefix length. */
    public String ip() {
        return Cidr.parse(address).ip();
    }

    public NodeSpec.Nic nic() {
        return new NodeSpec.Nic(tap, mac, pciSlot);
    }
}

package dev.netloom.topology;

import dev.netloom.scenario.Cidr;

/**
 * A static route: {@code ip route replace DESTINATION via VIA dev DEV}, of either family (the
 * destination's and the gateway's, which are always the same).
 *
 * @param destination subnet, e.g. 10.0.1.0/24 or fd00:1:0:1::/64
 * @param via         the next hop's address on the segment this node shares with it
 * @param dev         this node's interface on that segment, "ethN"
 */
public record Route(String destination, String via, String dev) {

    public Cidr.Family family() {
        return destination.contains(":") ? Cidr.Family.IPV6 : Cidr.Family.IPV4;
    }
}

package dev.netloom.topology;

/**
 * A static route: {@code ip route replace DESTINATION via VIA dev DEV}.
 *
 * @param destination subnet, e.g. 10.0.1.0/24
 * @param via         the next hop's address on the segment this node shares with it
 * @param dev         this node's interface on that segment, "ethN"
 */
public record Route(String destination, String via, String dev) {
}

package dev.netloom.cli;

import dev.netloom.nodes.BadInputException;
import picocli.CommandLine.Option;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/** --listen: also serve a lab's API on loopback TCP (`up` passes it on to the controller it starts). */
final class ListenOption {

    @Option(names = "--listen", paramLabel = "127.0.0.1:PORT",
            description = "Also serve the API on TCP, loopback only; clients authenticate with the token in the run directory's api.token.")
    String text;

    /** The address to serve on, or null when --listen is not given; anything but a loopback address and a port is bad input. */
    InetSocketAddress address() {
        return text == null ? null : loopback(text);
    }

    /** Parses --listen: a loopback address and a port; anything else is bad input. */
    static InetSocketAddress loopback(String text) {
        int colon = text.lastIndexOf(':');
        try {
            InetAddress address = InetAddress.getByName(text.substring(0, colon));
            int port = Integer.parseInt(text.substring(colon + 1));
            if (!address.isLoopbackAddress() || port < 0 || port > 65535) {
                throw new IllegalArgumentException();
            }
            return new InetSocketAddress(address, port);
        } catch (Exception e) {
            throw new BadInputException("--listen " + text + ": give a loopback address and a port, e.g. 127.0.0.1:7777 (the API is never served beyond this host)");
        }
    }
}

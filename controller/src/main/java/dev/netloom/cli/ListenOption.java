package dev.netloom.cli;

import dev.netloom.nodes.Config;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;

/** --listen: also serve a lab's API on loopback TCP (`up` passes it on to the controller it starts). */
final class ListenOption {

    @Option(names = "--listen", paramLabel = "127.0.0.1:PORT",
            description = {"Also serve the API on TCP, loopback only; clients authenticate with the token in the run directory's api.token.",
                    "Default: $NETLOOM_LISTEN, else \"listen\" in the config file, else none."})
    String text;

    /** The address to serve on (the flag, else the configured default), or null when none is set; anything but a loopback address and a port is bad input. */
    InetSocketAddress address() {
        return Config.current().listen(text);
    }

    /** The listen address as text, from the flag or the configured default (null: none). */
    String resolved() {
        return Config.current().get(Config.Key.LISTEN, text).value();
    }

    /** Parses --listen: a loopback address and a port; anything else is bad input. */
    static InetSocketAddress loopback(String text) {
        return Config.loopback(text, "--listen " + text);
    }
}

package dev.netloom.cli;

import dev.netloom.lab.LabEvent;
import dev.netloom.nodes.BadInputException;
import dev.netloom.observe.EventsFile;
import picocli.CommandLine.Option;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * --metrics, --events and --web, for the commands that hold a lab (run, serve, and up, which passes
 * them on to the controller it starts).
 */
final class ObserveOptions {

    @Option(names = "--metrics", paramLabel = "HOST:PORT",
            description = "Serve the lab's counters in Prometheus' text format at http://HOST:PORT/metrics (e.g. 127.0.0.1:9464;"
                    + " port 0 picks a free one). HOST is an IP address of this host or localhost.")
    String metrics;

    @Option(names = "--events", paramLabel = "FILE",
            description = "Append every lab event (node states, links, timeline, checks, impairments) to FILE as JSON lines;"
                    + " the file stays after the lab.")
    Path events;

    /** What --web alone means: a free port on loopback. */
    static final String WEB_DEFAULT = "127.0.0.1:0";

    @Option(names = "--web", paramLabel = "127.0.0.1:PORT", arity = "0..1", parameterConsumer = WebValue.class,
            description = "Serve the web view (docs/web.md: the live topology, consoles, link and node actions) on this loopback"
                    + " address and print its URL, which carries the lab's token; --web alone picks a free port.")
    String web;

    /**
     * --web's value is optional: it takes the next argument only when that is an address (it has a
     * colon), so that `netloom up --web lab.json` keeps the file as the file.
     */
    static final class WebValue implements picocli.CommandLine.IParameterConsumer {
        @Override
        public void consumeParameters(java.util.Stack<String> args, picocli.CommandLine.Model.ArgSpec option,
                                      picocli.CommandLine.Model.CommandSpec command) {
            boolean address = !args.isEmpty() && args.peek().contains(":") && !args.peek().startsWith("-");
            option.setValue(address ? args.pop() : WEB_DEFAULT);
        }
    }

    private static final Pattern HOST = Pattern.compile("localhost|[0-9.]+|\\[?[0-9a-fA-F:]+]?");

    /** The address to serve metrics on, or null; anything but an address literal (or localhost) and a port is bad input. */
    InetSocketAddress metricsAddress() {
        if (metrics == null) {
            return null;
        }
        int colon = metrics.lastIndexOf(':');
        String fix = "; give an IP address of this host and a port, e.g. 127.0.0.1:9464 (0.0.0.0:9464 for every interface)";
        if (colon <= 0) {
            throw new BadInputException("--metrics " + metrics + ": no port" + fix);
        }
        String host = metrics.substring(0, colon);
        if (!HOST.matcher(host).matches()) {
            throw new BadInputException("--metrics " + metrics + ": " + host + " is not an IP address" + fix);
        }
        int port;
        try {
            port = Integer.parseInt(metrics.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new BadInputException("--metrics " + metrics + ": the port is 0 to 65535" + fix);
        }
        try {
            // a literal (checked above) or localhost: no name service is asked
            return new InetSocketAddress(InetAddress.getByName(host.replace("[", "").replace("]", "")), port);
        } catch (java.net.UnknownHostException e) {
            throw new BadInputException("--metrics " + metrics + ": " + host + " is not an IP address" + fix);
        }
    }

    /** Opens --events (bad input when it cannot be written), or null without it. */
    EventsFile openEvents() {
        return events == null ? null : EventsFile.open(events);
    }

    /** The web view's address ("127.0.0.1:PORT"), or null without --web; anything but a loopback address and a port is bad input. */
    String webAddress() {
        if (web != null) {
            dev.netloom.nodes.Config.loopback(web, "--web " + web);
        }
        return web;
    }

    /** Checks the options (bad input before anything starts). */
    void check() {
        metricsAddress();
        webAddress();
        if (events != null) {
            EventsFile.check(events);
        }
    }

    /** The options again, for the controller `up` starts (paths made absolute: it runs elsewhere). */
    List<String> passOn() {
        List<String> out = new java.util.ArrayList<>();
        if (metrics != null) {
            out.addAll(List.of("--metrics", metrics));
        }
        if (events != null) {
            out.addAll(List.of("--events", events.toAbsolutePath().toString()));
        }
        if (web != null) {
            out.add("--web=" + web);
        }
        return out;
    }

    /** {@code progress} and then the events file, when there is one. */
    static Consumer<LabEvent> both(Consumer<LabEvent> progress, EventsFile file) {
        return file == null ? progress : progress.andThen(file);
    }
}

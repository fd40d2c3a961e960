package dev.netloom.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netloom.api.ApiClient;
import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.Json;
import dev.netloom.nodes.host.HostSetup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** Captures the frames of a link or LAN: pcapng to a file or stdout, or a line per frame. */
@Command(name = "capture", mixinStandardHelpOptions = true, header = "Capture the frames of a link or LAN (pcapng, or a line per frame).",
        description = {"Capture what the nodes of a link or LAN send, on the host side of their taps (before any host",
                "impairment): with -w FILE as pcapng (an interface per tap, named after the link and direction), with",
                "-w - as pcapng on stdout for a live Wireshark (netloom capture a-b -w - | wireshark -k -i -), and",
                "otherwise as one line per frame. --direction a->b keeps one direction (on a LAN: a member's name, the",
                "frames it sends). --filter is a BPF expression (pcap-filter(7)), checked by tcpdump before the capture",
                "starts. Ctrl-C, -c or --duration end it cleanly: the file ends after its last whole frame.",
                "Needs tcpdump on the host (netloom setup installs it); see docs/observability.md."})
final class CaptureCommand implements Callable<Integer> {

    @Mixin
    LabOption lab;

    @Parameters(paramLabel = "LINK", description = "Link or LAN name (netloom status lists them).")
    String link;

    @Option(names = "--direction", paramLabel = "A->B", description = "Only this direction (default: both).")
    String direction;

    @Option(names = "--filter", paramLabel = "BPF", description = "A pcap-filter(7) expression, e.g. \"icmp or arp\".")
    String filter;

    @Option(names = "-c", paramLabel = "N", description = "Stop after N frames.")
    Long count;

    @Option(names = "--duration", paramLabel = "D", description = "Stop after this long, e.g. 10s.")
    String duration;

    @Option(names = "-w", paramLabel = "FILE|-", description = "Write pcapng to FILE, or to stdout with -. Without it: a line per frame.")
    String write;

    @Override
    public Integer call() throws Exception {
        ObjectNode params = Json.MAPPER.createObjectNode().put("link", link);
        if (direction != null) {
            params.put("direction", direction);
        }
        if (filter != null) {
            params.put("filter", filter);
        }
        if (count != null) {
            if (count < 1) {
                throw new BadInputException("-c " + count + ": give the number of frames to capture, 1 or more");
            }
            params.put("count", count);
        }
        if (duration != null) {
            Duration d = RunCommand.durationOption(duration);
            if (d.isZero()) {
                throw new BadInputException("--duration 0: give how long to capture, e.g. 10s");
            }
            params.put("duration", d.toMillis());
        }
        Path file = write == null || write.equals("-") ? null : Path.of(write);
        if (file != null && !Files.isDirectory(file.toAbsolutePath().getParent())) {
            throw new BadInputException("-w " + write + ": there is no directory " + file.toAbsolutePath().getParent());
        }
        params.put("format", write == null ? "text" : "pcapng");
        HostSetup.ensurePrograms(List.of("tcpdump"), Say::line);
        LazyFile out = new LazyFile(file);
        try (ApiClient api = lab.connect()) {
            JsonNode answer = api.capture(params, out, Duration.ofSeconds(60));
            Thread stop = new Thread(() -> {
                api.stopStream(); // Ctrl-C: the server ends the stream after its last whole block
                try {
                    api.closed().get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    // the JVM is exiting anyway
                }
                out.closeQuietly();
            }, "capture-stop");
            Runtime.getRuntime().addShutdownHook(stop);
            List<String> taps = java.util.stream.StreamSupport.stream(answer.path("interfaces").spliterator(), false)
                    .map(i -> i.path("direction").asText() + " on " + i.path("tap").asText()).toList();
            Say.line("capturing " + link + " (" + String.join(", ", taps) + ")" + (write == null || file == null ? "" : " to " + file)
                    + "; Ctrl-C stops");
            api.closed().join();
            try {
                Runtime.getRuntime().removeShutdownHook(stop);
            } catch (IllegalStateException e) {
                // shutting down: the hook finishes the job
            }
        } finally {
            out.closeQuietly();
        }
        Say.line("capture of " + link + " ended" + (file == null ? "" : ": " + file + (out.opened() ? "" : " (nothing captured, not written)")));
        return 0;
    }

    /** stdout, or FILE opened at the first byte: bad input or a failed start creates no file. */
    private static final class LazyFile extends OutputStream {
        private final Path file;
        private OutputStream out;

        LazyFile(Path file) {
            this.file = file;
        }

        private synchronized OutputStream out() throws IOException {
            if (out == null) {
                out = file == null ? System.out : Files.newOutputStream(file);
            }
            return out;
        }

        synchronized boolean opened() {
            return out != null;
        }

        @Override
        public void write(int b) throws IOException {
            out().write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out().write(b, off, len);
        }

        @Override
        public synchronized void flush() throws IOException {
            if (out != null) {
                out.flush();
            }
        }

        synchronized void closeQuietly() {
            if (out != null && file != null) {
                try {
                    out.close();
                } catch (IOException e) {
                    // nothing to add
                }
            }
        }
    }
}

package dev.netloom.api;

import dev.netloom.capture.CaptureTap;
import dev.netloom.capture.LinkCapture;
import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.ExecResult;
import dev.netloom.nodes.console.Attachment;
import dev.netloom.nodes.console.ConsoleBroker;
import dev.netloom.nodes.console.ConsoleListener;
import dev.netloom.impairment.Impairment;
import dev.netloom.topology.SegmentPlan.Kind;
import dev.netloom.topology.Topology;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** A lab of two nodes (n1, n2) and one link (n1-n2) that records what the API asked of it. */
class FakeOps implements LabOps {

    record Exec(String node, String command, Duration timeout, CompletableFuture<ExecResult> result) {
    }

    final List<Exec> execs = new CopyOnWriteArrayList<>();
    final List<String> actions = new CopyOnWriteArrayList<>();
    final Map<String, Impairment> impairments = new ConcurrentHashMap<>(Map.of("n1->n2", Impairment.NONE, "n2->n1", Impairment.NONE));
    final List<String> linkChanges = new CopyOnWriteArrayList<>();
    final ByteArrayOutputStream typed = new ByteArrayOutputStream();
    final List<ConsoleListener> consoleReaders = new CopyOnWriteArrayList<>();
    final List<ConsoleBroker.Size> resizes = new CopyOnWriteArrayList<>();
    final Map<String, ConsoleBroker> brokers = new ConcurrentHashMap<>();
    /** When true, the fake console is the automation's shared one (no own port for people), as for images without it. */
    volatile boolean sharedConsole;
    volatile boolean up = true;
    /** The captures asked for: what they were asked, and futures that complete when each is stopped (after its end). */
    record Capture(String link, String direction, String filter, LinkCapture.Format format, long count, Duration duration,
                   LinkCapture.Output out, CompletableFuture<String> ended, CompletableFuture<String> stopped) {
    }

    final List<Capture> captures = new CopyOnWriteArrayList<>();
    final Map<String, Boolean> directionsUp = new java.util.concurrent.ConcurrentSkipListMap<>(Map.of("n1->n2", true, "n2->n1", true));
    volatile String notReady;
    /** When set, execs complete at once with what it returns; otherwise they wait in {@link #execs}. */
    volatile Function<String, ExecResult> autoExec;
    volatile Runnable duringAction = () -> { };
    /** When true, typed bytes are taken but their writes stay incomplete in {@link #typing}, like a console that lags. */
    volatile boolean holdTyping;
    final List<CompletableFuture<Void>> typing = new CopyOnWriteArrayList<>();
    /** Told of every change of {@link #consoleReaders} and {@link #typed}, so tests wait on them without polling. */
    private final Watchers consoleWatchers = new Watchers();

    @Override
    public LabInfo info() {
        return new LabInfo("fake", "READY", "nl-fake", "/run/netloom/labs/fake");
    }

    @Override
    public List<String> nodeNames() {
        return List.of("n1", "n2");
    }

    @Override
    public List<String> linkNames() {
        return List.of("n1-n2");
    }

    @Override
    public List<NodeInfo> nodes() {
        List<NodeInfo> out = new ArrayList<>();
        out.add(new NodeInfo("n1", "READY", "tiny", 4200L, 101, List.of(new InterfaceInfo("eth0", "10.0.0.1/30", "n1-n2", "52:54:00:00:00:01", "fd00:1::1/64"))));
        out.add(new NodeInfo("n2", notReady != null ? "STOPPED" : "READY", "tiny", null, -1,
                List.of(new InterfaceInfo("eth0", "10.0.0.2/30", "n1-n2", "52:54:00:00:00:02"))));
        return out;
    }

    @Override
    public List<LinkInfo> links() {
        return List.of(new LinkInfo("n1-n2", "link", List.of(new MemberInfo("n1", "eth0", "10.0.0.1/30", "fd00:1::1/64"), new MemberInfo("n2", "eth0", "10.0.0.2/30")),
                up, new LinkedHashMap<>(Map.of("n1->n2", impairments.get("n1->n2"), "n2->n1", impairments.get("n2->n1"))),
                Map.of("n1->n2", "guest-netem", "n2->n1", "guest-netem"), new LinkedHashMap<>(directionsUp)));
    }

    @Override
    public CompletableFuture<ExecResult> exec(String node, String command, Duration timeout) {
        if (node.equals(notReady)) {
            throw new ApiException(ApiException.NOT_READY, "node " + node + " is not ready (it is STOPPED)");
        }
        Function<String, ExecResult> auto = autoExec;
        CompletableFuture<ExecResult> f = auto == null ? new CompletableFuture<>() : CompletableFuture.completedFuture(auto.apply(command));
        execs.add(new Exec(node, command, timeout, f));
        return f;
    }

    @Override
    public void nodeAction(String node, String action) {
        duringAction.run();
        actions.add(action + " " + node);
    }

    @Override
    public void setImpairment(String link, String direction, Impairment impairment) {
        for (String d : direction == null ? List.of("n1->n2", "n2->n1") : List.of(direction)) {
            impairments.put(d, impairment.isNone() ? Impairment.NONE : impairments.get(d).merge(impairment));
        }
    }

    @Override
    public void setLinkState(String link, String direction, boolean up) {
        for (String d : direction == null ? List.of("n1->n2", "n2->n1") : List.of(direction)) {
            directionsUp.put(d, up);
        }
        this.up = !directionsUp.containsValue(false);
        linkChanges.add(link + (direction == null ? "" : " " + direction) + (up ? " up" : " down"));
    }

    @Override
    public Topology.View topology() {
        return new Topology.View("fake", List.of(new Topology.NodeEntry("n1", 0, List.of("n2")), new Topology.NodeEntry("n2", 1, List.of("n1"))),
                List.of(new Topology.Segment("n1-n2", 0, Kind.LINK, List.of("n1", "n2"))));
    }

    @Override
    public String topologyDot() {
        return "graph \"fake\" {\n  \"n1\" -- \"n2\";\n}\n";
    }

    @Override
    public ConsoleBroker console(String node) {
        if (node.equals(notReady)) {
            throw new ApiException(ApiException.NOT_READY, "node " + node + " is not ready");
        }
        return brokers.computeIfAbsent(node, n -> broker(n, new ConsoleBroker.Terminal() {
            @Override
            public Attachment attach(ConsoleListener listener) {
                consoleReaders.add(listener);
                consoleWatchers.changed();
                return () -> {
                    consoleReaders.remove(listener);
                    consoleWatchers.changed();
                };
            }

            @Override
            public ConsoleBroker.Typed type(byte[] bytes) {
                synchronized (typed) {
                    typed.writeBytes(bytes);
                }
                consoleWatchers.changed();
                if (holdTyping) {
                    CompletableFuture<Void> written = new CompletableFuture<>();
                    typing.add(written);
                    return ConsoleBroker.Typed.now(written);
                }
                return ConsoleBroker.Typed.now(CompletableFuture.completedFuture(null));
            }

            @Override
            public CompletableFuture<?> resize(ConsoleBroker.Size size) {
                resizes.add(size);
                consoleWatchers.changed();
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public boolean shared() {
                return sharedConsole;
            }

            @Override
            public void close() {
            }
        }));
    }

    private ConsoleBroker broker(String node, ConsoleBroker.Terminal terminal) {
        ConsoleBroker b = new ConsoleBroker(node, terminal);
        b.onChange(consoleWatchers::changed);
        return b;
    }

    /** How many people watch {@code node}'s console now. */
    int viewers(String node) {
        ConsoleBroker b = brokers.get(node);
        return b == null ? 0 : b.viewerCount();
    }

    String typed() {
        synchronized (typed) {
            return typed.toString(java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** Completes once {@code condition} on the console state ({@link #consoleReaders}, {@link #typed()}) holds. */
    CompletableFuture<Void> whenConsole(java.util.function.BooleanSupplier condition) {
        return consoleWatchers.when(condition);
    }

    static ExecResult ok(String output) {
        return new ExecResult(0, output, Duration.ofMillis(3), false);
    }

    /** A capture that writes "HDR" at once, more when the test writes to {@code out}, and ends when stopped; filter "bad" is refused. */
    @Override
    public CaptureHandle capture(String link, String direction, String filter, LinkCapture.Format format, long count, Duration duration,
                                 LinkCapture.Output out) {
        if ("bad".equals(filter)) {
            throw new BadInputException("--filter \"bad\" is not a BPF filter tcpdump accepts: syntax error");
        }
        Capture c = new Capture(link, direction, filter, format, count, duration, out, new CompletableFuture<>(), new CompletableFuture<>());
        captures.add(c);
        try {
            out.write("HDR".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return new CaptureHandle(List.of(new CaptureTap(link, "n1", "t0x0", "n1->n2")), c.ended(), why -> {
            c.ended().complete(why);
            c.stopped().complete(why);
        });
    }

    /** Counters that grow by one packet per reading on every direction of every link. */
    final java.util.concurrent.atomic.AtomicLong statsReadings = new java.util.concurrent.atomic.AtomicLong();

    @Override
    public dev.netloom.observe.LabStats stats() {
        long n = statsReadings.incrementAndGet();
        List<dev.netloom.observe.LinkCounters.Direction> links = new java.util.ArrayList<>();
        for (LinkInfo l : links()) {
            for (String d : l.impairments().keySet()) {
                links.add(new dev.netloom.observe.LinkCounters.Direction(l.name(), l.kind(), d, n, 100 * n, n, 100 * n, 0, 0, 0));
            }
        }
        List<dev.netloom.observe.NodeUsage> nodes = nodeNames().stream().map(x -> new dev.netloom.observe.NodeUsage(x, "READY", 1, 0.5, 1 << 20, 1 << 19)).toList();
        return new dev.netloom.observe.LabStats(info().lab(), java.time.Instant.now(), links, nodes);
    }
}

package dev.netloom.lab;

import dev.netloom.fabric.Fabric;
import dev.netloom.nodes.ExecResult;
import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.NodeSpec;
import dev.netloom.nodes.NodeState;
import dev.netloom.nodes.RunDirs;
import dev.netloom.nodes.host.ProcessIdentity;
import dev.netloom.nodes.QemuNode;
import dev.netloom.nodes.console.ConsoleSession;
import dev.netloom.nodes.image.ImageManifest;
import dev.netloom.nodes.image.ImageStore;
import dev.netloom.nodes.qemu.Accel;
import dev.netloom.nodes.BadInputException;
import dev.netloom.scenario.AddressPlan;
import dev.netloom.scenario.Impairment;
import dev.netloom.scenario.Scenario;
import dev.netloom.topology.GuestConfig;
import dev.netloom.topology.NodePlan;
import dev.netloom.topology.Plan;
import dev.netloom.topology.Planner;
import dev.netloom.topology.SegmentPlan;
import io.netty.channel.EventLoopGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * A running scenario: its network namespace and bridges, its QEMU nodes, their configuration, and
 * the operations on them (exec, impairments, link state, node stop/start). {@link #up} brings it to
 * READY; {@link #down} removes everything it created. A journal in the run directory lets
 * {@code netloom cleanup} finish the job after a crash.
 */
public final class Lab implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Lab.class);

    /** Which mechanism shapes a link's traffic. */
    public enum Engine { HOST_NETEM, GUEST_NETEM, HOST_TBF, NONE }

    /** A line for the lab's event log and any listener: what happened, when. */
    public record Event(Instant at, String kind, String subject, String detail) {
        @Override
        public String toString() {
            return at + " " + kind + " " + subject + (detail.isEmpty() ? "" : ": " + detail);
        }
    }

    private final Scenario scenario;
    private final Plan plan;
    private final Accel accel;
    private final LabPaths paths;
    private final ImageStore images;
    private final EventLoopGroup loops;
    private final List<Consumer<Event>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>(); // the API adds one while nodes raise events
    private final Map<String, QemuNode> nodes = new ConcurrentHashMap<>();
    private final Map<String, Impairment> current = new ConcurrentHashMap<>(); // "segment|direction" -> impairment
    private final Map<String, Boolean> segmentUp = new ConcurrentHashMap<>();
    private final java.util.Set<String> everDown = ConcurrentHashMap.newKeySet();
    private final ExecutorService workers;
    private final NodeSetup setup;
    private final Object lifecycle = new Object(); // guards down and every step that creates something
    private final Object journalLock = new Object();
    private final CompletableFuture<Void> downDone = new CompletableFuture<>();
    private volatile Journal journal;
    private volatile boolean claimed; // the name is ours: down() removes what is under it
    private volatile Fabric fabric;
    private boolean hostNetem;
    private volatile boolean down;

    private Lab(Scenario scenario, Plan plan, Accel accel, ImageStore images) {
        this.scenario = scenario;
        this.plan = plan;
        this.accel = accel;
        this.images = images;
        this.paths = LabPaths.of(scenario.name());
        this.setup = new NodeSetup(plan, (s, dir) -> !hostNetem && guestNetem(s, dir), this::event);
        this.loops = ConsoleSession.newEventLoopGroup(Math.min(4, Math.max(1, Runtime.getRuntime().availableProcessors())));
        this.workers = Executors.newFixedThreadPool(Math.max(2, plan.nodes().size()), r -> {
            Thread t = new Thread(r, "lab-" + scenario.name());
            t.setDaemon(true);
            return t;
        });
    }

    /** The plan a scenario gives (pure: nothing is created). */
    public static Plan planOf(Scenario scenario) {
        return Planner.plan(scenario, AddressPlan.allocate(scenario));
    }

    /**
     * A lab for {@code scenario}, not started: nothing exists on the host until {@link #up()}. A
     * controller makes the lab first so that its signal handler can call {@link #down()} at any moment
     * of the bring-up.
     */
    public static Lab create(Scenario scenario, Accel accel, ImageStore images, Consumer<Event> listener) {
        Plan plan = planOf(scenario);
        HostMemory.requirePossible(plan);
        Lab lab = new Lab(scenario, plan, accel, images);
        if (listener != null) {
            lab.listeners.add(listener);
        }
        return lab;
    }

    /** Creates the lab and brings it to READY (see {@link #up()}). */
    public static Lab up(Scenario scenario, Accel accel, ImageStore images, Consumer<Event> listener) {
        Lab lab = create(scenario, accel, images, listener);
        lab.up();
        return lab;
    }

    /**
     * Brings the lab to READY: namespace and bridges, nodes (admission-controlled), configuration
     * over the consoles, impairments, commands. On failure, or when {@link #down()} is called from
     * another thread meanwhile, everything created so far is removed before the exception propagates.
     */
    public void up() {
        try {
            bringUp();
        } catch (RuntimeException e) {
            down();
            throw e;
        }
    }

    public Scenario scenario() {
        return scenario;
    }

    public Plan plan() {
        return plan;
    }

    public String name() {
        return scenario.name();
    }

    public LabPaths paths() {
        return paths;
    }

    public Map<String, QemuNode> nodes() {
        return Map.copyOf(nodes);
    }

    public QemuNode node(String name) {
        plan.node(name); // a BadInputException listing the nodes when unknown
        QemuNode n = nodes.get(name);
        if (n == null) {
            throw new NetloomException("node " + name + " is not running");
        }
        return n;
    }

    // ---- bring-up ----

    private void bringUp() {
        Map<String, ImageManifest> manifests = new LinkedHashMap<>();
        for (NodePlan n : plan.nodes()) {
            manifests.computeIfAbsent(n.image(), images::require);
        }
        claim();
        event("lab", name(), "creating namespace " + journal.namespace() + " with " + plan.segments().size() + " bridges");
        creating(() -> fabric = Fabric.create(plan));
        hostNetem = fabric.hostNetem();
        for (SegmentPlan s : plan.segments()) {
            segmentUp.put(s.name(), true);
            s.impairments().forEach((dir, imp) -> current.put(s.name() + "|" + dir, imp));
        }
        checkEngines(manifests);
        applyHostImpairments();

        int slots = Math.max(2, 4 * Runtime.getRuntime().availableProcessors());
        Semaphore admission = new Semaphore(slots);
        List<CompletableFuture<Void>> configured = new ArrayList<>();
        for (NodePlan n : plan.nodes()) {
            admission.acquireUninterruptibly();
            QemuNode node = creatingNode(n, manifests.get(n.image()));
            node.ready().whenComplete((r, e) -> admission.release());
            configured.add(node.ready().thenAcceptAsync(r -> setup.configure(n, node), workers));
        }
        try {
            CompletableFuture.allOf(configured.toArray(CompletableFuture[]::new)).join();
        } catch (java.util.concurrent.CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw cause instanceof RuntimeException re ? re : new NetloomException(cause.getMessage(), cause);
        }
        creating(() -> {
            synchronized (journalLock) {
                journal = journal.withState(Journal.State.READY);
                journal.write(paths.journal());
            }
        });
        event("lab", name(), "READY with " + nodes.size() + " nodes");
    }

    /**
     * Takes the lab's name on this host, with its memory, in one step under the {@link HostLock}:
     * refused when a live controller runs a lab of this name; a crashed run's leftovers are removed
     * first. The journal, written before the lock is released, is the claim.
     */
    private void claim() {
        creating(() -> HostLock.run(() -> {
            Cleanup.LabEntry existing = Files.isDirectory(paths.dir()) ? Cleanup.entry(paths.dir()) : null;
            if (existing != null && existing.controllerAlive()) {
                throw new BadInputException("lab " + name() + " is already running (controller pid " + existing.journal().controller().pid()
                        + "): take it down first (`netloom down " + name() + "`) or give this scenario another name");
            }
            if (existing != null && existing.journal() == null && Cleanup.running(existing)) {
                throw new BadInputException("lab " + name() + " exists with an unreadable journal (" + existing.problem()
                        + ") and processes of it still run: `netloom down " + name() + "` removes it");
            }
            if (existing != null || Fabric.exists(Fabric.namespaceFor(name()))) {
                Cleanup.removeLeftovers(name(), paths, line -> event("cleanup", name(), line));
            }
            long reserve = HostMemory.labMiB(plan);
            HostMemory.admit(name(), reserve);
            try {
                RunDirs.createPrivate(paths.dir());
            } catch (IOException e) {
                throw new NetloomException("cannot create the lab's run directory " + paths.dir() + ": " + e.getMessage(), e);
            }
            journal = new Journal(name(), Fabric.namespaceFor(name()), ProcessIdentity.current(), Journal.State.STARTING, reserve, Map.of());
            journal.write(paths.journal());
            claimed = true;
        }));
    }

    /** Runs a step that creates something, unless the lab is going down; a step and {@link #down()} never interleave. */
    private void creating(Runnable step) {
        synchronized (lifecycle) {
            if (down) {
                throw new NetloomException("lab " + name() + " was taken down during its bring-up");
            }
            step.run();
        }
    }

    private QemuNode creatingNode(NodePlan n, ImageManifest manifest) {
        QemuNode[] started = new QemuNode[1];
        creating(() -> started[0] = startNode(n, manifest));
        return started[0];
    }

    private void checkEngines(Map<String, ImageManifest> manifests) {
        for (SegmentPlan s : plan.segments()) {
            for (Map.Entry<String, Impairment> e : s.impairments().entrySet()) {
                Engine engine = engine(s, e.getKey(), e.getValue(), manifests);
                if (engine == null) {
                    throw new BadInputException("link " + s.name() + " (" + e.getKey() + "): the host kernel has no netem and image "
                            + nodeImage(s.guestMember(e.getKey()).node()) + " has no guest netem; use an image with tc and sch_netem (tiny)"
                            + " or only a rate");
                }
            }
        }
    }

    private String nodeImage(String node) {
        return plan.node(node).image();
    }

    /** The engine for one direction of a segment, or null when none can do it. */
    private Engine engine(SegmentPlan s, String direction, Impairment imp, Map<String, ImageManifest> manifests) {
        if (imp == null || imp.isNone()) {
            return Engine.NONE;
        }
        if (hostNetem) {
            return Engine.HOST_NETEM;
        }
        ImageManifest m = manifests.computeIfAbsent(nodeImage(s.guestMember(direction).node()), images::require);
        if (m.has(ImageManifest.GUEST_NETEM)) {
            return Engine.GUEST_NETEM;
        }
        return imp.rateOnly() ? Engine.HOST_TBF : null;
    }

    /** The engine each link direction uses now, for status. */
    public Map<String, Engine> engines() {
        Map<String, Engine> out = new LinkedHashMap<>();
        Map<String, ImageManifest> manifests = new LinkedHashMap<>();
        for (SegmentPlan s : plan.segments()) {
            for (String dir : s.impairments().keySet()) {
                out.put(s.name() + " " + dir, engine(s, dir, current.get(s.name() + "|" + dir), manifests));
            }
        }
        return out;
    }

    private void applyHostImpairments() {
        if (!hostNetem) {
            StringBuilder tbf = new StringBuilder();
            for (SegmentPlan s : plan.segments()) {
                s.impairments().forEach((dir, imp) -> {
                    if (!imp.isNone() && imp.rateOnly() && !guestNetem(s, dir)) {
                        GuestConfig.hostImpairmentCommands(s.hostTap(dir), imp, false).forEach(l -> tbf.append(l).append('\n'));
                    }
                });
            }
            fabric.tcBatch(tbf.toString());
            return;
        }
        StringBuilder b = new StringBuilder();
        for (SegmentPlan s : plan.segments()) {
            s.impairments().forEach((dir, imp) -> {
                if (!imp.isNone()) {
                    GuestConfig.hostImpairmentCommands(s.hostTap(dir), imp, true).forEach(l -> b.append(l).append('\n'));
                }
            });
        }
        fabric.tcBatch(b.toString());
    }

    private boolean guestNetem(SegmentPlan s, String dir) {
        return images.require(nodeImage(s.guestMember(dir).node())).has(ImageManifest.GUEST_NETEM);
    }

    private QemuNode startNode(NodePlan n, ImageManifest manifest) {
        HostMemory.requireHeadroom(name(), n.name());
        NodeSpec spec = new NodeSpec(n.name(), manifest, images.dir(n.image()), accel, n.cpus(), n.memoryMiB(), n.nics(),
                fabric.namespace(), List.of(), null, null, 1);
        QemuNode node = QemuNode.start(spec, paths.node(n.name()), false, loops, List.of(c -> event("node", c.node(), c.to() + " (" + c.detail() + ")")),
                pid -> {
                    // every QEMU the node starts, restarts included, is in the journal before it can outlive us
                    synchronized (journalLock) {
                        journal = journal.withNode(n.name(), pid);
                        journal.write(paths.journal());
                    }
                });
        nodes.put(n.name(), node);
        return node;
    }

    // ---- runtime operations ----

    public ExecResult exec(String node, String command, Duration timeout) {
        return node(node).exec(command, timeout);
    }

    /**
     * Replaces the impairment of a link or LAN (one direction, or every direction when
     * {@code direction} is null) without touching the nodes or the bridges.
     */
    public void setImpairment(String segmentName, String direction, Impairment imp) {
        SegmentPlan s = plan.segment(segmentName);
        List<String> dirs = direction == null ? List.copyOf(s.impairments().keySet()) : List.of(direction);
        for (String d : dirs) {
            if (!s.impairments().containsKey(d)) {
                throw new BadInputException("link " + s.name() + " has no direction '" + d + "'; directions: " + String.join(", ", s.impairments().keySet()));
            }
        }
        Map<String, ImageManifest> manifests = new LinkedHashMap<>();
        for (String d : dirs) {
            Impairment merged = imp.isNone() ? Impairment.NONE : current.getOrDefault(s.name() + "|" + d, Impairment.NONE).merge(imp);
            Engine engine = engine(s, d, merged, manifests);
            if (engine == null) {
                throw new BadInputException("link " + s.name() + " (" + d + "): no engine can apply " + merged + " here");
            }
            // where a direction is shaped never changes during a lab: on the host with host netem, else in the
            // guest when its image has netem, else (rate only) with TBF on the host
            if (!hostNetem && guestNetem(s, d)) {
                guestImpair(s, d, merged);
            } else {
                fabric.tcBatch(String.join("\n", GuestConfig.hostImpairmentCommands(s.hostTap(d), merged, hostNetem)) + "\n");
            }
            current.put(s.name() + "|" + d, merged);
            event("link", s.name(), d + " impairment " + describe(merged) + " (" + (engine == Engine.NONE ? "cleared" : engine) + ")");
        }
    }

    private void guestImpair(SegmentPlan s, String direction, Impairment imp) {
        SegmentPlan.Member m = s.guestMember(direction);
        ExecResult r = node(m.node()).exec(GuestConfig.impairmentCommand(m.dev(), imp), NodeSetup.CONFIG_TIMEOUT);
        if (r.exitCode() != 0) {
            throw new NetloomException("setting the impairment of " + s.name() + " on node " + m.node() + " failed: " + r.output().strip());
        }
    }

    /** Whether a link or LAN is up (its taps pass frames); for status. */
    public boolean linkUp(String segmentName) {
        return segmentUp.getOrDefault(plan.segment(segmentName).name(), true);
    }

    /** The impairment one direction of a link or LAN has now; for status. */
    public Impairment impairment(String segmentName, String direction) {
        return current.getOrDefault(plan.segment(segmentName).name() + "|" + direction, Impairment.NONE);
    }

    /**
     * Takes a link or LAN down (its taps stop passing frames) or up again. With static routing the
     * routes are recomputed on the remaining topology and replaced on every node, so traffic reroutes.
     */
    public void setLinkState(String segmentName, boolean up) {
        SegmentPlan s = plan.segment(segmentName);
        fabric.setState(s, up);
        segmentUp.put(s.name(), up);
        if (!up) {
            everDown.add(s.name());
        }
        if (scenario.routing() == Scenario.Routing.STATIC) {
            // the guests' interfaces follow the link, so their connected routes go and come with it
            for (SegmentPlan.Member m : s.members()) {
                QemuNode node = nodes.get(m.node());
                if (node != null && node.state() == NodeState.READY) {
                    node.exec("ip link set dev " + m.dev() + (up ? " up" : " down"), NodeSetup.CONFIG_TIMEOUT);
                }
            }
            reroute();
        }
        event("link", s.name(), up ? "up" : "down");
    }

    /**
     * Replaces every node's routes with shortest paths over the links and LANs that are up. The
     * addresses on segments that are down stay reachable through host routes to their nodes, since
     * names resolve to them (Linux answers for a local address on any interface).
     */
    private void reroute() {
        List<Scenario.LinkDef> links = scenario.links().stream().filter(l -> segmentUp.getOrDefault(l.name(), true)).toList();
        List<Scenario.LanDef> lans = scenario.lans().stream().filter(l -> segmentUp.getOrDefault(l.name(), true)).toList();
        Scenario reduced = new Scenario(scenario.name(), scenario.defaults(), scenario.nodes(), links, lans, scenario.addressing(),
                scenario.routing(), scenario.commands(), List.of(), List.of(), scenario.duration());
        Plan live = Planner.plan(reduced, AddressPlan.allocate(scenario));
        List<SegmentPlan.Member> downMembers = plan.segments().stream().filter(seg -> !segmentUp.getOrDefault(seg.name(), true))
                .flatMap(seg -> seg.members().stream()).toList();
        // host routes to the members of segments that came back up are dropped again
        List<SegmentPlan.Member> restoredMembers = plan.segments().stream()
                .filter(seg -> segmentUp.getOrDefault(seg.name(), true) && everDown.contains(seg.name()))
                .flatMap(seg -> seg.members().stream()).toList();
        List<CompletableFuture<Void>> jobs = new ArrayList<>();
        for (NodePlan n : live.nodes()) {
            QemuNode node = nodes.get(n.name());
            if (node == null || node.state() != NodeState.READY) {
                continue;
            }
            List<String> cmds = RouteDiff.commands(plan.node(n.name()), live, downMembers, restoredMembers);
            jobs.add(CompletableFuture.runAsync(() -> GuestBatch.join(cmds, true).forEach(c -> node.exec(c, NodeSetup.CONFIG_TIMEOUT)), workers));
        }
        CompletableFuture.allOf(jobs.toArray(CompletableFuture[]::new)).join();
        event("routing", name(), "routes recomputed on the links that are up");
    }

    /** stop, start or restart one node; a started node is configured again before this returns. */
    public void nodeAction(String name, String action) {
        NodePlan n = plan.node(name);
        switch (action) {
            case "stop" -> node(name).stop();
            case "start" -> {
                QemuNode old = nodes.get(name);
                if (old != null && !old.state().isFinal()) {
                    throw new BadInputException("node " + name + " is already running (" + old.state() + ")");
                }
                QemuNode node = creatingNode(n, images.require(n.image()));
                node.awaitReady();
                setup.configure(n, node);
            }
            case "restart" -> {
                node(name).stop();
                nodeAction(name, "start");
            }
            default -> throw new BadInputException("unknown node action '" + action + "': use stop, start or restart");
        }
    }

    // ---- down ----

    /**
     * Stops every node, deletes the namespace and the run directory, and gives the name up. Safe at
     * any moment, from any thread (a signal handler during bring-up), and more than once: a second
     * call waits for the first to finish. A lab that never got its name (another controller had it)
     * removes nothing.
     */
    public void down() {
        synchronized (lifecycle) {
            if (down) {
                downDone.join();
                return;
            }
            down = true; // from here no step creates anything
        }
        try {
            if (claimed) {
                synchronized (journalLock) {
                    if (journal != null) {
                        journal = journal.withState(Journal.State.STOPPING);
                        journal.write(paths.journal());
                    }
                }
                List<CompletableFuture<Void>> stops = new ArrayList<>();
                for (QemuNode n : nodes.values()) {
                    stops.add(CompletableFuture.runAsync(n::stop, workers));
                }
                CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).join();
                Fabric.attach(name()).destroy(); // the name is ours, so is its namespace, however far the bring-up got
                event("lab", name(), "down");
                HostLock.run(() -> ImageStore.deleteTree(paths.dir())); // never while a new run of this name claims it
            }
        } finally {
            workers.shutdownNow();
            loops.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
            downDone.complete(null);
        }
    }

    @Override
    public void close() {
        down();
    }

    // ---- events ----

    public void addListener(Consumer<Event> listener) {
        listeners.add(listener);
    }

    public void event(String kind, String subject, String detail) {
        Event e = new Event(Instant.now(), kind, subject, detail);
        log.debug("{}", e);
        if (!down || kind.equals("lab")) {
            try {
                if (Files.isDirectory(paths.dir())) {
                    try (java.io.OutputStream out = RunDirs.appendPrivate(paths.events())) {
                        out.write((e + "\n").getBytes(StandardCharsets.UTF_8));
                    }
                }
            } catch (IOException ex) {
                log.debug("cannot write {}: {}", paths.events(), ex.getMessage());
            }
        }
        for (Consumer<Event> l : listeners) {
            l.accept(e);
        }
    }

    static String describe(Impairment imp) {
        if (imp == null || imp.isNone()) {
            return "none";
        }
        List<String> parts = new ArrayList<>();
        if (imp.delay() != null) parts.add("delay " + imp.delay().toMillis() + "ms");
        if (imp.jitter() != null) parts.add("jitter " + imp.jitter().toMillis() + "ms");
        if (imp.lossPercent() != null) parts.add("loss " + imp.lossPercent() + "%");
        if (imp.rateBps() != null) parts.add("rate " + imp.rateBps() + "bit");
        if (imp.duplicatePercent() != null) parts.add("duplicate " + imp.duplicatePercent() + "%");
        if (imp.corruptPercent() != null) parts.add("corrupt " + imp.corruptPercent() + "%");
        if (imp.reorderPercent() != null) parts.add("reorder " + imp.reorderPercent() + "%");
        return String.join(" ", parts);
    }
}

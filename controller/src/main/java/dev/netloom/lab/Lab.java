package dev.netloom.lab;

import dev.netloom.capture.CaptureTap;
import dev.netloom.capture.LinkCapture;
import dev.netloom.nodes.Install;
import dev.netloom.fabric.Fabric;
import dev.netloom.guest.HostsFile;
import dev.netloom.impairment.HostNetem;
import dev.netloom.impairment.Impairment;
import dev.netloom.impairment.Probes;
import dev.netloom.impairment.Shaping;
import dev.netloom.impairment.Target;
import dev.netloom.nodes.ExecResult;
import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.NodeSpec;
import dev.netloom.nodes.QemuNode;
import dev.netloom.nodes.StartMode;
import dev.netloom.nodes.fork.Templates;
import dev.netloom.nodes.console.ConsoleSession;
import dev.netloom.nodes.image.ImageManifest;
import dev.netloom.nodes.image.ImageStore;
import dev.netloom.nodes.host.Proc;
import dev.netloom.nodes.qemu.Accel;
import dev.netloom.nodes.qemu.Arch;
import dev.netloom.nodes.BadInputException;
import dev.netloom.scenario.Scenario;
import dev.netloom.topology.NodePlan;
import dev.netloom.mobility.Position;
import dev.netloom.topology.Plan;
import dev.netloom.topology.Planner;
import dev.netloom.topology.SegmentPlan;
import io.netty.channel.EventLoopGroup;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * A running scenario: its network namespace with taps and LAN bridges, its QEMU nodes, their configuration, and
 * the operations on them (exec, impairments, link state, node stop/start). {@link #up} brings it to
 * READY; {@link #down} removes everything it created. A journal in the run directory lets
 * {@code netloom cleanup} finish the job after a crash.
 */
public final class Lab implements LabActions, AutoCloseable {

    private final Scenario scenario;
    private final Plan plan;
    private final Accel accel;
    private final LabPaths paths;
    private final ImageStore images;
    private final boolean forkAllowed;
    private final Templates templates;
    private volatile LabForks forks; // chosen before the lab claims its memory
    private final EventLoopGroup loops;
    private final EventLog events;
    private final Map<String, QemuNode> nodes = new ConcurrentHashMap<>();
    private final LinkStates links;
    private final ExecutorService workers;
    private final NodeSetup setup;
    private final Object lifecycle = new Object(); // guards down and every step that creates something
    private final CompletableFuture<Void> downDone = new CompletableFuture<>();
    private volatile LabJournal journal; // set once the name is ours: down() removes what is under it
    private volatile Fabric fabric;
    private volatile Shaping shaping;
    private volatile boolean hostNetem;
    private volatile boolean down;
    private final LabCaptures captures;
    private final MobilityRun mobility; // null without a link model
    private final LabPart part;

    private Lab(Scenario scenario, Plan plan, Accel accel, ImageStore images, boolean forkAllowed, Templates templates, LabPart part) {
        this.scenario = scenario;
        this.part = part;
        this.forkAllowed = forkAllowed;
        this.templates = templates;
        this.plan = plan;
        this.accel = accel;
        this.images = images;
        this.paths = LabPaths.of(scenario.name());
        this.mobility = scenario.mobility() == null ? null : new MobilityRun(scenario.mobility());
        this.events = new EventLog(paths.events());
        this.loops = ConsoleSession.newEventLoopGroup(Math.min(4, Math.max(1, Runtime.getRuntime().availableProcessors())));
        this.workers = Executors.newFixedThreadPool(Math.max(2, plan.nodes().size()), r -> {
            Thread t = new Thread(r, "lab-" + scenario.name());
            t.setDaemon(true);
            return t;
        });
        this.setup = new NodeSetup(plan, () -> shaping, this::stateCommands, events);
        this.captures = new LabCaptures(plan, paths.captureDir(), events);
        this.links = new LinkStates(plan, scenario.routing() == Scenario.Routing.STATIC, nodes, setup, workers, () -> fabric, events);
    }

    /** The plan a scenario gives (pure: nothing is created). */
    public static Plan planOf(Scenario scenario) {
        return Planner.plan(scenario);
    }

    /**
     * A lab for {@code scenario}, not started: nothing exists on the host until {@link #up()}. A
     * controller makes the lab first so that its signal handler can call {@link #down()} at any moment
     * of the bring-up.
     */
    public static Lab create(Scenario scenario, Accel accel, ImageStore images, Consumer<LabEvent> listener) {
        return create(scenario, accel, images, listener, true, Templates.inCache());
    }

    /**
     * As above; {@code fork} false makes every node boot (--no-fork), otherwise nodes fork from the
     * templates in {@code templates} as {@link ForkChoice} decides.
     */
    public static Lab create(Scenario scenario, Accel accel, ImageStore images, Consumer<LabEvent> listener, boolean fork, Templates templates) {
        return create(scenario, accel, images, listener, fork, templates, LabPart.WHOLE);
    }

    /** As above, running only {@code part} of the lab on this host (docs/scale-out.md). */
    public static Lab create(Scenario scenario, Accel accel, ImageStore images, Consumer<LabEvent> listener, boolean fork, Templates templates,
                             LabPart part) {
        Plan plan = planOf(scenario);
        Lab lab = new Lab(scenario, plan, accel, images, fork, templates, part);
        if (listener != null) {
            lab.events.addListener(listener);
        }
        return lab;
    }

    /** Creates the lab and brings it to READY (see {@link #up()}). */
    public static Lab up(Scenario scenario, Accel accel, ImageStore images, Consumer<LabEvent> listener) {
        Lab lab = create(scenario, accel, images, listener);
        lab.up();
        return lab;
    }

    /**
     * Brings the lab to READY: namespace, taps and LAN bridges, nodes (admission-controlled), configuration
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

    /** Whether this host runs that node (always, unless the lab is spread over several hosts). */
    public boolean runsHere(String node) {
        return part.runsHere(node);
    }

    /** The lab's namespace as programs enter it; null before it exists. */
    public dev.netloom.nodes.host.Netns netns() {
        Fabric f = fabric;
        return f == null ? null : f.netns();
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
        for (NodePlan n : part.local(plan).nodes()) {
            manifests.computeIfAbsent(n.image(), images::require);
        }
        Set<Arch> arches = manifests.values().stream().map(ImageManifest::arch).collect(Collectors.toCollection(TreeSet::new));
        for (Arch a : arches) {
            if (!Proc.onPath(a.qemu())) {
                throw new NetloomException("lab " + name() + " has " + a + " nodes, which need " + a.qemu()
                        + ": install it with apt-get install " + a.qemuPackage() + " (" + Install.cli() + " setup does)");
            }
        }
        Plan here = part.local(plan); // what this host runs and reserves: the whole lab unless it is spread over hosts
        Map<String, NodeSpec> specs = new LinkedHashMap<>();
        here.nodes().forEach(n -> specs.put(n.name(), specOf(n, manifests.get(n.image()))));
        forks = LabForks.choose(here, specs, forkAllowed, templates);
        boolean merged = MemoryMerging.host().decide(scenario.ksm()).merges();
        HostMemory.requirePossible(here, merged, forks.labMiB(here, merged)); // what this host could never run, refused before anything exists
        claim();
        creating(() -> HostsFile.write(paths.hosts(), plan.hosts())); // every QEMU of the lab hands it to its guest (specOf)
        for (Arch a : arches) {
            if (a.accel(accel) != accel) {
                event(LabEvent.Kind.LAB, name(), a + " nodes run under TCG (software emulation): KVM runs only the host's own architecture");
            }
        }
        event(LabEvent.Kind.LAB, name(), "creating namespace " + journal.namespace() + " with " + plan.segments().size() + " links and LANs");
        creating(() -> fabric = Fabric.create(plan, part.tunnels()));
        Map<Target, Impairment> initial = new LinkedHashMap<>();
        // each direction is shaped by its sender's host only (docs/scale-out.md), so a crossing link is never shaped twice
        plan.segments().forEach(s -> s.impairments().forEach((dir, imp) -> initial.put(s.target(dir),
                part.runsHere(s.guestMember(dir).node()) ? imp : Impairment.NONE)));
        // a remote sender's direction is shaped by its own host, in its guest (on the sending side)
        Probes probes = new Probes(HostNetem.probe(fabric), node -> !part.runsHere(node) || manifests.get(plan.node(node).image()).has(ImageManifest.GUEST_NETEM));
        hostNetem = probes.hostNetem();
        shaping = Shaping.choose(initial, probes, fabric);
        creating(shaping::applyHostAtStart);
        if (scenario.capture().recorder()) {
            creating(() -> captures.startRecorder(fabric.netns(), scenario.capture().ringBytes()));
        }
        for (Scenario.LinkDef l : scenario.links()) {
            if (l.startsDown()) {
                creating(() -> links.startDown(plan.segment(l.name())));
            }
        }
        if (mobility != null && scenario.mobility().medium() != null) {
            creating(() -> links.startApart(plan.segment(scenario.mobility().medium()), mobility.apartAtStart()));
        }

        forks.prepare(specs, spec -> {
            Templates.Template[] t = new Templates.Template[1];
            creating(() -> t[0] = templates.ensure(spec, paths.template(), loops, pid -> journal.addProcess("_template", pid)));
            return t[0];
        }, (key, line) -> event(LabEvent.Kind.LAB, name(), line));

        StartSlots slots = StartSlots.ofHost();
        List<CompletableFuture<Void>> configured = new ArrayList<>();
        for (NodePlan n : part.local(plan).nodes()) {
            long queued = System.nanoTime();
            StartSlots.Slot held = slots.acquire(forks.forks(n.name()));
            long slot = System.nanoTime();
            QemuNode node;
            try {
                node = creatingNode(n, manifests.get(n.image()));
            } catch (RuntimeException e) {
                held.release();
                throw e;
            }
            NodeSetup.Admitted admitted = new NodeSetup.Admitted(Duration.ofNanos(slot - queued), Duration.ofNanos(System.nanoTime() - slot));
            node.ready().whenComplete((r, e) -> held.release());
            configured.add(node.ready().thenAcceptAsync(r -> setup.configure(n, node, admitted), workers));
        }
        try {
            CompletableFuture.allOf(configured.toArray(CompletableFuture[]::new)).join();
        } catch (java.util.concurrent.CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw cause instanceof RuntimeException re ? re : new NetloomException(cause.getMessage(), cause);
        }
        creating(() -> journal.state(Journal.State.READY));
        event(LabEvent.Kind.LAB, name(), "READY with " + nodes.size() + " nodes");
    }

    private void claim() {
        creating(() -> journal = LabJournal.claim(part.local(plan), paths, scenario.ksm(), merged -> forks.labMiB(part.local(plan), merged), line -> event(LabEvent.Kind.CLEANUP, name(), line),
                line -> event(LabEvent.Kind.LAB, name(), line)));
        event(LabEvent.Kind.LAB, name(), "memory: " + journal.reservedMiB() + " MiB reserved for " + part.local(plan).nodes().size() + " nodes"
                + (forks.chosen().isEmpty() ? "" : " (" + forks.chosen().size() + " of them forks, sharing their template's memory)") + "; KSM "
                + switch (journal.merging()) {
                    case ON -> "merges their memory";
                    case OFF -> "kept away from them (\"ksm\": false or --no-ksm)";
                    case UNAVAILABLE -> "not available (" + MemoryMerging.host().describe() + ")";
                });
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
        // outside the lifecycle lock: it may wait for KSM, and down() must not wait for it
        HostMemory.awaitHeadroom(name(), n.name(), forks.unmergedMiB(n), journal.merging().merges());
        QemuNode[] started = new QemuNode[1];
        creating(() -> started[0] = startNode(n, manifest));
        return started[0];
    }

    /**
     * A node's spec; its fork key is the same before the lab's namespace exists and after. Before, it
     * names no namespace: fork choice and admission read it then, and a template boots outside any.
     */
    private NodeSpec specOf(NodePlan n, ImageManifest manifest) {
        return new NodeSpec(n.name(), manifest, images.dir(n.image()), manifest.arch().accel(accel), n.cpus(), n.memoryMiB(), n.nics(),
                fabric == null ? null : fabric.netns(), List.of(), null, null, 1).withMemoryMerging(scenario.ksm()) // KSM unwanted: mem-merge=off
                .withFirmware(List.of(new NodeSpec.FirmwareFile(HostsFile.FIRMWARE_NAME, paths.hosts())));
    }

    private QemuNode startNode(NodePlan n, ImageManifest manifest) {
        NodeSpec spec = specOf(n, manifest);
        StartMode mode = forks.modeFor(n.name(), spec);
        QemuNode node = QemuNode.start(spec, paths.node(n.name()), false, loops, List.of(c -> events.accept(new LabEvent(Instant.now(), LabEvent.Kind.NODE, c.node(), c.to() + " (" + c.detail() + ")", c.to()))),
                pid -> journal.addProcess(n.name(), pid), mode); // every QEMU, restarts included, is journalled before it can outlive us
        nodes.put(n.name(), node);
        return node;
    }

    // ---- runtime operations ----

    @Override
    public ExecResult exec(String node, String command, Duration timeout) {
        return node(node).exec(command, timeout);
    }

    @Override
    public java.util.concurrent.CompletableFuture<ExecResult> execAsync(String node, String command, Duration timeout) {
        return node(node).execAsync(command, timeout);
    }

    /**
     * Gives a link or LAN a new impairment (one direction, or every direction when {@code direction}
     * is null): the fields of {@code imp} merged into what it has, or none for {@link Impairment#NONE};
     * the nodes and the fabric (taps, redirects, bridges) are not touched.
     */
    public void setImpairment(String segmentName, String direction, Impairment imp) {
        SegmentPlan s = plan.segment(segmentName);
        List<Target> targets = direction == null ? shaping.targets(s.name()) : List.of(shaping.target(s.name(), direction));
        for (Target t : targets) {
            if (!part.runsHere(t.guestNode())) {
                continue; // its sender's host shapes it
            }
            Impairment now = shaping.set(t, imp, this::runInGuest);
            event(LabEvent.Kind.LINK, s.name(), t.direction() + " impairment " + now.describe()
                    + " (" + (now.isNone() ? "cleared" : shaping.engine(t).name()) + ")");
        }
    }

    private void runInGuest(String nodeName, List<String> commands) {
        for (String c : commands) {
            ExecResult r = node(nodeName).exec(c, NodeSetup.CONFIG_TIMEOUT);
            if (r.exitCode() != 0) {
                throw new NetloomException("`" + c + "` on node " + nodeName + " exited " + r.exitCode() + ": " + r.output().strip());
            }
        }
    }

    /** Whether a link or LAN passes every direction; for status. */
    public boolean linkUp(String segmentName) {
        // a medium's taps stay up; its pairs apart are its directions down
        return plan.segment(segmentName).kind() == SegmentPlan.Kind.MEDIUM || links.directionsDown(segmentName).isEmpty();
    }

    /** The directions of a link or LAN that pass nothing now (all of them when it is down); for status. */
    public Set<String> directionsDown(String segmentName) {
        return links.directionsDown(segmentName);
    }

    /** The impairment one direction of a link or LAN has now; for status. */
    public Impairment impairment(String segmentName, String direction) {
        Shaping now = shaping;
        return now == null ? plan.segment(segmentName).impairments().getOrDefault(direction, Impairment.NONE)
                : now.current(now.target(segmentName, direction));
    }

    /** The engine shaping one direction of a link or LAN ("host-netem"...), or "none" while it has no impairment; for status. */
    public String engine(String segmentName, String direction) {
        Shaping now = shaping;
        return now == null ? "none" : now.engineNow(now.target(segmentName, direction));
    }

    /** Whether the host kernel ran netem when the lab started (its probe); for results. */
    public boolean hostNetem() {
        return hostNetem;
    }

    /** Every direction of every link and LAN with the engine it uses now ({@link #engine}); for status. */
    public Map<Target, String> engines() {
        Map<Target, String> out = new LinkedHashMap<>();
        Shaping now = shaping;
        plan.segments().forEach(s -> s.impairments().keySet().forEach(d -> out.put(s.target(d), now == null ? "none" : now.engineNow(s.target(d)))));
        return out;
    }

    /**
     * Takes a link or LAN down or up again, both ways ({@code direction} null) or one direction of a
     * link ("A->B"). A direction down drops what its sender writes (the other keeps flowing); down both
     * ways the taps are down as well and the guests' interfaces follow. With static routing the routes
     * are recomputed on what passes each node's traffic and replaced on every node, so traffic
     * reroutes (per direction: the way back may differ).
     */
    public void setLinkState(String segmentName, String direction, boolean up) {
        links.set(segmentName, direction, up);
    }

    /** Takes several links down or up (both ways), then recomputes the routes once. */
    public void setLinkStates(Map<String, Boolean> upByLink) {
        links.setAll(upByLink);
    }

    /** Pairs of a medium together or apart ("a->b" directions), then the routes once (lan mode; docs/mobility.md). */
    void setMediumPairs(String medium, Map<String, Boolean> upByDirection) {
        links.setPairs(medium, upByDirection);
    }

    /**
     * Moves nodes of a lab with a link model and applies what the model makes of their new positions
     * (only the links that change); returns what changed.
     */
    public String move(Map<String, Position> positions) {
        return mobility().move(this, positions).describe();
    }

    /** Goes to topology step {@code index} (0-based), or the next one when null; returns what changed. */
    public String step(Integer index) {
        return mobility().step(this, index).describe();
    }

    private MobilityRun mobility() {
        if (mobility == null) {
            throw new BadInputException("lab " + name() + " has no link model; moves and steps need \"linkModel\" in its scenario");
        }
        return mobility;
    }

    /** Takes a link or LAN down or up, both ways. */
    public void setLinkState(String segmentName, boolean up) {
        setLinkState(segmentName, null, up);
    }

    /** What a node just configured from its plan needs for the links' state now ({@link LinkStates#commandsFor}). */
    private List<String> stateCommands(String node) {
        return links.commandsFor(node);
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
                long t0 = System.nanoTime();
                QemuNode node = creatingNode(n, images.require(n.image()));
                NodeSetup.Admitted admitted = new NodeSetup.Admitted(Duration.ZERO, Duration.ofNanos(System.nanoTime() - t0));
                node.awaitReady();
                setup.configure(n, node, admitted);
            }
            case "restart" -> {
                node(name).stop();
                nodeAction(name, "start");
            }
            default -> throw new BadInputException("unknown node action '" + action + "': use stop, start or restart");
        }
    }

    // ---- capture ----

    /** The taps a capture of a link or LAN listens on ({@link LabCaptures#taps}). */
    public List<CaptureTap> captureTaps(String segmentName, String direction) {
        return LabCaptures.taps(plan, segmentName, direction);
    }

    /**
     * Starts capturing a link or LAN ({@link LinkCapture}); returns once every tcpdump listens. A filter
     * tcpdump does not compile is refused (BadInputException) before anything starts. The capture is
     * stopped when the lab goes down.
     */
    public LinkCapture capture(String segmentName, String direction, String filter, LinkCapture.Format format, long count,
                               Duration duration, LinkCapture.Output out) {
        if (!linkUp(segmentName)) {
            throw new NetloomException(segmentName + " is down, and tcpdump cannot open a tap that is down: capture it once it is up"
                    + " (`netloom link up " + segmentName + "`); the flight recorder keeps recording across a link's down and up");
        }
        return captures.start(fabric.netns(), segmentName, direction, filter, format, count, duration, out, this::creating);
    }

    /** Whether the flight recorder runs. */
    public boolean recording() {
        return captures.recording();
    }

    /** Where the flight recorder saves the rings of a failed check's links: {@code DIR/PREFIX.CHECK.LINK.pcapng}. */
    public record Evidence(java.nio.file.Path dir, String prefix) {
    }

    /** Sets where failed checks' captures go (next to the results); without it they are not saved. */
    public void saveEvidenceTo(Evidence evidence) {
        captures.saveEvidenceTo(evidence);
    }

    /** Saves the flight recorder's rings of {@code segments} for a failed check ({@link LabCaptures#saveEvidence}). */
    public List<String> saveEvidence(String check, List<String> segments) {
        return captures.saveEvidence(check, segments);
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
            events.close();
        }
        try {
            if (journal != null) {
                journal.state(Journal.State.STOPPING);
                List<CompletableFuture<Void>> stops = new ArrayList<>();
                for (QemuNode n : nodes.values()) {
                    stops.add(CompletableFuture.runAsync(n::stop, workers));
                }
                CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).join();
                // tcpdumps hold the namespace: it would outlive `ip netns del` while they run
                captures.close();
                // the name is ours, so is its namespace, however far the bring-up got
                (fabric != null ? java.util.Optional.of(fabric) : Fabric.attach(name())).ifPresent(Fabric::destroy);
                event(LabEvent.Kind.LAB, name(), "down");
                HostLock.run(() -> { // never while a new run of this name claims it
                    ImageStore.deleteTree(paths.dir());
                    MemoryMerging.host().releaseIfLast(line -> event(LabEvent.Kind.LAB, name(), line));
                    HostMemory.forget(name());
                });
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

    public void addListener(Consumer<LabEvent> listener) {
        events.addListener(listener);
    }

    public void event(LabEvent.Kind kind, String subject, String detail) {
        events.accept(LabEvent.of(kind, subject, detail));
    }
}

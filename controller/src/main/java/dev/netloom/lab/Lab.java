package dev.netloom.lab;

import dev.netloom.capture.CaptureTap;
import dev.netloom.capture.FlightRecorder;
import dev.netloom.capture.LinkCapture;
import dev.netloom.capture.Tcpdump;
import dev.netloom.nodes.Install;
import dev.netloom.fabric.Fabric;
import dev.netloom.guest.GuestBatch;
import dev.netloom.guest.Reroute;
import dev.netloom.impairment.HostNetem;
import dev.netloom.impairment.Impairment;
import dev.netloom.impairment.Probes;
import dev.netloom.impairment.Shaping;
import dev.netloom.impairment.Target;
import dev.netloom.nodes.ExecResult;
import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.NodeSpec;
import dev.netloom.nodes.NodeState;
import dev.netloom.nodes.QemuNode;
import dev.netloom.nodes.StartMode;
import dev.netloom.nodes.fork.ForkKey;
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
import dev.netloom.topology.Outages;
import dev.netloom.topology.Plan;
import dev.netloom.topology.Planner;
import dev.netloom.topology.SegmentPlan;
import io.netty.channel.EventLoopGroup;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * A running scenario: its network namespace with taps and LAN bridges, its QEMU nodes, their configuration, and
 * the operations on them (exec, impairments, link state, node stop/start). {@link #up} brings it to
 * READY; {@link #down} removes everything it created. A journal in the run directory lets
 * {@code netloom cleanup} finish the job after a crash.
 */
public final class Lab implements AutoCloseable {

    private final Scenario scenario;
    private final Plan plan;
    private final Accel accel;
    private final LabPaths paths;
    private final ImageStore images;
    private final boolean forkAllowed;
    private final Templates templates;
    private final Map<String, Templates.Template> forkFrom = new ConcurrentHashMap<>();
    private final EventLoopGroup loops;
    private final EventLog events;
    private final Map<String, QemuNode> nodes = new ConcurrentHashMap<>();
    /** Per link or LAN, the directions that pass nothing now (a LAN down has all of its member names). */
    private final Map<String, Set<String>> directionsDown = new ConcurrentHashMap<>();
    /** The links and LANs that were down, either way, since the start (their host routes may need to go). */
    private final Set<String> everDown = ConcurrentHashMap.newKeySet();
    private final ExecutorService workers;
    private final NodeSetup setup;
    private final Object lifecycle = new Object(); // guards down and every step that creates something
    private final CompletableFuture<Void> downDone = new CompletableFuture<>();
    private volatile LabJournal journal; // set once the name is ours: down() removes what is under it
    private volatile Fabric fabric;
    private volatile Shaping shaping;
    private volatile boolean hostNetem;
    private volatile boolean down;
    private volatile FlightRecorder recorder;
    private final Set<LinkCapture> captures = ConcurrentHashMap.newKeySet();
    private volatile Evidence evidence;
    private final MobilityRun mobility; // null without a link model

    private Lab(Scenario scenario, Plan plan, Accel accel, ImageStore images, boolean forkAllowed, Templates templates) {
        this.scenario = scenario;
        this.forkAllowed = forkAllowed;
        this.templates = templates;
        this.plan = plan;
        this.accel = accel;
        this.images = images;
        this.paths = LabPaths.of(scenario.name());
        this.mobility = scenario.mobility() == null ? null : new MobilityRun(scenario.mobility());
        this.events = new EventLog(paths.events());
        this.setup = new NodeSetup(plan, () -> shaping, this::stateCommands, events);
        this.loops = ConsoleSession.newEventLoopGroup(Math.min(4, Math.max(1, Runtime.getRuntime().availableProcessors())));
        this.workers = Executors.newFixedThreadPool(Math.max(2, plan.nodes().size()), r -> {
            Thread t = new Thread(r, "lab-" + scenario.name());
            t.setDaemon(true);
            return t;
        });
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
        Plan plan = planOf(scenario);
        HostMemory.requirePossible(plan, MemoryMerging.host().decide(scenario.ksm()).merges());
        Lab lab = new Lab(scenario, plan, accel, images, fork, templates);
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
        for (NodePlan n : plan.nodes()) {
            manifests.computeIfAbsent(n.image(), images::require);
        }
        Set<Arch> arches = manifests.values().stream().map(ImageManifest::arch).collect(Collectors.toCollection(TreeSet::new));
        for (Arch a : arches) {
            if (!Proc.onPath(a.qemu())) {
                throw new NetloomException("lab " + name() + " has " + a + " nodes, which need " + a.qemu()
                        + ": install it with apt-get install " + a.qemuPackage() + " (" + Install.cli() + " setup does)");
            }
        }
        claim();
        for (Arch a : arches) {
            if (a.accel(accel) != accel) {
                event(LabEvent.Kind.LAB, name(), a + " nodes run under TCG (software emulation): KVM runs only the host's own architecture");
            }
        }
        event(LabEvent.Kind.LAB, name(), "creating namespace " + journal.namespace() + " with " + plan.segments().size() + " links and LANs");
        creating(() -> fabric = Fabric.create(plan));
        Map<Target, Impairment> initial = new LinkedHashMap<>();
        plan.segments().forEach(s -> s.impairments().forEach((dir, imp) -> initial.put(s.target(dir), imp)));
        Probes probes = new Probes(HostNetem.probe(fabric), node -> manifests.get(plan.node(node).image()).has(ImageManifest.GUEST_NETEM));
        hostNetem = probes.hostNetem();
        shaping = Shaping.choose(initial, probes, fabric);
        creating(shaping::applyHostAtStart);
        if (scenario.capture().recorder()) {
            requireTcpdump();
            List<CaptureTap> taps = plan.segments().stream().flatMap(seg -> captureTaps(seg.name(), null).stream()).toList();
            creating(() -> recorder = FlightRecorder.start(fabric.netns(), taps, paths.captureDir(), scenario.capture().ringBytes()));
            event(LabEvent.Kind.LAB, name(), "flight recorder on " + taps.size() + " taps, at least " + scenario.capture().ringBytes()
                    + " bytes each");
        }
        for (Scenario.LinkDef l : scenario.links()) {
            if (l.startsDown()) {
                SegmentPlan s = plan.segment(l.name());
                creating(() -> fabric.setState(s, Set.of(), s.impairments().keySet()));
                directionsDown.put(s.name(), Set.copyOf(s.impairments().keySet()));
                everDown.add(s.name());
                event(LabEvent.Kind.LINK, s.name(), "down at the start");
            }
        }

        prepareForks(manifests);

        int slots = Math.max(2, 4 * Runtime.getRuntime().availableProcessors());
        Semaphore admission = new Semaphore(slots);
        List<CompletableFuture<Void>> configured = new ArrayList<>();
        for (NodePlan n : plan.nodes()) {
            long queued = System.nanoTime();
            admission.acquireUninterruptibly();
            long slot = System.nanoTime();
            QemuNode node = creatingNode(n, manifests.get(n.image()));
            NodeSetup.Admitted admitted = new NodeSetup.Admitted(Duration.ofNanos(slot - queued), Duration.ofNanos(System.nanoTime() - slot));
            node.ready().whenComplete((r, e) -> admission.release());
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
        creating(() -> journal = LabJournal.claim(plan, paths, scenario.ksm(), line -> event(LabEvent.Kind.CLEANUP, name(), line),
                line -> event(LabEvent.Kind.LAB, name(), line)));
        event(LabEvent.Kind.LAB, name(), "memory: " + journal.reservedMiB() + " MiB reserved for " + plan.nodes().size() + " nodes; KSM "
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
        HostMemory.awaitHeadroom(name(), n.name(), HostMemory.nodeMiB(n, false), journal.merging().merges());
        QemuNode[] started = new QemuNode[1];
        creating(() -> started[0] = startNode(n, manifest));
        return started[0];
    }

    private NodeSpec specOf(NodePlan n, ImageManifest manifest) {
        return new NodeSpec(n.name(), manifest, images.dir(n.image()), manifest.arch().accel(accel), n.cpus(), n.memoryMiB(), n.nics(),
                fabric.netns(), List.of(), null, null, 1).withMemoryMerging(journal.merging() != MemoryMerging.Mode.OFF);
    }

    /**
     * Chooses the nodes that start as forks ({@link ForkChoice}) and makes sure their templates
     * exist: each missing one is built once, by booting a node of its layout (journalled, so that
     * cleanup stops it after a crash), before any node starts.
     */
    private void prepareForks(Map<String, ImageManifest> manifests) {
        Map<String, NodeSpec> specs = new LinkedHashMap<>();
        plan.nodes().forEach(n -> specs.put(n.name(), specOf(n, manifests.get(n.image()))));
        Map<String, ForkKey> chosen = ForkChoice.choose(plan.nodes(), specs, forkAllowed, Templates::forkable, Templates::keyOf,
                k -> templates.find(k).isPresent());
        Map<ForkKey, Templates.Template> built = new LinkedHashMap<>();
        chosen.forEach((node, key) -> {
            Templates.Template t = built.get(key);
            if (t == null) {
                long forks = chosen.values().stream().filter(key::equals).count();
                Optional<Templates.Template> cached = templates.find(key);
                if (cached.isEmpty()) {
                    event(LabEvent.Kind.LAB, name(), "building fork template " + key.id() + " for " + forks + " nodes");
                }
                creating(() -> built.put(key, cached.orElseGet(() -> templates.ensure(specs.get(node), paths.template(), loops, pid -> journal.addProcess("_template", pid)))));
                t = built.get(key);
                event(LabEvent.Kind.LAB, name(), forks + " nodes fork from template " + key.id());
            }
            forkFrom.put(node, t);
        });
    }

    private QemuNode startNode(NodePlan n, ImageManifest manifest) {
        NodeSpec spec = specOf(n, manifest);
        Templates.Template template = forkFrom.get(n.name());
        StartMode mode = template != null && template.key().equals(Templates.keyOf(spec)) && templates.find(template.key()).isPresent()
                ? template.forkMode() : StartMode.BOOT;
        QemuNode node = QemuNode.start(spec, paths.node(n.name()), false, loops, List.of(c -> events.accept(new LabEvent(Instant.now(), LabEvent.Kind.NODE, c.node(), c.to() + " (" + c.detail() + ")", c.to()))),
                pid -> journal.addProcess(n.name(), pid), mode); // every QEMU, restarts included, is journalled before it can outlive us
        nodes.put(n.name(), node);
        return node;
    }

    // ---- runtime operations ----

    public ExecResult exec(String node, String command, Duration timeout) {
        return node(node).exec(command, timeout);
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
        return directionsDown.getOrDefault(plan.segment(segmentName).name(), Set.of()).isEmpty();
    }

    /** The directions of a link or LAN that pass nothing now (all of them when it is down); for status. */
    public Set<String> directionsDown(String segmentName) {
        return Set.copyOf(directionsDown.getOrDefault(plan.segment(segmentName).name(), Set.of()));
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
        changeState(segmentName, direction, up);
        if (scenario.routing() == Scenario.Routing.STATIC) {
            reroute();
        }
    }

    /** Takes several links down or up (both ways), then recomputes the routes once. */
    public void setLinkStates(Map<String, Boolean> upByLink) {
        upByLink.forEach((link, up) -> changeState(link, null, up));
        if (scenario.routing() == Scenario.Routing.STATIC) {
            reroute();
        }
    }

    private void changeState(String segmentName, String direction, boolean up) {
        SegmentPlan s = plan.segment(segmentName);
        List<String> dirs = directions(s, direction);
        Set<String> before = directionsDown(s.name());
        Set<String> after = new LinkedHashSet<>(before);
        if (up) {
            dirs.forEach(after::remove);
        } else {
            after.addAll(dirs);
        }
        fabric.setState(s, before, after);
        directionsDown.put(s.name(), Set.copyOf(after));
        if (!after.isEmpty()) {
            everDown.add(s.name());
        }
        if (scenario.routing() == Scenario.Routing.STATIC) {
            boolean wasDown = outages(s.name(), before).isDown(s.name());
            boolean nowDown = outages(s.name(), after).isDown(s.name());
            if (wasDown != nowDown) {
                // the guests' interfaces follow a link down both ways, so their connected routes go and come with it
                for (SegmentPlan.Member m : s.members()) {
                    QemuNode node = nodes.get(m.node());
                    if (node != null && node.state() == NodeState.READY) {
                        node.exec("ip link set dev " + m.dev() + (nowDown ? " down" : " up"), NodeSetup.CONFIG_TIMEOUT);
                    }
                }
            }
        }
        event(LabEvent.Kind.LINK, s.name(), (direction == null ? "" : direction + " ") + (up ? "up" : "down")
                + (after.isEmpty() || after.size() == s.impairments().size() || s.kind() == SegmentPlan.Kind.LAN ? "" : " (down " + String.join(", ", after) + ")"));
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

    /** Both ways: every direction of a link or LAN; else the one direction named, which a link must have. */
    private static List<String> directions(SegmentPlan s, String direction) {
        if (direction == null) {
            return List.copyOf(s.impairments().keySet());
        }
        if (s.kind() == SegmentPlan.Kind.LAN) {
            throw new BadInputException("LAN " + s.name() + " goes down or up as a whole; leave the direction out");
        }
        if (!s.impairments().containsKey(direction)) {
            throw new BadInputException("link " + s.name() + " has no direction '" + direction + "'; directions: "
                    + String.join(", ", s.impairments().keySet()));
        }
        return List.of(direction);
    }

    /** The outages of now, with one segment's directions down replaced. */
    private Outages outages(String segment, Set<String> down) {
        Map<String, Set<String>> now = new LinkedHashMap<>(directionsDown);
        now.put(segment, down);
        return Outages.of(plan, now);
    }

    /** The outages of now. */
    private Outages outages() {
        return Outages.of(plan, Map.copyOf(directionsDown));
    }

    /**
     * What a node that was just configured from its plan needs to match the state of the links now
     * (links that start down, or went down before it restarted): its interfaces on links down both
     * ways down, then its routes as {@link Reroute} has them. Nothing while everything is up, or
     * without static routing (the guests are then left alone).
     */
    private List<String> stateCommands(String node) {
        Outages now = outages();
        if (now.isEmpty() || scenario.routing() != Scenario.Routing.STATIC) {
            return List.of();
        }
        List<String> cmds = new ArrayList<>();
        for (SegmentPlan s : plan.segments()) {
            if (now.isDown(s.name())) {
                s.members().stream().filter(m -> m.node().equals(node)).forEach(m -> cmds.add("ip link set dev " + m.dev() + " down"));
            }
        }
        cmds.addAll(Reroute.commands(plan, now, Set.copyOf(everDown)).get(node));
        return cmds;
    }

    /** Replaces every running node's routes with those of {@link Reroute} for the outages of now. */
    private void reroute() {
        Map<String, List<String>> changes = Reroute.commands(plan, outages(), Set.copyOf(everDown));
        List<CompletableFuture<Void>> jobs = new ArrayList<>();
        changes.forEach((name, cmds) -> {
            QemuNode node = nodes.get(name);
            if (node != null && node.state() == NodeState.READY) {
                jobs.add(CompletableFuture.runAsync(() -> GuestBatch.join(cmds, true, setup.tools(name))
                        .forEach(c -> node.exec(c, NodeSetup.CONFIG_TIMEOUT)), workers));
            }
        });
        CompletableFuture.allOf(jobs.toArray(CompletableFuture[]::new)).join();
        event(LabEvent.Kind.ROUTING, name(), "routes recomputed on the links that are up");
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

    /**
     * The taps a capture of a link or LAN listens on, each for what its node sends: every member's, or
     * with {@code direction} ("a->b" on a link, a member's name on a LAN) the sender's only.
     */
    public List<CaptureTap> captureTaps(String segmentName, String direction) {
        SegmentPlan s = plan.segment(segmentName);
        List<CaptureTap> taps = new ArrayList<>();
        for (SegmentPlan.Member m : s.members()) {
            String label = s.kind() == SegmentPlan.Kind.LAN ? m.node()
                    : SegmentPlan.direction(m.node(), s.members().get(0).node().equals(m.node()) ? s.members().get(1).node() : s.members().get(0).node());
            if (direction == null || direction.equals(label)) {
                taps.add(new CaptureTap(s.name(), m.node(), m.tap(), label));
            }
        }
        if (taps.isEmpty()) {
            throw new BadInputException(s.name() + " has no direction '" + direction + "'; directions: "
                    + String.join(", ", captureTaps(segmentName, null).stream().map(CaptureTap::direction).toList()));
        }
        return taps;
    }

    /**
     * Starts capturing a link or LAN ({@link LinkCapture}); returns once every tcpdump listens. A filter
     * tcpdump does not compile is refused (BadInputException) before anything starts. The capture is
     * stopped when the lab goes down.
     */
    public LinkCapture capture(String segmentName, String direction, String filter, LinkCapture.Format format, long count,
                               Duration duration, LinkCapture.Output out) {
        List<CaptureTap> taps = captureTaps(segmentName, direction);
        if (!linkUp(segmentName)) {
            throw new NetloomException(segmentName + " is down, and tcpdump cannot open a tap that is down: capture it once it is up"
                    + " (`netloom link up " + segmentName + "`); the flight recorder keeps recording across a link's down and up");
        }
        requireTcpdump();
        String checked = Tcpdump.normalize(filter);
        Tcpdump.checkFilter(fabric.netns(), taps.get(0).tap(), checked);
        LinkCapture[] started = new LinkCapture[1];
        creating(() -> started[0] = LinkCapture.start(fabric.netns(), taps, checked, format, count, duration, out));
        LinkCapture c = started[0];
        captures.add(c);
        c.ended().whenComplete((why, e) -> captures.remove(c));
        return c;
    }

    private static void requireTcpdump() {
        if (!Proc.onPath("tcpdump")) {
            throw new NetloomException("capturing needs tcpdump: install it with apt-get install tcpdump (./netloom setup does)");
        }
    }

    /** Whether the flight recorder runs. */
    public boolean recording() {
        return recorder != null;
    }

    /** Where the flight recorder saves the rings of a failed check's links: {@code DIR/PREFIX.CHECK.LINK.pcapng}. */
    public record Evidence(java.nio.file.Path dir, String prefix) {
    }

    /** Sets where failed checks' captures go (next to the results); without it they are not saved. */
    public void saveEvidenceTo(Evidence evidence) {
        this.evidence = evidence;
    }

    /**
     * Saves what the flight recorder holds for {@code segments} as one pcapng per link or LAN, named
     * after the check, and returns the files' names (relative to the evidence directory); none without
     * a recorder or an evidence directory.
     */
    public List<String> saveEvidence(String check, List<String> segments) {
        FlightRecorder r = recorder;
        Evidence e = evidence;
        if (r == null || e == null) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        String slug = check.replaceAll("[^A-Za-z0-9._-]+", "_").replaceAll("^_+|_+$", "");
        for (String seg : segments) {
            String base = e.prefix() + "." + slug + "." + seg;
            String name = base + ".pcapng";
            for (int i = 2; java.nio.file.Files.exists(e.dir().resolve(name)); i++) {
                name = base + "-" + i + ".pcapng";
            }
            r.save(seg, e.dir().resolve(name));
            names.add(name);
        }
        event(LabEvent.Kind.CHECK, check, "flight recorder saved " + String.join(", ", names));
        return names;
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
                captures.forEach(LinkCapture::close);
                if (recorder != null) {
                    recorder.close();
                }
                // the name is ours, so is its namespace, however far the bring-up got
                (fabric != null ? java.util.Optional.of(fabric) : Fabric.attach(name())).ifPresent(Fabric::destroy);
                event(LabEvent.Kind.LAB, name(), "down");
                HostLock.run(() -> { // never while a new run of this name claims it
                    ImageStore.deleteTree(paths.dir());
                    MemoryMerging.host().releaseIfLast(line -> event(LabEvent.Kind.LAB, name(), line));
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

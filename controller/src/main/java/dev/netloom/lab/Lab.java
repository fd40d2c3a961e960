package dev.netloom.lab;

import dev.netloom.capture.CaptureTap;
import dev.netloom.capture.LinkCapture;
import dev.netloom.fabric.Fabric;
import dev.netloom.guest.HostsFile;
import dev.netloom.impairment.Impairment;
import dev.netloom.impairment.Target;
import dev.netloom.nodes.ExecResult;
import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.NodeSpec;
import dev.netloom.nodes.QemuNode;
import dev.netloom.nodes.fork.Templates;
import dev.netloom.nodes.console.ConsoleSession;
import dev.netloom.nodes.image.ImageManifest;
import dev.netloom.nodes.image.ImageStore;
import dev.netloom.nodes.qemu.Accel;
import dev.netloom.nodes.BadInputException;
import dev.netloom.scenario.Scenario;
import dev.netloom.mobility.Position;
import dev.netloom.topology.Plan;
import dev.netloom.topology.Planner;
import dev.netloom.topology.SegmentPlan;
import io.netty.channel.EventLoopGroup;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * A running scenario: its network namespace with taps and LAN bridges, its QEMU nodes, their configuration, and
 * the operations on them (exec, impairments, link state, node stop/start). {@link #up} brings it to
 * READY; {@link #down} removes everything it created. A journal in the run directory lets
 * {@code netloom cleanup} finish the job after a crash.
 */
public final class Lab implements LabActions, AutoCloseable {

    private final Scenario scenario;
    private final Plan plan;
    private final LabPaths paths;
    private final boolean forkAllowed;
    private final Templates templates;
    private final EventLoopGroup loops;
    private final EventLog events;
    private final LabLifecycle life;
    private final LabNodes nodes;
    private final LinkStates links;
    private final LabImpairments impairments;
    private final ExecutorService workers;
    private final LabCaptures captures;
    private final MobilityRun mobility; // null without a link model
    private final LabPart part;

    private Lab(Scenario scenario, Plan plan, Accel accel, ImageStore images, boolean forkAllowed, Templates templates, LabPart part) {
        this.scenario = scenario;
        this.part = part;
        this.forkAllowed = forkAllowed;
        this.templates = templates;
        this.plan = plan;
        this.paths = LabPaths.of(scenario.name());
        this.mobility = scenario.mobility() == null ? null : new MobilityRun(scenario.mobility());
        this.events = new EventLog(paths.events());
        this.loops = ConsoleSession.newEventLoopGroup(Math.min(4, Math.max(1, Runtime.getRuntime().availableProcessors())));
        this.workers = Executors.newFixedThreadPool(Math.max(2, plan.nodes().size()), r -> {
            Thread t = new Thread(r, "lab-" + scenario.name());
            t.setDaemon(true);
            return t;
        });
        this.life = new LabLifecycle(scenario.name());
        this.impairments = new LabImpairments(plan, part, events, this::node);
        NodeSetup setup = new NodeSetup(plan, impairments::shaping, this::stateCommands, events);
        this.nodes = new LabNodes(scenario, plan, images, accel, paths, loops, events, setup, workers, life);
        this.captures = new LabCaptures(plan, paths.captureDir(), events);
        this.links = new LinkStates(plan, scenario.routing() == Scenario.Routing.STATIC, nodes.live(), setup, workers, () -> life.fabric, events);
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
        Fabric f = life.fabric;
        return f == null ? null : f.netns();
    }

    public Map<String, QemuNode> nodes() {
        return Map.copyOf(nodes.live());
    }

    public QemuNode node(String name) {
        return nodes.node(name);
    }

    // ---- bring-up ----

    private void bringUp() {
        Plan here = part.local(plan); // what this host runs and reserves: the whole lab unless it is spread over hosts
        Map<String, ImageManifest> manifests = nodes.manifests(here);
        Map<String, NodeSpec> specs = nodes.chooseForks(here, manifests, forkAllowed, templates);
        claim();
        creating(() -> HostsFile.write(paths.hosts(), plan.hosts())); // every QEMU of the lab hands it to its guest (LabNodes.specOf)
        nodes.noteEmulated(manifests);
        event(LabEvent.Kind.LAB, name(), "creating namespace " + life.journal.namespace() + " with " + plan.segments().size() + " links and LANs");
        creating(() -> life.fabric = Fabric.create(plan, part.tunnels()));
        Fabric fabric = life.fabric;
        impairments.start(fabric, node -> manifests.get(plan.node(node).image()).has(ImageManifest.GUEST_NETEM), this::creating);
        if (scenario.capture().recorder()) {
            creating(() -> captures.startRecorder(fabric.netns(), scenario.capture().ringBytes()));
        }
        links.atStart(scenario, mobility, this::creating);

        nodes.prepareTemplates(specs, templates);

        nodes.startAll(here, manifests);
        creating(() -> life.journal.state(Journal.State.READY));
        event(LabEvent.Kind.LAB, name(), "READY with " + nodes.live().size() + " nodes");
    }

    private void claim() {
        LabForks forks = life.forks;
        creating(() -> life.journal = LabJournal.claim(part.local(plan), paths, scenario.ksm(), merged -> forks.labMiB(part.local(plan), merged), line -> event(LabEvent.Kind.CLEANUP, name(), line),
                line -> event(LabEvent.Kind.LAB, name(), line)));
        LabJournal journal = life.journal;
        event(LabEvent.Kind.LAB, name(), "memory: " + journal.reservedMiB() + " MiB reserved for " + part.local(plan).nodes().size() + " nodes"
                + (forks.chosen().isEmpty() ? "" : " (" + forks.chosen().size() + " of them forks, sharing their template's memory)") + "; KSM "
                + switch (journal.merging()) {
                    case ON -> "merges their memory";
                    case OFF -> "kept away from them (\"ksm\": false or --no-ksm)";
                    case UNAVAILABLE -> "not available (" + MemoryMerging.host().describe() + ")";
                });
    }

    /** Runs a step that creates something, unless the lab is going down ({@link LabLifecycle#creating}). */
    private void creating(Runnable step) {
        life.creating(step);
    }

    /**
     * Makes something in the lab's run directory from outside the lab (its API's socket and token),
     * unless the lab is going down: {@link #down()} waits for it, so it never deletes the directory
     * while the files are being made (a signal right after READY left the directory behind).
     */
    public <T> T creatingInRunDir(java.util.function.Supplier<T> step) {
        java.util.concurrent.atomic.AtomicReference<T> made = new java.util.concurrent.atomic.AtomicReference<>();
        life.creating(() -> made.set(step.get()));
        return made.get();
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
        impairments.set(segmentName, direction, imp);
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
        return impairments.impairment(segmentName, direction);
    }

    /** The engine shaping one direction of a link or LAN ("host-netem"...), or "none" while it has no impairment; for status. */
    public String engine(String segmentName, String direction) {
        return impairments.engine(segmentName, direction);
    }

    /** Whether the host kernel ran netem when the lab started (its probe); for results. */
    public boolean hostNetem() {
        return impairments.hostNetem();
    }

    /** Every direction of every link and LAN with the engine it uses now ({@link #engine}); for status. */
    public Map<Target, String> engines() {
        return impairments.engines();
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
        nodes.action(name, action);
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
        return captures.start(life.fabric.netns(), segmentName, direction, filter, format, count, duration, out, this::creating);
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
        if (!life.beginDown(events::close)) {
            return;
        }
        try {
            LabJournal journal = life.journal;
            if (journal != null) {
                journal.state(Journal.State.STOPPING);
                List<CompletableFuture<Void>> stops = new ArrayList<>();
                for (QemuNode n : nodes.live().values()) {
                    stops.add(CompletableFuture.runAsync(n::stop, workers));
                }
                CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).join();
                // tcpdumps hold the namespace: it would outlive `ip netns del` while they run
                captures.close();
                // the name is ours, so is its namespace, however far the bring-up got
                Fabric fabric = life.fabric;
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
            life.downFinished();
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

package dev.netloom.lab;

import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.Install;
import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.NodeSpec;
import dev.netloom.nodes.QemuNode;
import dev.netloom.nodes.StartMode;
import dev.netloom.nodes.fork.Templates;
import dev.netloom.nodes.image.ImageManifest;
import dev.netloom.nodes.image.ImageStore;
import dev.netloom.nodes.host.Proc;
import dev.netloom.nodes.qemu.Accel;
import dev.netloom.nodes.qemu.Arch;
import dev.netloom.scenario.Scenario;
import dev.netloom.topology.NodePlan;
import dev.netloom.topology.Plan;
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
import java.util.stream.Collectors;

/**
 * A lab's QEMU nodes: their specs, their start (admission, fork or boot, journalled before it can
 * outlive the controller), each configured once READY ({@link NodeSetup}), and stop, start or
 * restart of one of them while the lab runs.
 */
final class LabNodes {

    private final Scenario scenario;
    private final Plan plan;
    private final ImageStore images;
    private final Accel accel;
    private final LabPaths paths;
    private final EventLoopGroup loops;
    private final EventLog events;
    private final NodeSetup setup;
    private final ExecutorService workers;
    private final LabLifecycle life;
    private final Map<String, QemuNode> nodes = new ConcurrentHashMap<>();

    LabNodes(Scenario scenario, Plan plan, ImageStore images, Accel accel, LabPaths paths, EventLoopGroup loops, EventLog events,
             NodeSetup setup, ExecutorService workers, LabLifecycle life) {
        this.scenario = scenario;
        this.plan = plan;
        this.images = images;
        this.accel = accel;
        this.paths = paths;
        this.loops = loops;
        this.events = events;
        this.setup = setup;
        this.workers = workers;
        this.life = life;
    }

    /** The nodes started so far, as they are now (a live view). */
    Map<String, QemuNode> live() {
        return nodes;
    }

    /** A running node; a BadInputException listing the nodes when the plan has no such node. */
    QemuNode node(String name) {
        plan.node(name); // a BadInputException listing the nodes when unknown
        QemuNode n = nodes.get(name);
        if (n == null) {
            throw new NetloomException("node " + name + " is not running");
        }
        return n;
    }

    /** The images of the nodes of {@code here}, once this host has the emulator of each of their architectures. */
    Map<String, ImageManifest> manifests(Plan here) {
        Map<String, ImageManifest> manifests = new LinkedHashMap<>();
        for (NodePlan n : here.nodes()) {
            manifests.computeIfAbsent(n.image(), images::require);
        }
        for (Arch a : arches(manifests)) {
            if (!Proc.onPath(a.qemu())) {
                throw new NetloomException("lab " + scenario.name() + " has " + a + " nodes, which need " + a.qemu()
                        + ": install it with apt-get install " + a.qemuPackage() + " (" + Install.cli() + " setup does)");
            }
        }
        return manifests;
    }

    /**
     * Chooses which nodes of {@code here} fork ({@link LabForks}), before the lab claims its memory, and
     * refuses what this host could never run before anything exists; returns the nodes' specs.
     */
    Map<String, NodeSpec> chooseForks(Plan here, Map<String, ImageManifest> manifests, boolean forkAllowed, Templates templates) {
        Map<String, NodeSpec> specs = new LinkedHashMap<>();
        here.nodes().forEach(n -> specs.put(n.name(), specOf(n, manifests.get(n.image()))));
        LabForks forks = life.forks = LabForks.choose(here, specs, forkAllowed, templates);
        boolean merged = MemoryMerging.host().decide(scenario.ksm()).merges();
        HostMemory.requirePossible(here, merged, forks.labMiB(here, merged)); // what this host could never run, refused before anything exists
        return specs;
    }

    /** Finds or builds the templates the chosen forks start from ({@link LabForks#prepare}). */
    void prepareTemplates(Map<String, NodeSpec> specs, Templates templates) {
        life.forks.prepare(specs, spec -> {
            Templates.Template[] t = new Templates.Template[1];
            life.creating(() -> t[0] = templates.ensure(spec, paths.template(), loops, pid -> life.journal.addProcess("_template", pid)));
            return t[0];
        }, (key, line) -> events.accept(LabEvent.of(LabEvent.Kind.LAB, scenario.name(), line)));
    }

    /** An event for each architecture of {@code manifests} that runs under TCG where the lab's acceleration is not. */
    void noteEmulated(Map<String, ImageManifest> manifests) {
        for (Arch a : arches(manifests)) {
            if (a.accel(accel) != accel) {
                events.accept(LabEvent.of(LabEvent.Kind.LAB, scenario.name(), a + " nodes run under TCG (software emulation): KVM runs only the host's own architecture"));
            }
        }
    }

    private static Set<Arch> arches(Map<String, ImageManifest> manifests) {
        return manifests.values().stream().map(ImageManifest::arch).collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * Starts the nodes of {@code here} as the host's start slots allow, each configured once READY;
     * returns when all of them are configured, or throws the first failure.
     */
    void startAll(Plan here, Map<String, ImageManifest> manifests) {
        StartSlots slots = StartSlots.ofHost();
        List<CompletableFuture<Void>> configured = new ArrayList<>();
        for (NodePlan n : here.nodes()) {
            long queued = System.nanoTime();
            StartSlots.Slot held = slots.acquire(life.forks.forks(n.name()));
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
    }

    private QemuNode creatingNode(NodePlan n, ImageManifest manifest) {
        // outside the lifecycle lock: it may wait for KSM, and down() must not wait for it
        HostMemory.awaitHeadroom(scenario.name(), n.name(), life.forks.unmergedMiB(n), life.journal.merging().merges());
        QemuNode[] started = new QemuNode[1];
        life.creating(() -> started[0] = startNode(n, manifest));
        return started[0];
    }

    /**
     * A node's spec; its fork key is the same before the lab's namespace exists and after. Before, it
     * names no namespace: fork choice and admission read it then, and a template boots outside any.
     */
    NodeSpec specOf(NodePlan n, ImageManifest manifest) {
        return new NodeSpec(n.name(), manifest, images.dir(n.image()), manifest.arch().accel(accel), n.cpus(), n.memoryMiB(), n.nics(),
                life.fabric == null ? null : life.fabric.netns(), List.of(), null, null, 1).withMemoryMerging(scenario.ksm()); // KSM unwanted: mem-merge=off
    }

    private QemuNode startNode(NodePlan n, ImageManifest manifest) {
        NodeSpec spec = specOf(n, manifest);
        StartMode mode = life.forks.modeFor(n.name(), spec);
        QemuNode node = QemuNode.start(spec, paths.node(n.name()), false, loops, List.of(c -> events.accept(new LabEvent(Instant.now(), LabEvent.Kind.NODE, c.node(), c.to() + " (" + c.detail() + ")", c.to()))),
                pid -> life.journal.addProcess(n.name(), pid), mode); // every QEMU, restarts included, is journalled before it can outlive us
        nodes.put(n.name(), node);
        return node;
    }

    /** As {@link Lab#nodeAction}. */
    void action(String name, String action) {
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
                action(name, "start");
            }
            default -> throw new BadInputException("unknown node action '" + action + "': use stop, start or restart");
        }
    }
}

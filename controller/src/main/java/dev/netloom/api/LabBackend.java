package dev.netloom.api;

import dev.netloom.observe.LabStats;
import dev.netloom.fabric.Fabric;
import dev.netloom.lab.Lab;
import dev.netloom.nodes.ExecResult;
import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.NodeState;
import dev.netloom.nodes.QemuNode;
import dev.netloom.nodes.console.ConsoleBroker;
import dev.netloom.nodes.console.ConsoleSession;
import dev.netloom.nodes.console.HumanTerminal;
import dev.netloom.nodes.qemu.QemuCommandLine;
import dev.netloom.impairment.Impairment;
import dev.netloom.topology.NodePlan;
import dev.netloom.topology.SegmentPlan;
import dev.netloom.topology.Topology;

import dev.netloom.capture.LinkCapture;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** {@link LabOps} on a real, running {@link Lab}. */
final class LabBackend implements LabOps {

    /** How long setting the people's terminal size over the automation console may take. */
    private static final Duration RESIZE_TIMEOUT = Duration.ofSeconds(10);

    /** A node's console for people, and the automation console of the process it belongs to. */
    private record Broker(ConsoleSession automation, ConsoleBroker broker) {
    }

    private final Map<String, Broker> brokers = new java.util.HashMap<>();

    private final Lab lab;
    private final Topology topology;
    private volatile boolean stopping;

    LabBackend(Lab lab) {
        this.lab = lab;
        this.topology = Topology.of(lab.scenario());
    }

    /** lab.down was asked for: status says STOPPING from now on. */
    void stopping() {
        stopping = true;
    }

    @Override
    public LabInfo info() {
        String state;
        if (stopping) {
            state = "STOPPING";
        } else {
            boolean allReady = lab.plan().nodes().stream().filter(n -> lab.runsHere(n.name())).allMatch(n -> stateOf(n.name()) == NodeState.READY);
            state = allReady ? "READY" : "DEGRADED";
        }
        return new LabInfo(lab.name(), state, Fabric.namespaceFor(lab.name()), lab.paths().dir().toString());
    }

    @Override
    public List<String> nodeNames() {
        return lab.plan().nodes().stream().map(NodePlan::name).toList();
    }

    @Override
    public List<String> linkNames() {
        return lab.plan().segments().stream().map(SegmentPlan::name).toList();
    }

    @Override
    public List<NodeInfo> nodes() {
        Map<String, QemuNode> running = lab.nodes();
        List<NodeInfo> out = new ArrayList<>();
        for (NodePlan n : lab.plan().nodes()) {
            if (!lab.runsHere(n.name())) {
                continue; // another host's agent reports it
            }
            QemuNode q = running.get(n.name());
            NodeState state = q == null ? NodeState.DEFINED : q.state();
            Long boot = q == null || q.bootTime() == null ? null : q.bootTime().toMillis();
            long pid = q == null ? -1 : q.pid();
            List<InterfaceInfo> ifs = n.interfaces().stream()
                    .map(i -> new InterfaceInfo(i.guestName(), i.address(), i.segment(), i.mac(), i.address6())).toList();
            out.add(new NodeInfo(n.name(), state.name(), n.image(), boot, pid, ifs));
        }
        return out;
    }

    @Override
    public List<LinkInfo> links() {
        List<LinkInfo> out = new ArrayList<>();
        for (SegmentPlan s : lab.plan().segments()) {
            List<MemberInfo> members = s.members().stream().map(m -> new MemberInfo(m.node(), m.dev(), m.address(), m.address6())).toList();
            Map<String, Impairment> imps = new LinkedHashMap<>();
            Map<String, String> engs = new LinkedHashMap<>();
            for (String dir : s.impairments().keySet()) {
                imps.put(dir, lab.impairment(s.name(), dir));
                engs.put(dir, lab.engine(s.name(), dir));
            }
            Map<String, Boolean> directionsUp = new LinkedHashMap<>();
            if (s.kind() == SegmentPlan.Kind.LINK) {
                Set<String> down = lab.directionsDown(s.name());
                s.impairments().keySet().forEach(d -> directionsUp.put(d, !down.contains(d)));
            } else if (s.kind() == SegmentPlan.Kind.MEDIUM) { // its pairs: who hears whom now
                Set<String> down = lab.directionsDown(s.name());
                s.pairDirections().forEach(d -> directionsUp.put(d, !down.contains(d)));
            }
            out.add(new LinkInfo(s.name(), s.kind().name().toLowerCase(Locale.ROOT), members, lab.linkUp(s.name()), imps, engs, directionsUp));
        }
        return out;
    }

    @Override
    public CompletableFuture<ExecResult> exec(String node, String command, Duration timeout) {
        QemuNode q = readyNode(node);
        return q.execAsync(command, timeout).exceptionallyCompose(e -> {
            // the node may have stopped between the check and the queueing
            NodeState now = q.state();
            if (now != NodeState.READY) {
                return CompletableFuture.failedFuture(notReady(node, now));
            }
            return CompletableFuture.failedFuture(e);
        });
    }

    @Override
    public void nodeAction(String node, String action) {
        lab.nodeAction(node, action);
    }

    @Override
    public void setImpairment(String link, String direction, Impairment impairment) {
        lab.setImpairment(link, direction, impairment);
    }

    @Override
    public String step(Integer step) {
        return lab.step(step == null ? null : step - 1);
    }

    @Override
    public void setLinkState(String link, String direction, boolean up) {
        lab.setLinkState(link, direction, up);
    }

    @Override
    public Topology.View topology() {
        return topology.view();
    }

    @Override
    public String topologyDot() {
        return topology.toDot();
    }

    @Override
    public ConsoleBroker console(String node) {
        QemuNode q = readyNode(node);
        ConsoleSession c = q.console();
        if (c == null || !c.isOpen()) {
            throw notReady(node, q.state());
        }
        synchronized (brokers) {
            Broker b = brokers.get(node);
            if (b != null && b.automation() == c) {
                return b.broker();
            }
            if (b != null) {
                b.broker().close(); // the node's process restarted: its console for people is new too
            }
            ConsoleBroker.Terminal terminal = QemuCommandLine.hasHumanPort(q.spec())
                    ? HumanTerminal.connect(q.paths().humanSocket(), q.paths().humanTranscript(), c.eventLoop(),
                            size -> q.execAsync(HumanTerminal.sttyCommand(QemuCommandLine.humanTty(q.spec()), size), RESIZE_TIMEOUT))
                    : HumanTerminal.shared(c, q.shell());
            ConsoleBroker broker = new ConsoleBroker(node, terminal);
            brokers.put(node, new Broker(c, broker));
            return broker;
        }
    }

    private QemuNode readyNode(String node) {
        QemuNode q = lab.nodes().get(node);
        NodeState state = q == null ? NodeState.DEFINED : q.state();
        if (state != NodeState.READY) {
            throw notReady(node, state);
        }
        return q;
    }

    private NodeState stateOf(String node) {
        QemuNode q = lab.nodes().get(node);
        return q == null ? NodeState.DEFINED : q.state();
    }

    private static NetloomException notReady(String node, NodeState state) {
        return new ApiException(ApiException.NOT_READY, "node " + node + " is not ready (it is " + state + ")");
    }

    @Override
    public CaptureHandle capture(String link, String direction, String filter, LinkCapture.Format format, long count, Duration duration,
                                 LinkCapture.Output out) {
        LinkCapture c = lab.capture(link, direction, filter, format, count, duration, out);
        return new CaptureHandle(c.taps(), c.ended(), c::stop);
    }

    @Override
    public LabStats stats() {
        return LabStats.sample(lab);
    }
}

package dev.netloom.lab;

import dev.netloom.guest.GuestBatch;
import dev.netloom.guest.GuestConfig;
import dev.netloom.guest.GuestTools;
import dev.netloom.guest.NodeFiles;
import dev.netloom.impairment.Shaping;
import dev.netloom.nodes.ExecResult;
import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.QemuNode;
import dev.netloom.nodes.console.ExecFraming;
import dev.netloom.topology.NodePlan;
import dev.netloom.topology.Plan;
import dev.netloom.topology.SegmentPlan;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Brings a READY node to its plan over its console: learns what its tools can do
 * ({@link GuestTools#PROBE}), then, written for those tools, addresses, routes and /etc/hosts and the
 * link directions the guest shapes itself, then the scenario's commands for it. Any failure fails the
 * node's configuration with the command and its output.
 */
final class NodeSetup {

    /**
     * How long one short configuration exec may take (a tc line, a link up or down, the tool probe).
     * Generous: 40 nodes forking at once beside other jobs (load average 38 on 2 cores) took up to
     * 34 s to configure, and a timeout fails the lab, while a guest that is really gone is caught
     * sooner by its console closing.
     */
    static final Duration CONFIG_TIMEOUT = Duration.ofSeconds(90);
    /** What each byte of a longer command adds: typed into an emulated UART of a guest starved of CPU (200 nodes on 2 cores), a byte took up to 10 ms. */
    static final Duration PER_BYTE = Duration.ofMillis(20);

    /** How long a configuration command may take: {@link #CONFIG_TIMEOUT}, and {@link #PER_BYTE} for each byte typed. */
    static Duration timeoutFor(String command) {
        return CONFIG_TIMEOUT.plus(PER_BYTE.multipliedBy(command.length()));
    }

    /** Why a configuration command failed, "did not finish within N s" rather than its exit code -1 when it did not finish. */
    static String failure(ExecResult r, String command) {
        return failure(r, timeoutFor(command), "the host may be overloaded: fewer nodes, or fewer other jobs");
    }

    /** Why a command failed: its exit code, or, when it ran out of {@code timeout} (exit code -1 then), that it did, and {@code hint}. */
    static String failure(ExecResult r, Duration timeout, String hint) {
        return r.timedOut() ? "did not finish within " + timeout.toSeconds() + " s (" + hint + ")" : "exited " + r.exitCode();
    }

    /** Said when one of the scenario's commands runs out of time: waiting for the network is what such commands tend to do. */
    static final String COMMAND_HINT = "the most a node's command may run; to wait for something that takes longer, such as a routing"
            + " protocol converging, give a check \"within\"";

    private final Plan plan;
    private final Supplier<Shaping> shaping;
    private final Function<String, List<String>> stateCommands;
    private final Consumer<LabEvent> events;
    private final Map<String, GuestTools> tools = new ConcurrentHashMap<>();
    /**
     * Each template's tools, probed in its first fork: every fork of a template resumes the same guest,
     * so one probe answers for all (the probe runs ip and tc twice, and in a fork every program runs
     * translated afresh: about a third of the CPU a fork cost, docs/benchmarks.md).
     */
    private final OncePerKey<java.nio.file.Path, GuestTools> templateTools = new OncePerKey<>();

    /**
     * @param shaping       the lab's impairments (set before any node is configured)
     * @param stateCommands per node, what takes it from its plan to the links' state now (links down)
     */
    NodeSetup(Plan plan, Supplier<Shaping> shaping, Function<String, List<String>> stateCommands, Consumer<LabEvent> events) {
        this.plan = plan;
        this.shaping = shaping;
        this.stateCommands = stateCommands;
        this.events = events;
    }

    /** The tools of a node as its last configuration found them; until then, those of a full guest. */
    GuestTools tools(String node) {
        return tools.getOrDefault(node, GuestTools.FULL);
    }

    /**
     * How a node got to start: the wait for one of the lab's boot slots (the cap on nodes booting at
     * once), then admission proper (the memory headroom check, and starting its QEMU).
     */
    record Admitted(Duration slotWait, Duration admission) {
    }

    /**
     * Configures a READY node; the NODE_CONFIGURED event it ends with gives every phase's time for this
     * node and the bytes its configuration typed into the console (each command as typed, without the
     * framing's few bytes: the figure that grows with the lab where a guest has its /etc/hosts typed).
     */
    void configure(NodePlan n, QemuNode node, Admitted admitted) {
        long t0 = System.nanoTime();
        long[] typed = {0};
        GuestTools found = node.mode().forked() ? templateTools.get(node.mode().state(), () -> probe(n, node, typed)) : probe(n, node, typed);
        tools.put(n.name(), found);
        Shaping links = shaping.get();
        if (links.shapesInGuest(n.name()) && !(found.tc() && found.netem())) {
            throw new NetloomException("node " + n.name() + " should shape its links itself (its image's manifest lists guest-netem),"
                    + " but its guest has " + found.describe() + ": add tc and sch_netem to image " + n.image()
                    + ", or import it again without --capability guest-netem (then only rates can be shaped, on the host)");
        }
        List<String> commands = new ArrayList<>(GuestConfig.configure(n, found));
        n.interfaces().stream().filter(i -> plan.segment(i.segment()).kind() == SegmentPlan.Kind.MEDIUM)
                .forEach(i -> commands.addAll(GuestConfig.mediumSettings(i)));
        commands.addAll(links.guestCommands(n.name()));
        for (String c : GuestBatch.join(commands, false, found)) {
            ExecResult r = exec(node, c, timeoutFor(c), typed);
            if (r.exitCode() != 0) {
                throw new NetloomException("configuring node " + n.name() + " failed: `" + c + "` " + failure(r, c) + ": " + r.output().strip());
            }
        }
        // as in a reroute, each command tolerates a route that is already gone
        for (String c : GuestBatch.join(stateCommands.apply(n.name()), true, found)) {
            exec(node, c, timeoutFor(c), typed);
        }
        for (String c : GuestBatch.join(NodeFiles.commands(NodeFiles.render(n, plan)), false, found)) {
            ExecResult r = exec(node, c, timeoutFor(c), typed);
            if (r.exitCode() != 0) {
                throw new NetloomException("writing the files of node " + n.name() + " failed: `" + (c.length() > 120 ? c.substring(0, 120) + "..." : c) + "` "
                        + failure(r, c) + ": " + r.output().strip());
            }
        }
        for (String c : n.commands()) {
            ExecResult r = exec(node, c, QemuNode.DEFAULT_EXEC_TIMEOUT, typed);
            String how = failure(r, QemuNode.DEFAULT_EXEC_TIMEOUT, COMMAND_HINT);
            events.accept(LabEvent.of(LabEvent.Kind.EXEC, n.name(), "`" + c + "` " + how));
            if (r.exitCode() != 0) {
                throw new NetloomException("command on node " + n.name() + " failed: `" + c + "` " + how + ": " + r.output().strip());
            }
        }
        events.accept(LabEvent.of(LabEvent.Kind.NODE_CONFIGURED, n.name(), "configured (" + found.describe() + "): boot slot after "
                + admitted.slotWait().toMillis() + " ms, admission " + admitted.admission().toMillis() + " ms, boot "
                + node.bootTime().toMillis() + " ms, configuration " + (System.nanoTime() - t0) / 1_000_000 + " ms, " + typed[0] + " bytes typed"));
    }

    /** {@code node.exec}, with the command's bytes as typed added to {@code typed[0]}. */
    private static ExecResult exec(QemuNode node, String command, Duration timeout, long[] typed) {
        typed[0] += ExecFraming.typedBytes(command);
        return node.exec(command, timeout);
    }

    private static GuestTools probe(NodePlan n, QemuNode node, long[] typed) {
        ExecResult r = exec(node, GuestTools.PROBE, timeoutFor(GuestTools.PROBE), typed);
        if (r.timedOut()) {
            throw new NetloomException("configuring node " + n.name() + " failed: the guest's shell did not answer netloom's tool probe: it "
                    + failure(r, GuestTools.PROBE));
        }
        try {
            return GuestTools.parse(r.output());
        } catch (IllegalArgumentException e) {
            throw new NetloomException("configuring node " + n.name() + " failed: " + e.getMessage(), e);
        }
    }
}

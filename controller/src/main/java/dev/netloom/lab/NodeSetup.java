package dev.netloom.lab;

import dev.netloom.guest.GuestBatch;
import dev.netloom.guest.GuestConfig;
import dev.netloom.guest.GuestTools;
import dev.netloom.guest.NodeFiles;
import dev.netloom.impairment.Shaping;
import dev.netloom.nodes.ExecResult;
import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.QemuNode;
import dev.netloom.topology.NodePlan;
import dev.netloom.topology.Plan;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Brings a READY node to its plan over its console: learns what its tools can do
 * ({@link GuestTools#PROBE}), then, written for those tools, addresses, routes and /etc/hosts and the
 * link directions the guest shapes itself, then the scenario's commands for it. Any failure fails the
 * node's configuration with the command and its output.
 */
final class NodeSetup {

    /** How long one configuration exec may take (a batch of ip lines, a tc line). */
    static final Duration CONFIG_TIMEOUT = Duration.ofSeconds(30);

    private final Plan plan;
    private final Supplier<Shaping> shaping;
    private final Consumer<LabEvent> events;
    private final Map<String, GuestTools> tools = new ConcurrentHashMap<>();

    /** @param shaping the lab's impairments (set before any node is configured) */
    NodeSetup(Plan plan, Supplier<Shaping> shaping, Consumer<LabEvent> events) {
        this.plan = plan;
        this.shaping = shaping;
        this.events = events;
    }

    /** The tools of a node as its last configuration found them; until then, those of a full guest. */
    GuestTools tools(String node) {
        return tools.getOrDefault(node, GuestTools.FULL);
    }

    void configure(NodePlan n, QemuNode node) {
        GuestTools found = probe(n, node);
        tools.put(n.name(), found);
        Shaping links = shaping.get();
        if (links.shapesInGuest(n.name()) && !(found.tc() && found.netem())) {
            throw new NetloomException("node " + n.name() + " should shape its links itself (its image's manifest lists guest-netem),"
                    + " but its guest has " + found.describe() + ": add tc and sch_netem to image " + n.image()
                    + ", or import it again without --capability guest-netem (then only rates can be shaped, on the host)");
        }
        List<String> commands = new ArrayList<>(GuestConfig.configure(n, found));
        commands.addAll(links.guestCommands(n.name()));
        for (String c : GuestBatch.join(commands, false, found)) {
            ExecResult r = node.exec(c, CONFIG_TIMEOUT);
            if (r.exitCode() != 0) {
                throw new NetloomException("configuring node " + n.name() + " failed: `" + c + "` exited " + r.exitCode() + ": " + r.output().strip());
            }
        }
        for (String c : GuestBatch.join(NodeFiles.commands(NodeFiles.render(n, plan)), false, found)) {
            ExecResult r = node.exec(c, CONFIG_TIMEOUT);
            if (r.exitCode() != 0) {
                throw new NetloomException("writing the files of node " + n.name() + " failed: `" + (c.length() > 120 ? c.substring(0, 120) + "..." : c) + "` exited "
                        + r.exitCode() + ": " + r.output().strip());
            }
        }
        for (String c : n.commands()) {
            ExecResult r = node.exec(c, QemuNode.DEFAULT_EXEC_TIMEOUT);
            events.accept(LabEvent.of(LabEvent.Kind.EXEC, n.name(), "`" + c + "` exited " + r.exitCode()));
            if (r.exitCode() != 0) {
                throw new NetloomException("command on node " + n.name() + " failed: `" + c + "` exited " + r.exitCode() + ": " + r.output().strip());
            }
        }
        events.accept(LabEvent.of(LabEvent.Kind.NODE_CONFIGURED, n.name(), "configured (" + found.describe() + "), boot "
                + node.bootTime().toMillis() + " ms"));
    }

    private static GuestTools probe(NodePlan n, QemuNode node) {
        ExecResult r = node.exec(GuestTools.PROBE, CONFIG_TIMEOUT);
        try {
            return GuestTools.parse(r.output());
        } catch (IllegalArgumentException e) {
            throw new NetloomException("configuring node " + n.name() + " failed: " + e.getMessage(), e);
        }
    }
}

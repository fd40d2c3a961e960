package dev.netloom.lab;

import dev.netloom.nodes.ExecResult;
import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.QemuNode;
import dev.netloom.topology.GuestConfig;
import dev.netloom.topology.NodePlan;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Brings a READY node to its plan over its console: addresses, routes and /etc/hosts, the link
 * directions the guest shapes itself, then the scenario's commands for it. Any failure fails the
 * node's configuration with the command and its output.
 */
final class NodeSetup {

    /** How long one configuration exec may take (a batch of ip lines, a tc line). */
    static final Duration CONFIG_TIMEOUT = Duration.ofSeconds(30);

    private final Function<String, List<String>> guestShaping;
    private final Consumer<LabEvent> events;

    /** @param guestShaping per node, the commands of the link directions it shapes itself (the guest engine) */
    NodeSetup(Function<String, List<String>> guestShaping, Consumer<LabEvent> events) {
        this.guestShaping = guestShaping;
        this.events = events;
    }

    void configure(NodePlan n, QemuNode node) {
        List<String> commands = new ArrayList<>(GuestConfig.configure(n));
        commands.addAll(guestShaping.apply(n.name()));
        for (String c : GuestBatch.join(commands, false)) {
            ExecResult r = node.exec(c, CONFIG_TIMEOUT);
            if (r.exitCode() != 0) {
                throw new NetloomException("configuring node " + n.name() + " failed: `" + c + "` exited " + r.exitCode() + ": " + r.output().strip());
            }
        }
        for (String c : n.commands()) {
            ExecResult r = node.exec(c, QemuNode.DEFAULT_EXEC_TIMEOUT);
            events.accept(LabEvent.of(LabEvent.Kind.EXEC, n.name(), "`" + c + "` exited " + r.exitCode()));
            if (r.exitCode() != 0) {
                throw new NetloomException("command on node " + n.name() + " failed: `" + c + "` exited " + r.exitCode() + ": " + r.output().strip());
            }
        }
        events.accept(LabEvent.of(LabEvent.Kind.NODE_CONFIGURED, n.name(), "configured, boot " + node.bootTime().toMillis() + " ms"));
    }
}

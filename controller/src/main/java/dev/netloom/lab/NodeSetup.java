package dev.netloom.lab;

import dev.netloom.nodes.ExecResult;
import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.QemuNode;
import dev.netloom.topology.GuestConfig;
import dev.netloom.topology.NodePlan;
import dev.netloom.topology.Plan;
import dev.netloom.topology.SegmentPlan;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;

/**
 * Brings a READY node to its plan over its console: addresses, routes and /etc/hosts, the link
 * directions the guest shapes itself, then the scenario's commands for it. Any failure fails the
 * node's configuration with the command and its output.
 */
final class NodeSetup {

    /** How long one configuration exec may take (a batch of ip lines, a tc line). */
    static final Duration CONFIG_TIMEOUT = Duration.ofSeconds(30);

    /** Where the lab's events go: kind, subject, detail. */
    interface Events {
        void event(String kind, String subject, String detail);
    }

    private final Plan plan;
    private final BiPredicate<SegmentPlan, String> shapedInGuest;
    private final Events events;

    /** @param shapedInGuest whether a segment's direction is shaped by the guest's netem (the guest engine) */
    NodeSetup(Plan plan, BiPredicate<SegmentPlan, String> shapedInGuest, Events events) {
        this.plan = plan;
        this.shapedInGuest = shapedInGuest;
        this.events = events;
    }

    void configure(NodePlan n, QemuNode node) {
        List<String> commands = new ArrayList<>(GuestConfig.configure(n));
        for (SegmentPlan s : plan.segments()) {
            s.impairments().forEach((dir, imp) -> {
                if (!imp.isNone() && s.guestMember(dir).node().equals(n.name()) && shapedInGuest.test(s, dir)) {
                    commands.add(GuestConfig.impairmentCommand(s.guestMember(dir).dev(), imp));
                }
            });
        }
        for (String c : GuestBatch.join(commands, false)) {
            ExecResult r = node.exec(c, CONFIG_TIMEOUT);
            if (r.exitCode() != 0) {
                throw new NetloomException("configuring node " + n.name() + " failed: `" + c + "` exited " + r.exitCode() + ": " + r.output().strip());
            }
        }
        for (String c : n.commands()) {
            ExecResult r = node.exec(c, QemuNode.DEFAULT_EXEC_TIMEOUT);
            events.event("exec", n.name(), "`" + c + "` exited " + r.exitCode());
            if (r.exitCode() != 0) {
                throw new NetloomException("command on node " + n.name() + " failed: `" + c + "` exited " + r.exitCode() + ": " + r.output().strip());
            }
        }
        events.event("node", n.name(), "configured, boot " + node.bootTime().toMillis() + " ms");
    }
}

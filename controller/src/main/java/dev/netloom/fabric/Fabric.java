package dev.netloom.fabric;

import dev.netloom.impairment.HostShell;
import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.host.Proc;
import dev.netloom.scenario.Names;
import dev.netloom.topology.Plan;
import dev.netloom.topology.SegmentPlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The per-lab network: one namespace ({@code nl-LAB}) holding a bridge per link or LAN and a tap per
 * attached node interface, all created with one {@code ip -batch} call. Deleting the namespace
 * removes every device, also after a crash. Device names come from the plan ({@code b<n>},
 * {@code t<n>x<m>}), never from user strings; the lab name is checked against {@link Names#LAB}.
 */
public final class Fabric implements HostShell {

    private static final Logger log = LoggerFactory.getLogger(Fabric.class);
    private static final Duration IP_TIMEOUT = Duration.ofMinutes(2);

    private final String namespace;

    private Fabric(String namespace) {
        this.namespace = namespace;
    }

    public static String namespaceFor(String lab) {
        if (!Names.LAB.matcher(lab).matches()) {
            throw new IllegalArgumentException("invalid lab name " + lab);
        }
        return Names.NAMESPACE_PREFIX + lab;
    }

    /** The fabric of an existing namespace (for cleanup and runtime changes). */
    public static Fabric attach(String lab) {
        return new Fabric(namespaceFor(lab));
    }

    public static boolean exists(String namespace) {
        Proc.Result r = Proc.run(List.of("ip", "netns", "list"), IP_TIMEOUT).orThrow();
        return r.stdout().lines().map(l -> l.split("\\s+")[0]).anyMatch(namespace::equals);
    }

    /**
     * Creates the namespace and every bridge and tap of {@code plan}; if any step fails the namespace
     * is deleted again, so a failed create leaves nothing behind.
     */
    public static Fabric create(Plan plan) {
        Fabric fabric = new Fabric(namespaceFor(plan.lab()));
        if (exists(fabric.namespace)) {
            throw new NetloomException("network namespace " + fabric.namespace + " already exists: lab " + plan.lab()
                    + " is running, or a crashed run left it behind (`netloom down " + plan.lab() + "` or `netloom cleanup`)");
        }
        Proc.run(List.of("ip", "netns", "add", fabric.namespace), IP_TIMEOUT).orThrow();
        try {
            fabric.ip(wiring(plan));
        } catch (RuntimeException e) {
            fabric.destroy();
            throw e;
        }
        log.debug("fabric {}: {} bridges", fabric.namespace, plan.segments().size());
        return fabric;
    }

    /** The {@code ip -batch} lines that wire a plan: loopback, then per segment its bridge and taps. */
    static String wiring(Plan plan) {
        StringBuilder b = new StringBuilder("link set lo up\n");
        for (SegmentPlan s : plan.segments()) {
            // no STP: ports forward at once; no multicast snooping: LANs behave like hubs for multicast
            b.append("link add ").append(s.bridge()).append(" type bridge stp_state 0 forward_delay 0 mcast_snooping 0\n");
            b.append("link set ").append(s.bridge()).append(" up\n");
            for (SegmentPlan.Member m : s.members()) {
                b.append("tuntap add dev ").append(m.tap()).append(" mode tap\n");
                b.append("link set ").append(m.tap()).append(" master ").append(s.bridge()).append('\n');
                b.append("link set ").append(m.tap()).append(" up\n");
            }
        }
        return b.toString();
    }

    public String namespace() {
        return namespace;
    }

    /** Runs {@code ip -n NS -batch -} with {@code lines}. */
    @Override
    public void ip(String lines) {
        Proc.Result r = Proc.run(List.of("ip", "-n", namespace, "-batch", "-"), null, lines.getBytes(StandardCharsets.UTF_8), IP_TIMEOUT);
        if (!r.ok()) {
            throw new NetloomException("wiring namespace " + namespace + " failed: " + Proc.lastLine(r.stderr()));
        }
    }

    /** Runs {@code tc -n NS -batch -} with {@code lines}. */
    @Override
    public void tc(String lines) {
        if (lines.isBlank()) {
            return;
        }
        Proc.Result r = Proc.run(List.of("tc", "-n", namespace, "-batch", "-"), null, lines.getBytes(StandardCharsets.UTF_8), IP_TIMEOUT);
        if (!r.ok()) {
            throw new NetloomException("setting impairments in namespace " + namespace + " failed: " + Proc.lastLine(r.stderr()));
        }
    }

    /** Takes the taps of a link or LAN down (no frame passes) or up again. */
    public void setState(SegmentPlan segment, boolean up) {
        StringBuilder b = new StringBuilder();
        for (SegmentPlan.Member m : segment.members()) {
            b.append("link set ").append(m.tap()).append(up ? " up\n" : " down\n");
        }
        ip(b.toString());
    }

    @Override
    public boolean tcSucceeds(List<String> args) {
        List<String> command = new ArrayList<>(List.of("tc", "-n", namespace));
        command.addAll(args);
        return Proc.run(command, IP_TIMEOUT).ok();
    }

    /** Deletes the namespace and with it every device in it. Idempotent. */
    public void destroy() {
        if (exists(namespace)) {
            Proc.Result r = Proc.run(List.of("ip", "netns", "del", namespace), IP_TIMEOUT);
            if (!r.ok() && exists(namespace)) {
                throw new NetloomException("cannot delete network namespace " + namespace + ": " + Proc.lastLine(r.stderr()));
            }
        }
    }
}

package dev.netloom.fabric;

import dev.netloom.impairment.HostShell;
import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.host.Netns;
import dev.netloom.nodes.host.Proc;
import dev.netloom.nodes.host.Rootless;
import dev.netloom.nodes.host.UserNetns;
import dev.netloom.scenario.Names;
import dev.netloom.scenario.ScenarioLoader;
import dev.netloom.topology.Plan;
import dev.netloom.topology.SegmentPlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The per-lab network: one namespace ({@code nl-LAB}; an ordinary user's is inside a user namespace
 * of the lab's own, {@link UserNetns}) holding a tap per attached node interface.
 * A point-to-point link has no bridge: each of its two taps redirects what it receives from its
 * guest to the other tap's egress with tc mirred. A LAN is a bridge with its members' taps. All
 * devices come from one {@code ip -batch} call, all redirects from one {@code tc -batch} call.
 * Deleting the namespace removes everything, also after a crash; without a bridge per link the
 * kernel unregisters a deleted lab's devices quickly (a bridge costs an RCU grace period, about
 * 16 ms, when it goes; docs/benchmarks.md). Device names come from the plan ({@code t<n>x<m>},
 * {@code b<s>}), never from user strings; the lab name is checked against {@link Names#LAB}.
 */
public final class Fabric implements HostShell {

    private static final Logger log = LoggerFactory.getLogger(Fabric.class);
    private static final Duration IP_TIMEOUT = Duration.ofMinutes(2);

    private final Netns netns;
    private final String namespace;

    private Fabric(Netns netns) {
        this.netns = netns;
        this.namespace = netns.name();
    }

    public static String namespaceFor(String lab) {
        if (!Names.LAB.matcher(lab).matches()) {
            throw new IllegalArgumentException("invalid lab name " + lab);
        }
        return Names.NAMESPACE_PREFIX + lab;
    }

    /**
     * The fabric of a lab's existing named namespace (root's: for cleanup); empty when there is none. An
     * ordinary user's lab namespace has no name on the host: only its controller holds it ({@link UserNetns}).
     */
    public static Optional<Fabric> attach(String lab) {
        return Netns.find(namespaceFor(lab)).map(Fabric::new);
    }

    /** True when a named namespace (root's, {@code ip netns list}) of that name exists. */
    public static boolean exists(String namespace) {
        return Netns.Named.exists(namespace);
    }

    /**
     * Creates the namespace, every tap and LAN bridge of {@code plan} and the redirects that join each
     * link's taps; if any step fails the namespace is deleted again, so a failed create leaves nothing
     * behind.
     */
    public static Fabric create(Plan plan) {
        return create(plan, List.of());
    }

    /**
     * As above, on one host of a lab spread over several (docs/scale-out.md): each of {@code tunnels}
     * stands for a remote node's tap, which is then a VXLAN device instead of a tap of this host.
     */
    public static Fabric create(Plan plan, List<Tunnel> tunnels) {
        if (!tunnels.isEmpty() && Netns.rootless()) {
            throw new NetloomException("lab " + plan.lab() + " spreads over hosts, and its VXLAN tunnels are made in the host's own network:"
                    + " run its agent as root");
        }
        String namespace = namespaceFor(plan.lab());
        if (Netns.find(namespace).isPresent()) {
            throw new NetloomException("network namespace " + namespace + " already exists: lab " + plan.lab()
                    + " is running, or a crashed run left it behind (`netloom down " + plan.lab() + "` or `netloom cleanup`)");
        }
        if (Netns.rootless()) {
            Rootless.tunObstacle(false).ifPresent(why -> {
                throw new NetloomException("lab " + plan.lab() + " cannot have taps: " + why);
            });
        }
        Fabric fabric = new Fabric(Netns.create(namespace));
        try {
            for (Tunnel t : tunnels) {
                Proc.run(t.addCommand(), IP_TIMEOUT).orThrow();
                Proc.Result moved = Proc.run(t.moveCommand(fabric.namespace), IP_TIMEOUT);
                if (!moved.ok()) {
                    Proc.run(t.deleteCommand(), IP_TIMEOUT);
                    moved.orThrow();
                }
            }
            fabric.ip(wiring(plan, tunnels.stream().map(Tunnel::tap).collect(Collectors.toSet())));
            String redirects = redirects(plan);
            if (!redirects.isEmpty()) {
                fabric.run("tc", redirects, "joining the taps of each link with tc mirred in namespace " + fabric.namespace + " failed",
                        " (links need the kernel's ingress qdisc, u32 classifier and mirred action: modprobe sch_ingress cls_u32"
                                + " act_mirred; `netloom doctor` checks them)");
            }
        } catch (RuntimeException e) {
            fabric.destroy();
            throw e;
        }
        log.debug("fabric {}: {} taps, {} LAN bridges", fabric.namespace,
                plan.segments().stream().mapToInt(s -> s.members().size()).sum(),
                plan.segments().stream().filter(s -> s.kind() == SegmentPlan.Kind.LAN).count());
        return fabric;
    }

    /**
     * The {@code ip -batch} lines that create a plan's devices: loopback, then per segment its taps
     * (and for a LAN first its bridge, with the taps as its ports). Every device gets
     * {@code addrgenmode none} before it goes up: the namespace's own IPv6 stack then has no address
     * on it and sends nothing (router solicitations, duplicate address detection, MLD) into the guests.
     */
    static String wiring(Plan plan) {
        return wiring(plan, Set.of());
    }

    /** As above, where the taps in {@code tunnelled} already exist (they are {@link Tunnel}s): they are only set up. */
    static String wiring(Plan plan, Set<String> tunnelled) {
        StringBuilder b = new StringBuilder("link set lo up\n");
        for (SegmentPlan s : plan.segments()) {
            if (s.kind() == SegmentPlan.Kind.LAN) {
                // no STP: ports forward at once; no multicast snooping: LANs behave like hubs for multicast
                b.append("link add ").append(s.bridge()).append(" type bridge stp_state 0 forward_delay 0 mcast_snooping 0\n");
                b.append("link set ").append(s.bridge()).append(" addrgenmode none\n");
                b.append("link set ").append(s.bridge()).append(" up\n");
            }
            for (SegmentPlan.Member m : s.members()) {
                if (!tunnelled.contains(m.tap())) {
                    b.append("tuntap add dev ").append(m.tap()).append(" mode tap\n");
                }
                b.append("link set ").append(m.tap()).append(" addrgenmode none\n");
                if (s.kind() == SegmentPlan.Kind.LAN) {
                    b.append("link set ").append(m.tap()).append(" master ").append(s.bridge()).append('\n');
                }
                b.append("link set ").append(m.tap()).append(" up\n");
            }
        }
        return b.toString();
    }

    /**
     * The {@code tc -batch} lines that join each link's two taps: every frame a guest writes to its
     * tap (the tap's ingress) is redirected to the other tap's egress, and so reaches the other guest
     * through that tap's root qdisc, where the host impairment engines shape it. The u32 key at offset
     * -12 (inside the Ethernet header) with mask 0 matches every frame, even one without payload (at
     * offset 0 it would need 4 bytes of payload); u32 rather than matchall, which some kernels lack
     * (this project's development hosts among them). LANs need none: their bridge forwards. A medium's
     * taps each mirror to every other member's tap at first ({@link #mediumFilter}); the lab then sets
     * the pairs that start apart as a state change.
     */
    static String redirects(Plan plan) {
        StringBuilder b = new StringBuilder();
        for (SegmentPlan s : plan.segments()) {
            if (s.kind() == SegmentPlan.Kind.LINK) {
                String a = s.members().get(0).tap();
                String z = s.members().get(1).tap();
                b.append(redirect(a, z)).append(redirect(z, a));
            } else if (s.kind() == SegmentPlan.Kind.MEDIUM) {
                for (SegmentPlan.Member m : s.members()) {
                    b.append("qdisc add dev ").append(m.tap()).append(" ingress\n").append(mediumFilter(m.tap(),
                            s.members().stream().filter(o -> o != m).map(SegmentPlan.Member::tap).toList(), true));
                }
            }
        }
        return b.toString();
    }

    /**
     * A medium sender's filter, added (to {@code receivers}, 1 to {@link ScenarioLoader#MAX_MEDIUM_NEIGHBOURS})
     * or deleted: every frame its guest writes is mirrored to the egress of each receiver's tap but the
     * last, and redirected to the last, as all of a radio's neighbours hear one transmission. Without a
     * filter (no neighbours) the frame goes to the namespace's own stack, which drops it.
     */
    static String mediumFilter(String from, List<String> receivers, boolean add) {
        if (!add) {
            return "filter del dev " + from + " " + REDIRECT + "\n";
        }
        if (receivers.isEmpty() || receivers.size() > ScenarioLoader.MAX_MEDIUM_NEIGHBOURS) {
            throw new IllegalArgumentException(receivers.size() + " receivers for " + from + "; a medium filter takes 1 to "
                    + ScenarioLoader.MAX_MEDIUM_NEIGHBOURS);
        }
        StringBuilder b = new StringBuilder("filter add dev ").append(from).append(' ').append(REDIRECT).append(" u32 match u32 0 0 at -12");
        for (int i = 0; i < receivers.size(); i++) {
            boolean last = i == receivers.size() - 1;
            b.append(" action mirred egress ").append(last ? "redirect" : "mirror").append(" dev ").append(receivers.get(i)).append(last ? "" : " pipe");
        }
        return b.append('\n').toString();
    }

    /** The {@code tc -batch} lines that send every frame arriving on device {@code from} out of device {@code to}. */
    public static String redirect(String from, String to) {
        return "qdisc add dev " + from + " ingress\n" + redirectFilter(from, to, true);
    }

    /** Where a link's redirect filter sits on its sender's tap ingress. */
    private static final String REDIRECT = "parent ffff: protocol all prio 1";

    /** The redirect filter alone: added, or deleted. */
    private static String redirectFilter(String from, String to, boolean add) {
        return add ? "filter add dev " + from + " " + REDIRECT + " u32 match u32 0 0 at -12 action mirred egress redirect dev " + to + "\n"
                : "filter del dev " + from + " " + REDIRECT + "\n";
    }

    /**
     * The {@code tc -batch} line that fails (or restores) one direction of a link: it deletes (or adds
     * back) the redirect on the sender's tap ingress. Without it, what the sender's guest writes enters
     * the lab namespace's own stack, where it is dropped: the taps have no addresses and the namespace
     * forwards nothing. (A filter with {@code action drop} would need the kernel's gact action, which
     * some hosts lack, this project's development hosts among them; mirred is needed anyway.) The other
     * direction's redirect, the taps' carrier and the impairments (root qdiscs on the receivers' tap
     * egress, or netem in the guests) stay as they are.
     */
    static String dropLine(String senderTap, String receiverTap, boolean drop) {
        return redirectFilter(senderTap, receiverTap, !drop);
    }

    /** What changes a link's or LAN's state: {@code tc -batch} lines (drops) and {@code ip -batch} lines (taps). */
    record StateChange(String tc, String ip) {
    }

    /**
     * The fabric's changes from one state of a link or LAN to another: a link direction going down
     * loses its redirect, one coming back gets it again; a segment down both ways (a LAN goes down as a
     * whole) also has its taps down, as a whole-link {@code link down} always did, so its guests lose
     * carrier.
     *
     * @param before the directions down before (for a LAN, its member names or nothing)
     * @param after  the directions down after
     */
    static StateChange stateChange(SegmentPlan segment, Set<String> before, Set<String> after) {
        if (segment.kind() == SegmentPlan.Kind.MEDIUM) {
            return new StateChange(mediumChange(segment, before, after), "");
        }
        StringBuilder tc = new StringBuilder();
        if (segment.kind() == SegmentPlan.Kind.LINK) {
            for (String dir : segment.impairments().keySet()) {
                if (before.contains(dir) != after.contains(dir)) {
                    tc.append(dropLine(segment.guestMember(dir).tap(), segment.hostTap(dir), after.contains(dir)));
                }
            }
        }
        boolean wasDown = isDown(segment, before);
        boolean nowDown = isDown(segment, after);
        StringBuilder ip = new StringBuilder();
        if (wasDown != nowDown) {
            for (SegmentPlan.Member m : segment.members()) {
                ip.append("link set ").append(m.tap()).append(nowDown ? " down\n" : " up\n");
            }
        }
        return new StateChange(tc.toString(), ip.toString());
    }

    /**
     * A medium's change, from the pairs apart before ("a->b") to those after: the filter of each sender
     * whose receivers changed is rewritten (deleted, and added again when it still has neighbours);
     * the other senders' filters and every tap stay as they are.
     */
    static String mediumChange(SegmentPlan medium, Set<String> before, Set<String> after) {
        StringBuilder tc = new StringBuilder();
        for (SegmentPlan.Member sender : medium.members()) {
            List<String> was = receivers(medium, sender, before);
            List<String> now = receivers(medium, sender, after);
            if (!was.equals(now)) {
                if (!was.isEmpty()) {
                    tc.append(mediumFilter(sender.tap(), was, false));
                }
                if (!now.isEmpty()) {
                    tc.append(mediumFilter(sender.tap(), now, true));
                }
            }
        }
        return tc.toString();
    }

    /** The taps that hear {@code sender} on a medium with {@code apart} pairs apart, in member order. */
    private static List<String> receivers(SegmentPlan medium, SegmentPlan.Member sender, Set<String> apart) {
        return medium.members().stream().filter(m -> m != sender && !apart.contains(SegmentPlan.direction(sender.node(), m.node())))
                .map(SegmentPlan.Member::tap).toList();
    }

    private static boolean isDown(SegmentPlan segment, Set<String> directionsDown) {
        if (segment.kind() == SegmentPlan.Kind.MEDIUM) {
            return false; // its pairs are apart, its taps stay up
        }
        return !directionsDown.isEmpty() && (segment.kind() == SegmentPlan.Kind.LAN || directionsDown.containsAll(segment.impairments().keySet()));
    }

    public String namespace() {
        return namespace;
    }

    /** The namespace as programs enter it (QEMU, tcpdump, ip, tc). */
    public Netns netns() {
        return netns;
    }

    /** Runs {@code ip -n NS -batch -} with {@code lines}. */
    @Override
    public void ip(String lines) {
        run("ip", lines, "wiring namespace " + namespace + " failed", "");
    }

    /** Runs {@code tc -n NS -batch -} with {@code lines}. */
    @Override
    public void tc(String lines) {
        if (lines.isBlank()) {
            return;
        }
        run("tc", lines, "setting impairments in namespace " + namespace + " failed", "");
    }

    /** Runs {@code TOOL -n NS -batch -} with {@code lines}; a failure says what failed, the tool's error and the line, then the remedy. */
    private void run(String tool, String lines, String failure, String remedy) {
        Proc.Result r = Proc.run(netns.tool(tool, List.of("-batch", "-")), null, lines.getBytes(StandardCharsets.UTF_8), IP_TIMEOUT);
        if (!r.ok()) {
            throw new NetloomException(failure + ": " + batchError(r.stderr(), lines) + remedy);
        }
    }

    private static final Pattern FAILED_LINE = Pattern.compile("Command failed -:(\\d+)");

    /**
     * What {@code ip -batch} or {@code tc -batch} said, on one line, with the batch line it names:
     * they end with "Command failed -:N" after the kernel's error.
     */
    static String batchError(String stderr, String lines) {
        String said = stderr.strip().lines().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.joining("; "));
        Matcher m = FAILED_LINE.matcher(said);
        if (m.find()) {
            List<String> batch = lines.lines().toList();
            int n = Integer.parseInt(m.group(1));
            if (n >= 1 && n <= batch.size()) {
                said += " (`" + batch.get(n - 1) + "`)";
            }
        }
        return said.isEmpty() ? "no error message" : said;
    }

    /**
     * Takes a link or LAN from one state to another ({@link #stateChange}): a direction down drops
     * what its sender writes; down both ways, the taps are down too (no frame passes: a tap that is
     * down neither delivers to its guest nor takes a redirected frame). Redirects and bridges stay.
     */
    public void setState(SegmentPlan segment, Set<String> before, Set<String> after) {
        StateChange change = stateChange(segment, before, after);
        boolean down = isDown(segment, after);
        // taps come up before a redirect comes back, and go down after the redirects went: no frame slips through
        if (!down && !change.ip().isEmpty()) {
            ip(change.ip());
        }
        if (!change.tc().isEmpty()) {
            run("tc", change.tc(), "changing the state of " + segment.name() + " in namespace " + namespace + " failed", "");
        }
        if (down && !change.ip().isEmpty()) {
            ip(change.ip());
        }
    }

    @Override
    public boolean tcSucceeds(List<String> args) {
        return Proc.run(netns.tool("tc", args), IP_TIMEOUT).ok();
    }

    /** Deletes the namespace and with it every device in it. Idempotent. */
    public void destroy() {
        netns.delete();
    }
}

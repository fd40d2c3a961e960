package dev.netloom.scenario;

import dev.netloom.impairment.Impairment;
import dev.netloom.mobility.LinkModel;
import dev.netloom.mobility.Position;
import dev.netloom.mobility.World;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Objects;

/**
 * A loaded and validated scenario file (format version 1): the nodes, links and LANs of a lab, how
 * they are addressed and routed, what runs on them and what is checked. Immutable.
 *
 * @param name       lab name ({@link Names#LAB})
 * @param defaults   image, memory and CPUs for nodes that do not say
 * @param nodes      listed nodes plus generated ones, in file order (generated ones after listed ones)
 * @param links      point-to-point links, listed plus generated, in order
 * @param lans       shared segments (one bridge, N members)
 * @param addressing the pools automatic addresses come from (IPv4, IPv6 or both)
 * @param routing    STATIC (shortest paths installed on every node) or NONE
 * @param commands   run on every node once it is configured, in order
 * @param timeline   events at offsets from READY, sorted by time
 * @param checks     run after bring-up ({@link Check}); a failed check makes `run` exit 1
 * @param duration   how long `run` keeps the lab up after the checks (null: until the timeline ends)
 * @param ksm        whether the host's same-page merging (KSM) may merge the nodes' memory (default true)
 * @param capture    the flight recorder ({@link Capture#NONE}: none)
 * @param mobility   the link model, positions and topology steps of a mobility scenario, or null
 */
public record Scenario(
        String name,
        Defaults defaults,
        List<NodeDef> nodes,
        List<LinkDef> links,
        List<LanDef> lans,
        Addressing addressing,
        Routing routing,
        List<String> commands,
        List<TimelineEvent> timeline,
        List<Check> checks,
        Duration duration,
        boolean ksm,
        Capture capture,
        Mobility mobility) {

    public Scenario {
        nodes = List.copyOf(nodes);
        links = List.copyOf(links);
        lans = List.copyOf(lans);
        commands = List.copyOf(commands);
        timeline = List.copyOf(timeline);
        checks = List.copyOf(checks);
        capture = capture == null ? Capture.NONE : capture;
    }

    /** A scenario without a flight recorder or mobility. */
    public Scenario(String name, Defaults defaults, List<NodeDef> nodes, List<LinkDef> links, List<LanDef> lans, Addressing addressing,
                    Routing routing, List<String> commands, List<TimelineEvent> timeline, List<Check> checks, Duration duration,
                    boolean ksm) {
        this(name, defaults, nodes, links, lans, addressing, routing, commands, timeline, checks, duration, ksm, Capture.NONE, null);
    }

    /**
     * "capture": the flight recorder keeps at least the last {@code ringBytes} bytes each node sends on
     * each link and LAN (0: no recorder).
     */
    public record Capture(long ringBytes) {
        public static final Capture NONE = new Capture(0);

        public boolean recorder() {
            return ringBytes > 0;
        }
    }

    /** A scenario whose nodes' memory KSM may merge, without a flight recorder or mobility. */
    public Scenario(String name, Defaults defaults, List<NodeDef> nodes, List<LinkDef> links, List<LanDef> lans, Addressing addressing,
                    Routing routing, List<String> commands, List<TimelineEvent> timeline, List<Check> checks, Duration duration) {
        this(name, defaults, nodes, links, lans, addressing, routing, commands, timeline, checks, duration, true, Capture.NONE, null);
    }

    /** The same scenario under another lab name (an agent's part of a lab spread over hosts; docs/scale-out.md). */
    public Scenario withName(String lab) {
        if (!Names.LAB.matcher(lab).matches()) {
            throw new dev.netloom.nodes.BadInputException("invalid lab name '" + lab + "': 1-12 lowercase letters, digits and dashes, starting with a letter");
        }
        return new Scenario(lab, defaults, nodes, links, lans, addressing, routing, commands, timeline, checks, duration, ksm, capture, mobility);
    }

    /** The same scenario with memory merging allowed or not (the CLI's --no-ksm). */
    public Scenario withKsm(boolean merge) {
        return new Scenario(name, defaults, nodes, links, lans, addressing, routing, commands, timeline, checks, duration, merge, capture, mobility);
    }

    /**
     * Node settings that apply unless a node overrides them. {@code fork}: true or false when the
     * scenario says whether nodes start as forks of a template, null to let netloom decide (see fork.md).
     */
    public record Defaults(String image, int memoryMiB, int cpus, Boolean fork) {
        public static final Defaults BUILT_IN = new Defaults("tiny", 96, 1, null);

        public Defaults(String image, int memoryMiB, int cpus) {
            this(image, memoryMiB, cpus, null);
        }
    }

    /**
     * A node. {@code memoryMiB}/{@code cpus}/{@code image}/{@code fork} are already resolved against the defaults
     * ({@code fork} null: netloom decides).
     * {@code commands} run on this node after the global ones.
     */
    public record NodeDef(String name, String image, int memoryMiB, int cpus, List<String> commands, List<NodeFile> files, Boolean fork) {
        public NodeDef {
            commands = List.copyOf(commands);
            files = List.copyOf(files);
        }

        /** A node whose fork setting is left to netloom. */
        public NodeDef(String name, String image, int memoryMiB, int cpus, List<String> commands, List<NodeFile> files) {
            this(name, image, memoryMiB, cpus, commands, files, null);
        }

        /** A node without files. */
        public NodeDef(String name, String image, int memoryMiB, int cpus, List<String> commands) {
            this(name, image, memoryMiB, cpus, commands, List.of());
        }
    }

    /**
     * A file written into a node before its commands run: an absolute {@code path}, its text with
     * {@link Placeholders} still in it, and an octal {@code mode} ("0644") or null for the guest's default.
     */
    public record NodeFile(String path, String text, String mode) {
    }

    /**
     * One end of a link or LAN membership; {@code address} is an IPv4 CIDR like 10.9.0.1/24 and
     * {@code address6} an IPv6 one like fd00:1::1/64, each null for automatic.
     */
    public record Endpoint(String node, String address, String address6) {
        public Endpoint(String node, String address) {
            this(node, address, null);
        }
    }

    /**
     * A point-to-point link between two endpoints (the two nodes may be the same pair as another
     * link: parallel links are allowed; a node linked to itself is not). {@code name} defaults to
     * "A-B" (with "-2", "-3"... for parallel links). {@code aToB} is the impairment on traffic from
     * endpoints[0] to endpoints[1], {@code bToA} the other way; {@link Impairment#NONE} when unset.
     * {@code startsDown}: the link is down (both ways) when the lab starts, until the timeline or the
     * API brings it up ("state": "down").
     */
    public record LinkDef(String name, Endpoint a, Endpoint b, Impairment aToB, Impairment bToA, boolean startsDown) {

        /** A link that starts up. */
        public LinkDef(String name, Endpoint a, Endpoint b, Impairment aToB, Impairment bToA) {
            this(name, a, b, aToB, bToA, false);
        }

        /** "A->B" and "B->A", by node name. */
        public List<String> directions() {
            return List.of(a.node() + "->" + b.node(), b.node() + "->" + a.node());
        }
    }

    /** A shared segment: one bridge with every member's interface on it; the impairment applies to every member's egress. */
    public record LanDef(String name, List<Endpoint> members, Impairment impairment) {
        public LanDef {
            members = List.copyOf(members);
        }
    }

    /**
     * The pools automatic addresses come from: {@code pool} for IPv4 (a CIDR such as 10.0.0.0/16),
     * {@code pool6} for IPv6 (such as fd00:1::/48). A null pool means the lab has no addresses of
     * that family; at least one is set. {@code loopback} (IPv4, such as 10.255.0.0/24) and
     * {@code loopback6} (IPv6, such as fd00:ff::/64), when set, give every node an address on its
     * {@code lo}: node N of the scenario's node list (from 0) gets host N+1 of the prefix, as a /32 or
     * /128, a stable router id that {@code ${lo.ipv4}} and {@code ${lo.ipv6}} name.
     */
    public record Addressing(String pool, String pool6, String loopback, String loopback6) {
        public static final Addressing DEFAULT = new Addressing("10.0.0.0/16", null);

        public Addressing(String pool) {
            this(pool, null);
        }

        public Addressing(String pool, String pool6) {
            this(pool, pool6, null, null);
        }

        public Addressing {
            if (pool == null && pool6 == null) {
                throw new IllegalArgumentException("addressing needs a pool of at least one family");
            }
        }

        public boolean ipv4() {
            return pool != null;
        }

        public boolean ipv6() {
            return pool6 != null;
        }

        /** The loopback address of the node at {@code nodeIndex} in that family ("10.255.0.1/32"), or null without that loopback pool. */
        public String loopback(Cidr.Family family, int nodeIndex) {
            String prefix = family == Cidr.Family.IPV4 ? loopback : loopback6;
            if (prefix == null) {
                return null;
            }
            return Cidr.parse(prefix).host(nodeIndex + 1L).withPrefix(family.bits()).toString();
        }
    }

    public enum Routing { STATIC, NONE }

    /**
     * A scenario with a "linkModel": every pair of nodes has a planned link ({@code pairs}), and the
     * model decides from the positions (or the current step's pairs) which are up and with what
     * impairment. {@code positions} are the nodes' starting positions (step 1's merged in). In lan mode
     * {@code medium} names the LAN every node is on (one interface each, no bridge), and the pairs are
     * the model's only: a pair that is up is two neighbours on the medium; null in links mode.
     */
    public record Mobility(LinkModel model, Map<String, Position> positions, List<World.Pair> pairs, List<Step> steps, String medium) {
        public Mobility {
            positions = Map.copyOf(positions);
            pairs = List.copyOf(pairs);
            steps = List.copyOf(steps);
        }

        /** Every pair's quality at {@code positions} in step {@code step} (0-based; -1 for a scenario without steps). */
        public Map<String, LinkModel.Quality> qualities(Map<String, Position> at, int step) {
            return World.qualities(model, pairs, at, step < 0 ? null : steps.get(step).connected());
        }

        /** Every pair's quality at the start: the starting positions, in the first step if there are steps. */
        public Map<String, LinkModel.Quality> atStart() {
            return qualities(positions, steps.isEmpty() ? -1 : 0);
        }
    }

    /**
     * A topology step: new positions for some nodes, and the pairs that are connected ("a|b",
     * {@link World#key}), or null when the model decides from the distances.
     */
    public record Step(String name, Map<String, Position> positions, Set<String> connected) {
        public Step {
            positions = Map.copyOf(positions);
            connected = connected == null ? null : Set.copyOf(connected);
        }
    }

    /**
     * Something that happens {@code at} after READY: a link or LAN gets an impairment or goes up or
     * down, a node runs a command or is stopped, started or restarted, or a check runs. Every field is set, except
     * {@link LinkImpairment#direction()} and {@link LinkState#direction()}, which are null for both ways.
     */
    public sealed interface TimelineEvent
            permits TimelineEvent.LinkImpairment, TimelineEvent.LinkState, TimelineEvent.NodeExec, TimelineEvent.NodeAction,
            TimelineEvent.RunCheck, TimelineEvent.Move, TimelineEvent.StepTo {

        /** The offset from READY. */
        Duration at();

        /** "set": merges {@code impairment} into a link's (or LAN's) current one; {@code direction} "A->B", or null for both ways. */
        record LinkImpairment(Duration at, String link, Impairment impairment, String direction) implements TimelineEvent {
            public LinkImpairment {
                Objects.requireNonNull(at, "at");
                Objects.requireNonNull(link, "link");
                Objects.requireNonNull(impairment, "impairment");
            }
        }

        /** "state": takes a link or LAN down, or brings it back up; {@code direction} "A->B" of a link only, or null for both ways. */
        record LinkState(Duration at, String link, boolean up, String direction) implements TimelineEvent {
            public LinkState {
                Objects.requireNonNull(at, "at");
                Objects.requireNonNull(link, "link");
            }

            /** Both ways. */
            public LinkState(Duration at, String link, boolean up) {
                this(at, link, up, null);
            }
        }

        /** "exec": runs a shell command on a node. */
        record NodeExec(Duration at, String node, String command) implements TimelineEvent {
            public NodeExec {
                Objects.requireNonNull(at, "at");
                Objects.requireNonNull(node, "node");
                Objects.requireNonNull(command, "command");
            }
        }

        /** "check": runs a check at that time (after a link failure, say). */
        record RunCheck(Duration at, Check check) implements TimelineEvent {
            public RunCheck {
                Objects.requireNonNull(at, "at");
                Objects.requireNonNull(check, "check");
            }
        }

        /** "move" (or one step of a "walk"): nodes get new positions, and the link model is applied again. */
        record Move(Duration at, Map<String, Position> positions) implements TimelineEvent {
            public Move {
                Objects.requireNonNull(at, "at");
                positions = Map.copyOf(positions);
            }
        }

        /** "step": the lab goes to topology step {@code index} (0-based), or the next one when null. */
        record StepTo(Duration at, Integer index) implements TimelineEvent {
            public StepTo {
                Objects.requireNonNull(at, "at");
            }
        }

        /** "action": stops, starts or restarts a node ("stop", "start", "restart"). */
        record NodeAction(Duration at, String node, String action) implements TimelineEvent {
            public NodeAction {
                Objects.requireNonNull(at, "at");
                Objects.requireNonNull(node, "node");
                Objects.requireNonNull(action, "action");
            }
        }
    }
}

package dev.netloom.scenario;

import dev.netloom.impairment.Impairment;
import dev.netloom.impairment.TcUnits;
import dev.netloom.nodes.Units;
import dev.netloom.scenario.Scenario.LinkDef;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads "checks" (and the check of a timeline event): each an object with one kind key (ping, exec,
 * fidelity, reachable, unreachable) and optionally "name" and "within". Format version 1's
 * {"ping": "all"} and {"ping": {"from", "to", "count"}} read as they always did.
 */
final class ChecksSection {

    static final List<String> KINDS = List.of("ping", "exec", "fidelity", "reachable", "unreachable");
    static final List<String> KEYS = List.of("name", "within", "family", "ping", "exec", "fidelity", "reachable", "unreachable");
    static final List<String> PING_KEYS = List.of("from", "to", "count", "interval", "maxLoss", "maxRtt");
    static final List<String> EXEC_KEYS = List.of("node", "command", "exit", "output", "timeout");
    static final List<String> FIDELITY_KEYS = List.of("link", "direction", "expect", "tolerance", "samples", "interval", "rateTime");
    static final List<String> EXPECT_KEYS = List.of("delay", "loss", "rate");
    static final List<String> TOLERANCE_KEYS = List.of("delay", "loss", "rate");
    static final List<String> REACH_KEYS = List.of("from", "to");

    static final int MAX_PING_COUNT = 100;
    static final int DEFAULT_PING_COUNT = 3;
    static final int MAX_NAME = 64;
    static final Duration MAX_WITHIN = Duration.ofHours(1);
    static final Duration MIN_INTERVAL = Duration.ofMillis(10);
    static final Duration MAX_INTERVAL = Duration.ofSeconds(10);
    static final Duration DEFAULT_EXEC_TIMEOUT = Duration.ofSeconds(60);
    static final int DEFAULT_SAMPLES = 200;
    static final int MIN_SAMPLES = 20;
    static final int MAX_SAMPLES = 10000;
    static final Duration DEFAULT_SAMPLE_INTERVAL = Duration.ofMillis(10);
    static final Duration DEFAULT_RATE_TIME = Duration.ofSeconds(3);
    static final Duration MAX_RATE_TIME = Duration.ofSeconds(60);

    private ChecksSection() {
    }

    static List<Check> read(SourceValue at, CrossChecks refs, Scenario.Addressing addressing) {
        if (at == null) {
            return List.of();
        }
        List<Check> out = new ArrayList<>();
        Map<String, SourceValue> names = new HashMap<>();
        for (SourceValue el : at.elements("checks ({\"ping\": ...} objects)")) {
            Check check = one(el, refs, addressing);
            if (check.name() != null) {
                SourceValue first = names.putIfAbsent(check.name(), el.get("name"));
                if (first != null) {
                    throw el.get("name").error("check name \"" + check.name() + "\" is already used at " + first.pointer()
                            + "; give every check its own name");
                }
            }
            out.add(check);
        }
        return out;
    }

    /** One check object, in "checks" or in a timeline event's "check". */
    static Check one(SourceValue el, CrossChecks refs, Scenario.Addressing addressing) {
        el.object("a check", KEYS);
        List<SourceValue> kinds = KINDS.stream().map(el::get).filter(v -> v != null).toList();
        if (kinds.isEmpty()) {
            throw el.error("a check needs one of " + String.join(", ", KINDS) + "; e.g. \"ping\": {\"from\": \"a\", \"to\": \"b\"}");
        }
        if (kinds.size() > 1) {
            throw kinds.get(1).keyError("a check has one kind, not \"" + kinds.get(0).key() + "\" and \"" + kinds.get(1).key()
                    + "\"; split it into two checks");
        }
        SourceValue kind = kinds.get(0);
        Check.Spec spec = switch (kind.key()) {
            case "ping" -> ping(kind, refs);
            case "exec" -> exec(kind, refs);
            case "fidelity" -> fidelity(kind, refs);
            case "reachable" -> reach(kind, refs, true);
            case "unreachable" -> reach(kind, refs, false);
            default -> throw new IllegalStateException(kind.key());
        };
        SourceValue familyAt = el.get("family");
        if (familyAt != null && !Check.hasFamily(spec)) {
            throw familyAt.keyError("\"family\" is for ping, reachable and unreachable checks, not " + kind.key() + "; remove it");
        }
        List<Cidr.Family> families = Check.hasFamily(spec) ? families(familyAt, addressing) : List.of(Cidr.Family.IPV4);
        return new Check(name(el.get("name")), within(el.get("within")), spec, families);
    }

    /** "family": ipv4, ipv6 or both, each of which the lab must have; absent: IPv4 if the lab has it, else IPv6. */
    private static List<Cidr.Family> families(SourceValue at, Scenario.Addressing addressing) {
        if (at == null) {
            return List.of(addressing.ipv4() ? Cidr.Family.IPV4 : Cidr.Family.IPV6);
        }
        String value = at.text("an address family");
        List<Cidr.Family> families = switch (value) {
            case "ipv4" -> List.of(Cidr.Family.IPV4);
            case "ipv6" -> List.of(Cidr.Family.IPV6);
            case "both" -> List.of(Cidr.Family.IPV4, Cidr.Family.IPV6);
            default -> throw at.error("unknown family \"" + value + "\"; family is ipv4, ipv6 or both");
        };
        if (families.contains(Cidr.Family.IPV4) && !addressing.ipv4()) {
            throw at.error("the lab has no IPv4 addresses (\"addressing\" names only \"pool6\"); use \"family\": \"ipv6\","
                    + " or add \"pool\": \"10.0.0.0/16\" to \"addressing\"");
        }
        if (families.contains(Cidr.Family.IPV6) && !addressing.ipv6()) {
            throw at.error("the lab has no IPv6 addresses; add \"pool6\": \"fd00:1::/48\" to \"addressing\", or use \"family\": \"ipv4\"");
        }
        return families;
    }

    private static String name(SourceValue at) {
        if (at == null) {
            return null;
        }
        String name = at.text("a check name");
        if (name.isBlank() || name.length() > MAX_NAME) {
            throw at.error("a check name has 1 to " + MAX_NAME + " characters; shorten it or leave it out (the check is then named after what it tests)");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                throw at.error("a check name is one line of text without control characters; remove character " + (i + 1));
            }
        }
        return name;
    }

    private static Duration within(SourceValue at) {
        return at == null ? null : positive(at, "within", MAX_WITHIN, "leave it out to run the check once");
    }

    private static Check.Spec ping(SourceValue ping, CrossChecks refs) {
        if (ping.isString()) {
            if (!ping.text("\"all\"").equals("all")) {
                throw ping.error("unknown ping \"" + ping.node().textValue() + "\"; write \"all\" or {\"from\": \"a\", \"to\": \"b\"}");
            }
            return new Check.PingAll();
        }
        ping.object("a ping check (\"all\" or an object)", PING_KEYS);
        String[] ends = fromTo(ping, refs, "ping");
        int count = ping.get("count") != null ? (int) ping.get("count").integer("count", 1, MAX_PING_COUNT) : DEFAULT_PING_COUNT;
        SourceValue intervalAt = ping.get("interval");
        Duration interval = intervalAt == null ? null : between(intervalAt, "interval", MIN_INTERVAL, MAX_INTERVAL);
        SourceValue lossAt = ping.get("maxLoss");
        Double maxLoss = lossAt == null ? null : ValueRules.quantity(lossAt, "a percentage such as \"5%\"", TcUnits::percent);
        SourceValue rttAt = ping.get("maxRtt");
        Duration maxRtt = rttAt == null ? null : positive(rttAt, "maxRtt", Duration.ofMinutes(1), "write e.g. \"50ms\"");
        return new Check.Ping(ends[0], ends[1], count, interval, maxLoss, maxRtt);
    }

    private static Check.Spec exec(SourceValue exec, CrossChecks refs) {
        exec.object("an exec check", EXEC_KEYS);
        String node = refs.nodeRef(exec.require("node", "add \"node\": the node that runs the command"));
        String command = CommandRules.command(exec.require("command", "add \"command\": a shell command"), "write a shell command");
        int exit = exec.get("exit") == null ? 0 : (int) exec.get("exit").integer("exit", 0, 255);
        SourceValue outputAt = exec.get("output");
        String output = null;
        if (outputAt != null) {
            output = outputAt.text("a regular expression");
            try {
                Pattern.compile(output, Pattern.MULTILINE);
            } catch (PatternSyntaxException e) {
                throw outputAt.error("output is not a regular expression: " + e.getDescription() + " at index " + e.getIndex()
                        + "; escape a literal character with \\\\ (in JSON: \"\\\\.\" for a dot)");
            }
        }
        SourceValue timeoutAt = exec.get("timeout");
        Duration timeout = timeoutAt == null ? DEFAULT_EXEC_TIMEOUT : positive(timeoutAt, "timeout", MAX_WITHIN, "write e.g. \"30s\"");
        return new Check.Exec(node, command, exit, output, timeout);
    }

    private static Check.Spec fidelity(SourceValue f, CrossChecks refs) {
        f.object("a fidelity check", FIDELITY_KEYS);
        SourceValue linkAt = f.require("link", "add \"link\": the link whose direction is measured");
        String link = refs.segmentRef(linkAt);
        LinkDef def = refs.link(link);
        boolean medium = def == null && refs.model != null && refs.model.lan() && link.equals(MobilitySection.MEDIUM);
        if (def == null && !medium) {
            throw linkAt.error("\"" + link + "\" is a LAN; a fidelity check measures one direction of a link (or of a pair on a shared medium), pick a link");
        }
        List<String> both = medium ? List.of() : List.of(def.a().node() + "->" + def.b().node(), def.b().node() + "->" + def.a().node());
        SourceValue directionAt = f.require("direction", medium ? "add \"direction\": \"a->b\" for two nodes on the medium"
                : "add \"direction\": one of " + String.join(", ", both));
        String direction = directionAt.text("a direction such as \"a->b\"");
        if (medium) {
            String[] ends = direction.split("->", 2);
            if (ends.length != 2 || ends[0].equals(ends[1]) || !refs.nodeNames().contains(ends[0]) || !refs.nodeNames().contains(ends[1])) {
                throw directionAt.error("unknown direction \"" + direction + "\" on the medium; a direction is \"a->b\" for two of its nodes ("
                        + String.join(", ", refs.nodeNames().subList(0, Math.min(10, refs.nodeNames().size()))) + (refs.nodeNames().size() > 10 ? ", ..." : "") + ")");
            }
        } else if (!both.contains(direction)) {
            throw directionAt.error("unknown direction \"" + direction + "\" for link \"" + link + "\"; directions are " + String.join(", ", both));
        }
        Impairment expect = Impairment.NONE;
        SourceValue expectAt = f.get("expect");
        if (expectAt != null) {
            expect = ImpairmentIn.read(expectAt.object("the expected delay, loss and rate", EXPECT_KEYS)).value();
            if (expect.rateBps() != null && expect.rateBps() == 0) {
                throw expectAt.get("rate").error("a rate of 0 passes nothing; expect a rate above 0 or leave it out");
            }
        }
        Check.Tolerance tolerance = tolerance(f.get("tolerance"));
        int samples = f.get("samples") == null ? DEFAULT_SAMPLES : (int) f.get("samples").integer("samples", MIN_SAMPLES, MAX_SAMPLES);
        SourceValue intervalAt = f.get("interval");
        Duration interval = intervalAt == null ? DEFAULT_SAMPLE_INTERVAL : between(intervalAt, "interval", MIN_INTERVAL, MAX_INTERVAL);
        SourceValue rateTimeAt = f.get("rateTime");
        Duration rateTime = rateTimeAt == null ? DEFAULT_RATE_TIME : between(rateTimeAt, "rateTime", Duration.ofSeconds(1), MAX_RATE_TIME);
        return new Check.Fidelity(link, direction, expect, tolerance, samples, interval, rateTime);
    }

    /** "tolerance": delay as a duration or a percentage, loss in percentage points, rate as a rate or a percentage. */
    private static Check.Tolerance tolerance(SourceValue at) {
        Check.Tolerance t = Check.Tolerance.DEFAULT;
        if (at == null) {
            return t;
        }
        at.object("the tolerances", TOLERANCE_KEYS);
        Duration delay = t.delay();
        Double delayPercent = t.delayPercent();
        double loss = t.lossPoints();
        Long rate = t.rateBps();
        Double ratePercent = t.ratePercent();
        if (at.get("delay") != null) {
            Object v = absoluteOrPercent(at.get("delay"), "a duration such as \"5ms\"", Units::duration);
            delay = v instanceof Duration d ? d : null;
            delayPercent = v instanceof Double p ? p : null;
        }
        if (at.get("loss") != null) {
            loss = ValueRules.quantity(at.get("loss"), "percentage points such as \"2%\"", TcUnits::percent);
        }
        if (at.get("rate") != null) {
            Object v = absoluteOrPercent(at.get("rate"), "a rate such as \"1mbit\"", TcUnits::rateBps);
            rate = v instanceof Long r ? r : null;
            ratePercent = v instanceof Double p ? p : null;
        }
        return new Check.Tolerance(delay, delayPercent, loss, rate, ratePercent);
    }

    /** A percentage ("10%", of the expected value) or an absolute amount in the grammar of {@code absolute}. */
    private static Object absoluteOrPercent(SourceValue at, String what, Function<String, ?> absolute) {
        return ValueRules.quantity(at, what + " or a percentage such as \"10%\"", text -> {
            try {
                return text.strip().endsWith("%") ? TcUnits.percent(text) : absolute.apply(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage() + "; or write a percentage of the expected value, e.g. \"10%\"", e);
            }
        });
    }

    private static Check.Spec reach(SourceValue r, CrossChecks refs, boolean reachable) {
        r.object((reachable ? "a " : "an ") + r.key() + " check", REACH_KEYS);
        String[] ends = fromTo(r, refs, r.key());
        return new Check.Reach(ends[0], ends[1], reachable);
    }

    private static String[] fromTo(SourceValue at, CrossChecks refs, String what) {
        String from = refs.nodeRef(at.require("from", "add \"from\": a node name"));
        SourceValue toAt = at.require("to", "add \"to\": a node name");
        String to = refs.nodeRef(toAt);
        if (from.equals(to)) {
            throw toAt.error(what + " from \"" + from + "\" to itself; pick another node");
        }
        return new String[] {from, to};
    }

    private static Duration positive(SourceValue at, String what, Duration max, String fix) {
        Duration d = ValueRules.duration(at);
        if (d.isZero()) {
            throw at.error(what + " must be above 0; " + fix);
        }
        if (d.compareTo(max) > 0) {
            throw at.error(what + " " + TcUnits.time(d) + " is too long; use at most " + TcUnits.time(max));
        }
        return d;
    }

    private static Duration between(SourceValue at, String what, Duration min, Duration max) {
        Duration d = ValueRules.duration(at);
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw at.error(what + " " + TcUnits.time(d) + " is out of range; use " + TcUnits.time(min) + " to " + TcUnits.time(max));
        }
        return d;
    }
}

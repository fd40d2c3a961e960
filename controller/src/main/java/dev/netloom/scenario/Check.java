package dev.netloom.scenario;

import dev.netloom.impairment.Impairment;
import dev.netloom.impairment.TcUnits;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One check of a scenario (in "checks", or in a timeline event): what it tests, and optionally its
 * name and how long it may take to hold.
 *
 * @param name   as the file names it, or null: then it is named after what it tests ({@link #label()})
 * @param within null: the check runs once; otherwise it is run again until it holds or this time is up
 * @param spec     what it tests
 * @param families over which addresses a ping, reachable or unreachable check runs (IPv4, IPv6 or
 *                 both, in that order); the other kinds have IPv4 here and ignore it
 */
public record Check(String name, Duration within, Spec spec, List<Cidr.Family> families) {

    public Check {
        Objects.requireNonNull(spec, "spec");
        families = List.copyOf(families);
        if (families.isEmpty()) {
            throw new IllegalArgumentException("a check runs over at least one address family");
        }
    }

    /** An IPv4 check. */
    public Check(String name, Duration within, Spec spec) {
        this(name, within, spec, List.of(Cidr.Family.IPV4));
    }

    /** An IPv4 check without a name or a time limit (as format version 1 wrote them). */
    public static Check of(Spec spec) {
        return new Check(null, null, spec);
    }

    /** Whether this kind of check runs over a family of addresses (ping, reachable, unreachable). */
    public static boolean hasFamily(Spec spec) {
        return spec instanceof Ping || spec instanceof PingAll || spec instanceof Reach;
    }

    /**
     * What a result of this check over {@code family} is called: {@link #label()} for IPv4 and in a
     * check of one family; over IPv6 in a check of both, the label with " ipv6" after it. An unnamed
     * check over IPv6 says so in its kind: "ping6 a->c", "reachable6 a->c".
     */
    public String label(Cidr.Family family) {
        return label(family, label());
    }

    /** {@code what} (a label or a per-pair name such as "ping a->b") as a result over {@code family} is called. */
    public String label(Cidr.Family family, String what) {
        if (family == Cidr.Family.IPV4) {
            return what;
        }
        if (name == null && what.startsWith(spec.kind() + " ")) {
            return spec.kind() + "6" + what.substring(spec.kind().length());
        }
        return families.size() > 1 ? what + " ipv6" : what;
    }

    /** Its name, or what it tests ("ping a->c", "fidelity a-b a->b"). */
    public String label() {
        return name != null ? name : spec.describe();
    }

    /** What a check tests; the kind is its key in the file. */
    public sealed interface Spec permits Ping, PingAll, Exec, Fidelity, Reach {

        /** The key of this kind in a file: ping, exec, fidelity, reachable, unreachable. */
        String kind();

        /** The default name of a check of this kind. */
        String describe();
    }

    /**
     * "ping": {@code count} echo requests from one node to another's name, {@code interval} apart; it
     * holds when a reply came, at most {@code maxLossPercent} were lost and the average round trip is at
     * most {@code maxRtt} (each null when the file does not set it).
     */
    public record Ping(String from, String to, int count, Duration interval, Double maxLossPercent, Duration maxRtt) implements Spec {

        /** What format version 1 wrote: a count, nothing else. */
        public static Ping of(String from, String to, int count) {
            return new Ping(from, to, count, null, null, null);
        }

        @Override
        public String kind() {
            return "ping";
        }

        @Override
        public String describe() {
            return "ping " + from + "->" + to;
        }
    }

    /** "ping": "all": every node pings every other node. */
    public record PingAll() implements Spec {

        @Override
        public String kind() {
            return "ping";
        }

        @Override
        public String describe() {
            return "ping all";
        }
    }

    /**
     * "exec": a command on a node; it holds when it exits with {@code exitCode} and (when set) its output
     * contains a match of the regular expression {@code output}.
     */
    public record Exec(String node, String command, int exitCode, String output, Duration timeout) implements Spec {

        @Override
        public String kind() {
            return "exec";
        }

        @Override
        public String describe() {
            return "exec " + node + " `" + command + "`";
        }
    }

    /**
     * "fidelity": measures one direction of a link from its two guests (delay and loss with ping, rate
     * with iperf3) against {@code expect}: the fields it sets, over the impairment the direction has when
     * the check runs.
     *
     * @param expect    delay, loss and rate that override the configured ones ({@link Impairment#NONE}: none)
     * @param samples   pings for delay and loss
     * @param interval  between two pings
     * @param rateTime  how long iperf3 sends, when a rate is expected
     */
    public record Fidelity(String link, String direction, Impairment expect, Tolerance tolerance, int samples,
                           Duration interval, Duration rateTime) implements Spec {

        @Override
        public String kind() {
            return "fidelity";
        }

        @Override
        public String describe() {
            return "fidelity " + link + " " + direction;
        }
    }

    /**
     * How far a measurement may be from the expected value. Delay and rate: the larger of an absolute
     * amount and a percentage of the expected value (either may be null). Loss: percentage points
     * between the expected loss and the measured confidence interval.
     */
    public record Tolerance(Duration delay, Double delayPercent, double lossPoints, Long rateBps, Double ratePercent) {

        /**
         * 10% of the delay but at least 5 ms, 1 point of loss, 10% of the rate. The 5 ms: a ping's round
         * trip includes the guests' own time (1 to 4 ms under emulation on a busy host, more with netem on
         * both ends), which the delay estimate cannot tell from the link's.
         */
        public static final Tolerance DEFAULT = new Tolerance(Duration.ofMillis(5), 10.0, 1.0, null, 10.0);

        /** The delay tolerance around {@code expectedMs}, in ms. */
        public double delayMs(double expectedMs) {
            return Math.max(delay == null ? 0 : delay.toNanos() / 1e6, delayPercent == null ? 0 : expectedMs * delayPercent / 100);
        }

        /** The rate tolerance around {@code expectedBps}, in bit/s. */
        public double rateBps(double expectedBps) {
            return Math.max(rateBps == null ? 0 : rateBps, ratePercent == null ? 0 : expectedBps * ratePercent / 100);
        }

        /** "±3 ms or 10%", as the file would say it. */
        public String describeDelay() {
            return either(delay == null ? null : TcUnits.time(delay), delayPercent);
        }

        public String describeRate() {
            return either(rateBps == null ? null : TcUnits.rate(rateBps), ratePercent);
        }

        private static String either(String absolute, Double percent) {
            String p = percent == null ? null : TcUnits.percent(percent);
            return absolute == null ? p : p == null ? absolute : absolute + " or " + p;
        }
    }

    /** "reachable" / "unreachable": whether a node's pings reach another node. */
    public record Reach(String from, String to, boolean reachable) implements Spec {

        @Override
        public String kind() {
            return reachable ? "reachable" : "unreachable";
        }

        @Override
        public String describe() {
            return kind() + " " + from + "->" + to;
        }
    }
}

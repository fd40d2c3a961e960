package dev.netloom.topology;

import dev.netloom.scenario.Cidr;
import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.NetloomException;
import dev.netloom.scenario.Impairment;
import dev.netloom.scenario.Names;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Renders the shell commands that configure a node over its console (one command per string; each
 * works in busybox ash and bash) and the tc lines of both impairment engines. Every value is
 * re-checked against a strict pattern before it is put in a command, so nothing here can inject
 * shell syntax, whatever the caller passes.
 */
public final class GuestConfig {

    private static final Pattern DEV = Pattern.compile("eth([0-9]|[12][0-9])");
    private static final Pattern TAP = Pattern.compile("t[0-9]{1,6}x[0-9]{1,2}");
    /** Keeps each /etc/hosts command well below the 4095-character line limit of a serial tty. */
    private static final int HOSTS_CHUNK = 1000;

    public static final String FORWARDING = "echo 1 > /proc/sys/net/ipv4/ip_forward";

    private GuestConfig() {
    }

    /**
     * Everything a freshly booted node needs, in order: forwarding on, each interface up with its
     * address, the routes (after every interface is up, so each gateway is on-link), /etc/hosts.
     */
    public static List<String> configure(NodePlan node) {
        List<String> commands = new ArrayList<>();
        commands.add(FORWARDING);
        node.interfaces().forEach(i -> commands.addAll(interfaceCommands(i)));
        node.routes().forEach(r -> commands.add(routeCommand(r)));
        commands.addAll(hostsCommands(node.name(), node.hosts()));
        return commands;
    }

    /** {@code ip link set dev ethN up} and {@code ip addr replace CIDR dev ethN} (replace: safe to run twice). */
    public static List<String> interfaceCommands(InterfacePlan iface) {
        String dev = dev(iface.guestName());
        String address = Cidr.parse(iface.address()).toString();
        return List.of("ip link set dev " + dev + " up", "ip addr replace " + address + " dev " + dev);
    }

    /** {@code ip route replace SUBNET via GATEWAY dev ethN}. */
    public static String routeCommand(Route route) {
        String destination = Cidr.parse(route.destination()).toString();
        String via = Cidr.ip(Cidr.parseAddress(route.via()));
        return "ip route replace " + destination + " via " + via + " dev " + dev(route.dev());
    }

    /**
     * Rewrites /etc/hosts: "127.0.0.1 localhost NAME" (as the image's init writes it), then one line per
     * other node. Split over several commands (the first truncates, the rest append) when long.
     */
    public static List<String> hostsCommands(String self, Map<String, String> hosts) {
        List<String> lines = new ArrayList<>();
        lines.add("127.0.0.1 localhost " + hostname(self));
        hosts.forEach((name, address) -> {
            if (!name.equals(self)) {
                lines.add(Cidr.ip(Cidr.parseAddress(address)) + " " + hostname(name));
            }
        });
        List<String> commands = new ArrayList<>();
        StringBuilder command = new StringBuilder();
        for (String line : lines) {
            if (command.length() > 0 && command.length() + line.length() > HOSTS_CHUNK) {
                commands.add(finishHosts(command, commands.isEmpty()));
                command.setLength(0);
            }
            command.append(command.length() == 0 ? "printf '%s\\n'" : "").append(" '").append(line).append('\'');
        }
        commands.add(finishHosts(command, commands.isEmpty()));
        return commands;
    }

    private static String finishHosts(StringBuilder command, boolean first) {
        return command + (first ? " > /etc/hosts" : " >> /etc/hosts");
    }

    /**
     * The guest engine: {@code tc qdisc replace dev ethN root netem ...} shaping what the node sends
     * on ethN, or, for {@link Impairment#NONE}, removal of any root qdisc (quietly, if there is none).
     */
    public static String impairmentCommand(String dev, Impairment imp) {
        String d = dev(dev);
        if (imp == null || imp.isNone()) {
            return "tc qdisc del dev " + d + " root 2>/dev/null || true";
        }
        return "tc qdisc replace dev " + d + " root netem " + netemArgs(imp);
    }

    /**
     * The host engine, as {@code tc -batch} lines (no leading "tc") for a tap's egress. A tap's egress
     * is what the bridge delivers to that tap's node, so direction A->B of a link is shaped on B's tap
     * ({@link SegmentPlan#hostTap}). With netem every field applies; without it (host kernel lacks
     * sch_netem) only a rate can be done, with TBF. {@link Impairment#NONE} puts back pfifo_fast rather
     * than deleting the root qdisc, because a failed delete would abort the whole batch.
     *
     * @throws NetloomException when the impairment needs netem and the host has none
     */
    public static List<String> hostImpairmentCommands(String tap, Impairment imp, boolean hostNetem) {
        if (!TAP.matcher(tap == null ? "" : tap).matches()) {
            throw new IllegalArgumentException("not a netloom tap name: '" + tap + "'");
        }
        if (imp == null || imp.isNone()) {
            return List.of("qdisc replace dev " + tap + " root pfifo_fast");
        }
        if (hostNetem) {
            return List.of("qdisc replace dev " + tap + " root netem " + netemArgs(imp));
        }
        if (imp.rateOnly()) {
            checkRate(imp.rateBps());
            long burstBytes = Math.max(1600, imp.rateBps() / 8 / 100); // 10 ms worth, at least one full frame
            return List.of("qdisc replace dev " + tap + " root tbf rate " + rate(imp.rateBps()) + " burst " + burstBytes + " latency 50ms");
        }
        throw new NetloomException("impairment on " + tap + " needs netem (delay, jitter, loss, duplicate, corrupt or reorder), but the host"
                + " kernel has no sch_netem: use the guest engine (an image with guest-netem) or limit the impairment to a rate");
    }

    /** netem's arguments: delay D [J] loss P% rate R duplicate P% corrupt P% reorder P%, set fields only. */
    static String netemArgs(Impairment imp) {
        List<String> args = new ArrayList<>();
        if (imp.delay() == null && (imp.jitter() != null || imp.reorderPercent() != null)) {
            throw new BadInputException("impairment " + describe(imp) + ": jitter and reorder need a delay");
        }
        if (imp.delay() != null) {
            args.add("delay " + millis(imp.delay()) + (imp.jitter() != null ? " " + millis(imp.jitter()) : ""));
        }
        if (imp.lossPercent() != null) {
            args.add("loss " + percent("loss", imp.lossPercent()));
        }
        if (imp.rateBps() != null) {
            checkRate(imp.rateBps());
            args.add("rate " + rate(imp.rateBps()));
        }
        if (imp.duplicatePercent() != null) {
            args.add("duplicate " + percent("duplicate", imp.duplicatePercent()));
        }
        if (imp.corruptPercent() != null) {
            args.add("corrupt " + percent("corrupt", imp.corruptPercent()));
        }
        if (imp.reorderPercent() != null) {
            args.add("reorder " + percent("reorder", imp.reorderPercent()));
        }
        return String.join(" ", args);
    }

    /** Milliseconds with up to three decimals (microsecond precision): 10ms, 0.5ms, 1.25ms. */
    static String millis(Duration d) {
        if (d.isNegative()) {
            throw new BadInputException("impairment time " + d + " is negative");
        }
        BigDecimal ms = BigDecimal.valueOf(d.toNanos()).movePointLeft(6).setScale(3, RoundingMode.HALF_UP);
        return ms.stripTrailingZeros().toPlainString() + "ms";
    }

    /** tc's decimal units: kbit is 1000 bit/s. */
    static String rate(long bps) {
        return bps % 1000 == 0 ? bps / 1000 + "kbit" : bps + "bit";
    }

    private static void checkRate(long bps) {
        if (bps <= 0) {
            throw new BadInputException("impairment rate " + bps + " bit/s must be positive");
        }
    }

    private static String percent(String what, double value) {
        if (!(value >= 0 && value <= 100)) {
            throw new BadInputException("impairment " + what + " " + value + "% is not within 0..100");
        }
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString() + "%";
    }

    private static String describe(Impairment imp) {
        return imp.toString().replace("Impairment", "");
    }

    private static String dev(String dev) {
        if (dev == null || !DEV.matcher(dev).matches()) {
            throw new IllegalArgumentException("not a guest interface name (eth0..eth29): '" + dev + "'");
        }
        return dev;
    }

    private static String hostname(String name) {
        if (name == null || !Names.NODE.matcher(name).matches()) {
            throw new IllegalArgumentException("not a valid node name: '" + name + "'");
        }
        return name;
    }
}

package dev.netloom.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The placeholders of node files: planned facts written into a file when the node is configured,
 * so that one template serves every router.
 *
 * <ul>
 *   <li>{@code ${node}}: the node's name;</li>
 *   <li>{@code ${ethN.ipv4}}: the address of ethN ({@code 10.0.0.1}); {@code ${ethN.cidr4}} with its
 *       prefix ({@code 10.0.0.1/30}); {@code ${ethN.subnet4}} its subnet ({@code 10.0.0.0/30});
 *       {@code ${ethN.ipv6}}, {@code ${ethN.cidr6}}, {@code ${ethN.subnet6}} the same for IPv6;</li>
 *   <li>{@code ${ethN.peer}}: the node at the other end of ethN's link, {@code ${ethN.peer.ipv4}} and
 *       {@code ${ethN.peer.ipv6}} its addresses there (links only: a LAN has no single peer);</li>
 *   <li>{@code ${lo.ipv4}}, {@code ${lo.ipv6}}: the node's loopback address (addressing.loopback,
 *       loopback6), without prefix: a router id.</li>
 * </ul>
 *
 * <p>{@code $${} writes a literal {@code ${}. Anything else in {@code ${...}} that does not start
 * with {@code node}, {@code lo.} or {@code eth} and a digit (a shell variable such as {@code ${HOME}})
 * is left as it is; a {@code ${node...}}, {@code ${lo....}} or {@code ${ethN...}} that is none of the
 * above is an error, so a typo never reaches a node. Whether the lab has the fact a placeholder
 * names (the family, the loopback) is checked when the scenario is loaded ({@code CrossChecks.checkFiles}).
 */
public final class Placeholders {

    /** What a placeholder asks for. {@code iface} is N of ethN, or -1 for {@code ${node}} and {@code ${lo.*}}. */
    public record Placeholder(String text, int iface, Fact fact) {
    }

    /** The facts a placeholder can name, with the family they need (null: none). */
    public enum Fact {
        NODE("node", null), IPV4("ipv4", Cidr.Family.IPV4), CIDR4("cidr4", Cidr.Family.IPV4), SUBNET4("subnet4", Cidr.Family.IPV4),
        IPV6("ipv6", Cidr.Family.IPV6), CIDR6("cidr6", Cidr.Family.IPV6), SUBNET6("subnet6", Cidr.Family.IPV6),
        PEER("peer", null), PEER_IPV4("peer.ipv4", Cidr.Family.IPV4), PEER_IPV6("peer.ipv6", Cidr.Family.IPV6),
        LO_IPV4("ipv4", Cidr.Family.IPV4), LO_IPV6("ipv6", Cidr.Family.IPV6);

        private final String key;
        private final Cidr.Family family;

        Fact(String key, Cidr.Family family) {
            this.key = key;
            this.family = family;
        }

        public String key() {
            return key;
        }

        /** The address family it names, or null for a name. */
        public Cidr.Family family() {
            return family;
        }

        /** Whether only a link interface has it. */
        public boolean linkOnly() {
            return this == PEER || this == PEER_IPV4 || this == PEER_IPV6;
        }

        /** Whether it names the node's loopback rather than an interface. */
        public boolean loopback() {
            return this == LO_IPV4 || this == LO_IPV6;
        }
    }

    /** The placeholders netloom fills, for messages. */
    public static final String GRAMMAR = "${node}, ${ethN.ipv4}, ${ethN.cidr4}, ${ethN.subnet4}, ${ethN.ipv6}, ${ethN.cidr6},"
            + " ${ethN.subnet6}, ${ethN.peer}, ${ethN.peer.ipv4}, ${ethN.peer.ipv6}, ${lo.ipv4}, ${lo.ipv6} ($${ for a literal ${)";

    private static final Pattern TOKEN = Pattern.compile("\\$\\$\\{|\\$\\{([^}\\n]*)}");
    private static final Pattern OURS = Pattern.compile("node\\b.*|lo\\..*|eth[0-9].*", Pattern.DOTALL);
    private static final Pattern IFACE = Pattern.compile("eth([0-9]{1,2})\\.(.+)");

    private Placeholders() {
    }

    /**
     * The placeholders of {@code text}, in order.
     *
     * @throws IllegalArgumentException for a {@code ${node...}} or {@code ${ethN...}} that is not one of ours ("problem; fix")
     */
    public static List<Placeholder> find(String text) {
        List<Placeholder> out = new ArrayList<>();
        Matcher m = TOKEN.matcher(text);
        while (m.find()) {
            if (m.group(1) != null) {
                Placeholder p = parse(m.group(1));
                if (p != null) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    /** {@code text} with every placeholder replaced by {@code value}'s answer and {@code $${} by {@code ${}. */
    public static String expand(String text, Function<Placeholder, String> value) {
        Matcher m = TOKEN.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        while (m.find()) {
            String replacement;
            if (m.group(1) == null) {
                replacement = "${";
            } else {
                Placeholder p = parse(m.group(1));
                replacement = p == null ? m.group() : value.apply(p);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The placeholder {@code ${inner}}, or null when it is not one of ours (left as written). */
    private static Placeholder parse(String inner) {
        if (!OURS.matcher(inner).matches()) {
            return null;
        }
        String text = "${" + inner + "}";
        if (inner.equals("node")) {
            return new Placeholder(text, -1, Fact.NODE);
        }
        if (inner.equals("lo.ipv4")) {
            return new Placeholder(text, -1, Fact.LO_IPV4);
        }
        if (inner.equals("lo.ipv6")) {
            return new Placeholder(text, -1, Fact.LO_IPV6);
        }
        Matcher m = IFACE.matcher(inner);
        if (m.matches()) {
            for (Fact f : Fact.values()) {
                if (f != Fact.NODE && !f.loopback() && f.key().equals(m.group(2))) {
                    return new Placeholder(text, Integer.parseInt(m.group(1)), f);
                }
            }
        }
        throw new IllegalArgumentException("unknown placeholder " + text + "; placeholders are " + GRAMMAR);
    }
}

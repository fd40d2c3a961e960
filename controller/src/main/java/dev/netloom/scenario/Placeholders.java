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
 *       prefix ({@code 10.0.0.1/30}); {@code ${ethN.subnet4}} its subnet ({@code 10.0.0.0/30});</li>
 *   <li>{@code ${ethN.peer}}: the node at the other end of ethN's link, {@code ${ethN.peer.ipv4}} its
 *       address there (links only: a LAN has no single peer).</li>
 * </ul>
 *
 * <p>{@code $${} writes a literal {@code ${}. Anything else in {@code ${...}} that does not start
 * with {@code node} or {@code eth} and a digit (a shell variable such as {@code ${HOME}}) is left as
 * it is; a {@code ${node...}} or {@code ${ethN...}} that is none of the above is an error, so a typo
 * never reaches a node.
 */
public final class Placeholders {

    /** What a placeholder asks for. {@code iface} is N of ethN, or -1 for {@code ${node}}. */
    public record Placeholder(String text, int iface, Fact fact) {
    }

    /** The facts a placeholder can name. */
    public enum Fact {
        NODE("node"), IPV4("ipv4"), CIDR4("cidr4"), SUBNET4("subnet4"), PEER("peer"), PEER_IPV4("peer.ipv4");

        private final String key;

        Fact(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }

        /** Whether only a link interface has it. */
        public boolean linkOnly() {
            return this == PEER || this == PEER_IPV4;
        }
    }

    /** The placeholders netloom fills, for messages. */
    public static final String GRAMMAR = "${node}, ${ethN.ipv4}, ${ethN.cidr4}, ${ethN.subnet4}, ${ethN.peer}, ${ethN.peer.ipv4}"
            + " ($${ for a literal ${)";

    private static final Pattern TOKEN = Pattern.compile("\\$\\$\\{|\\$\\{([^}\\n]*)}");
    private static final Pattern OURS = Pattern.compile("node\\b.*|eth[0-9].*", Pattern.DOTALL);
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
        Matcher m = IFACE.matcher(inner);
        if (m.matches()) {
            for (Fact f : Fact.values()) {
                if (f != Fact.NODE && f.key().equals(m.group(2))) {
                    return new Placeholder(text, Integer.parseInt(m.group(1)), f);
                }
            }
        }
        throw new IllegalArgumentException("unknown placeholder " + text + "; placeholders are " + GRAMMAR);
    }
}

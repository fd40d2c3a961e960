package dev.netloom.guest;

import dev.netloom.nodes.console.ExecFraming;
import dev.netloom.scenario.Cidr;
import dev.netloom.scenario.Placeholders;
import dev.netloom.scenario.Scenario;
import dev.netloom.topology.InterfacePlan;
import dev.netloom.topology.NodePlan;
import dev.netloom.topology.Plan;
import dev.netloom.topology.SegmentPlan;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A node's files: their placeholders filled from the plan ({@link #render}), then written through
 * the node's shell ({@link #commands}) with {@code printf} and octal escapes, so any text (newlines,
 * quotes, {@code %}, non-ASCII) goes through a serial console's one-line, printable commands, in
 * BusyBox ash, dash and bash alike.
 */
public final class NodeFiles {

    /** A file with its placeholders filled. */
    public record Rendered(String path, byte[] bytes, String mode) {
    }

    /** Typed bytes per exec for the escaped text, with room under {@link ExecFraming#MAX_COMMAND_BYTES} for the rest. */
    static final int CHUNK = 2400;

    private NodeFiles() {
    }

    /** The node's files with every placeholder filled from {@code plan}. */
    public static List<Rendered> render(NodePlan node, Plan plan) {
        List<Rendered> out = new ArrayList<>();
        for (Scenario.NodeFile f : node.files()) {
            String text = Placeholders.expand(f.text(), p -> fact(node, plan, p));
            out.add(new Rendered(f.path(), text.getBytes(StandardCharsets.UTF_8), f.mode()));
        }
        return out;
    }

    private static String fact(NodePlan node, Plan plan, Placeholders.Placeholder p) {
        if (p.fact() == Placeholders.Fact.NODE) {
            return node.name();
        }
        if (p.fact().loopback()) {
            return present(p, node, node.loopback(p.fact().family()), ip -> Cidr.parse(ip).ip());
        }
        if (p.iface() >= node.interfaces().size()) {
            throw new IllegalStateException(p.text() + ": node " + node.name() + " has " + node.interfaces().size()
                    + " interfaces (the loader checks this)");
        }
        InterfacePlan iface = node.interfaces().get(p.iface());
        String own = p.fact().family() == null ? null : iface.address(p.fact().family());
        return switch (p.fact()) {
            case IPV4, IPV6 -> present(p, node, own, a -> Cidr.parse(a).ip());
            case CIDR4, CIDR6 -> present(p, node, own, a -> Cidr.parse(a).toString());
            case SUBNET4, SUBNET6 -> present(p, node, own, a -> Cidr.parse(a).subnet().toString());
            case PEER -> peer(node, plan, iface, p).node();
            case PEER_IPV4 -> present(p, node, peer(node, plan, iface, p).ip(), a -> a);
            case PEER_IPV6 -> present(p, node, peer(node, plan, iface, p).ip6(), a -> a);
            case NODE, LO_IPV4, LO_IPV6 -> throw new IllegalStateException("handled above: " + p.text());
        };
    }

    /** {@code value} formatted, or a failure when the plan lacks it (the loader refuses such a placeholder). */
    private static String present(Placeholders.Placeholder p, NodePlan node, String value, java.util.function.UnaryOperator<String> format) {
        if (value == null) {
            throw new IllegalStateException(p.text() + ": node " + node.name() + " has no such address in the plan (the loader checks this)");
        }
        return format.apply(value);
    }

    private static SegmentPlan.Member peer(NodePlan node, Plan plan, InterfacePlan iface, Placeholders.Placeholder p) {
        SegmentPlan segment = plan.segment(iface.segment());
        if (segment.kind() != SegmentPlan.Kind.LINK) {
            throw new IllegalStateException(p.text() + ": " + iface.guestName() + " of " + node.name() + " is on a LAN (the loader checks this)");
        }
        return segment.members().stream().filter(m -> !m.node().equals(node.name())).findFirst().orElseThrow();
    }

    /**
     * The shell commands that write {@code files}: the directory made, the text written in chunks
     * (the first truncates, the rest append), the mode set. Each command stays within what one
     * console line takes.
     */
    public static List<String> commands(List<Rendered> files) {
        List<String> out = new ArrayList<>();
        for (Rendered f : files) {
            String path = quote(f.path());
            int slash = f.path().lastIndexOf('/');
            if (slash > 0) {
                out.add("mkdir -p " + quote(f.path().substring(0, slash)));
            }
            List<String> chunks = escaped(f.bytes());
            if (chunks.isEmpty()) {
                out.add(": > " + path);
            }
            for (int i = 0; i < chunks.size(); i++) {
                out.add("printf '" + chunks.get(i) + "' " + (i == 0 ? ">" : ">>") + " " + path);
            }
            if (f.mode() != null) {
                out.add("chmod " + f.mode() + " " + path);
            }
        }
        return out;
    }

    /**
     * {@code bytes} as printf format text in single quotes: printable ASCII as it is except {@code '},
     * {@code \} and {@code %}; everything else as a three-digit octal escape (newline as {@code \n});
     * cut into chunks of at most {@link #CHUNK} typed bytes, never inside an escape.
     */
    static List<String> escaped(byte[] bytes) {
        List<String> chunks = new ArrayList<>();
        StringBuilder chunk = new StringBuilder();
        for (byte b : bytes) {
            String e = escape(b & 0xff);
            if (chunk.length() + e.length() > CHUNK) {
                chunks.add(chunk.toString());
                chunk.setLength(0);
            }
            chunk.append(e);
        }
        if (chunk.length() > 0) {
            chunks.add(chunk.toString());
        }
        return chunks;
    }

    private static String escape(int b) {
        if (b == '\n') {
            return "\\n";
        }
        if (b == '%') {
            return "%%";
        }
        if (b >= 0x20 && b < 0x7f && b != '\'' && b != '\\') {
            return String.valueOf((char) b);
        }
        return String.format("\\%03o", b);
    }

    /** A path the loader checked (letters, digits, . _ + @ = , : ~ - and slashes) needs no quoting; quoted anyway. */
    private static String quote(String path) {
        return "'" + path + "'";
    }
}

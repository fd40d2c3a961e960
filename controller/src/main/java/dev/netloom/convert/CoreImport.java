package dev.netloom.convert;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.Json;
import dev.netloom.scenario.Names;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * CORE XML topologies to a netloom scenario. One file: its hosts, links (two-member networks) and
 * LANs (larger ones) with CORE's addresses. Several files: MiniWorld's topology steps, a "topology"
 * link model whose steps are the files in order; links are planned for every pair, and the pairs of
 * the first file keep its addresses. What cannot be converted is listed in {@link Result#notConverted}.
 */
public final class CoreImport {

    /** The scenario and what was left out. */
    public record Result(ObjectNode scenario, List<String> notConverted) {
    }

    private CoreImport() {
    }

    public static Result convert(String labName, String image, List<CoreXml.Topology> files) {
        if (files.isEmpty()) {
            throw new BadInputException("no CORE file given");
        }
        if (!Names.LAB.matcher(labName).matches()) {
            throw new BadInputException("lab name '" + labName + "' is not valid (1-12 characters: lowercase letters, digits and '-', starting with a letter); give --lab-name");
        }
        CoreXml.Topology first = files.get(0);
        List<String> notes = new ArrayList<>(first.notes());
        ObjectNode s = Json.MAPPER.createObjectNode();
        s.put("name", labName);
        s.put("description", "Imported from CORE XML " + first.name() + (files.size() > 1 ? " and " + (files.size() - 1) + " more step(s)" : ""));
        s.putObject("defaults").put("image", image);
        ArrayNode nodes = s.putArray("nodes");
        for (CoreXml.Host h : first.hosts()) {
            String name = nodeName(h.name());
            ObjectNode n = nodes.addObject().put("name", name);
            if (h.xy() != null) {
                n.putObject("position").put("x", round(h.xy()[0])).put("y", round(h.xy()[1]));
            }
        }
        boolean v6 = false;
        boolean macs = false;
        ArrayNode links = Json.MAPPER.createArrayNode();
        ArrayNode lans = Json.MAPPER.createArrayNode();
        for (CoreXml.Network net : first.networks()) {
            if (net.members().size() < 2) {
                notes.add("network " + net.id() + " has fewer than two host interfaces: left out");
                continue;
            }
            ArrayNode ends = Json.MAPPER.createArrayNode();
            for (String m : net.members()) {
                CoreXml.Iface iface = iface(first, m);
                ObjectNode e = ends.addObject().put("node", nodeName(m.substring(0, m.indexOf('/'))));
                if (iface.ipv4() != null) {
                    e.put("address", iface.ipv4());
                }
                if (iface.ipv6() != null) {
                    e.put("address6", iface.ipv6());
                    v6 = true;
                }
                macs |= iface.mac() != null;
            }
            if (net.members().size() == 2) {
                links.addObject().set("endpoints", ends);
            } else {
                ObjectNode lan = lans.addObject().put("name", linkName(net.id()));
                lan.set("members", ends);
            }
        }
        if (macs) {
            notes.add("MAC addresses: netloom gives each interface its own MAC");
        }
        notes.add("interface names: netloom numbers a node's interfaces eth0, eth1... in scenario order, not as CORE named them");
        s.set("links", links);
        if (!lans.isEmpty()) {
            if (files.size() > 1) {
                throw new BadInputException("CORE topology " + first.name() + " has networks of more than two hosts; netloom's topology steps connect nodes in pairs");
            }
            s.set("lans", lans);
        }
        if (files.size() > 1) {
            s.putObject("linkModel").put("kind", "topology").put("mode", "links");
            ArrayNode steps = s.putArray("steps");
            Set<String> hosts = new HashSet<>();
            first.hosts().forEach(h -> hosts.add(h.name()));
            for (CoreXml.Topology t : files) {
                ObjectNode step = steps.addObject().put("name", t.name().replaceFirst("\\.xml$", ""));
                ArrayNode pairs = step.putArray("links");
                for (CoreXml.Network net : t.networks()) {
                    if (net.members().size() != 2) {
                        throw new BadInputException("CORE topology " + t.name() + " network " + net.id() + " has " + net.members().size()
                                + " host interfaces; topology steps connect pairs");
                    }
                    ArrayNode pair = pairs.addArray();
                    for (String m : net.members()) {
                        String host = m.substring(0, m.indexOf('/'));
                        if (!hosts.contains(host)) {
                            throw new BadInputException("CORE topology " + t.name() + " has host " + host + ", which " + first.name()
                                    + " has not; every step has the same hosts");
                        }
                        pair.add(nodeName(host));
                    }
                }
            }
            notes.add("the addresses of later steps: pairs that the first file does not link get automatic addresses");
        }
        ObjectNode addressing = s.putObject("addressing").put("pool", "10.200.0.0/16");
        if (v6) {
            addressing.put("pool6", "fd00:c0de::/48");
        }
        s.put("routing", "static");
        s.putArray("checks").addObject().put("ping", "all");
        return new Result(s, notes);
    }

    private static CoreXml.Iface iface(CoreXml.Topology t, String member) {
        int slash = member.indexOf('/');
        CoreXml.Host h = slash < 0 ? null : t.host(member.substring(0, slash));
        if (h == null) {
            throw new BadInputException("CORE topology " + t.name() + ": network member " + member + " names no host");
        }
        return h.interfaces().stream().filter(i -> i.name().equals(member.substring(slash + 1))).findFirst()
                .orElseThrow(() -> new BadInputException("CORE topology " + t.name() + ": host " + h.name() + " has no interface " + member));
    }

    /** CORE's host name as a netloom node name (lowercase; other characters become '-'). */
    static String nodeName(String core) {
        String n = core.toLowerCase().replaceAll("[^a-z0-9-]", "-");
        if (n.isEmpty() || !Character.isLetter(n.charAt(0))) {
            n = "n" + n;
        }
        if (!Names.NODE.matcher(n).matches()) {
            throw new BadInputException("CORE host '" + core + "' makes no valid node name (1-15 characters: lowercase letters, digits and '-'); rename it");
        }
        return n;
    }

    private static String linkName(String id) {
        return nodeName(id);
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}

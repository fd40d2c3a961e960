package dev.netloom.convert;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netloom.nodes.BadInputException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One of a MiniWorld scenario's CORE topologies as a netloom step, read the way MiniWorld read it:
 * in "lan" core mode the networks' members (host "nK" is node K) are connected, in "wifi" core mode
 * the K-th host of the file stands at its GPS point. Hosts beyond the scenario's node count are left
 * out, as MiniWorld left them out, and noted.
 */
final class MiniWorldTopology {

    private MiniWorldTopology() {
    }

    /** The step's "links": the pairs of the topology's networks among nodes 1..count. */
    static void links(ArrayNode out, CoreXml.Topology t, int count, List<String> notes) {
        Set<String> pairs = new LinkedHashSet<>();
        int beyond = 0;
        for (CoreXml.Network net : t.networks()) {
            List<Integer> ids = new ArrayList<>();
            for (String m : net.members()) {
                ids.add(nodeId(t, m.contains("/") ? m.substring(0, m.indexOf('/')) : m));
            }
            if (ids.size() > 2) {
                notes.add("CORE topology " + t.name() + " network " + net.id() + " joins " + ids.size() + " hosts: every pair of them is connected");
            }
            for (int i = 0; i < ids.size(); i++) {
                for (int j = i + 1; j < ids.size(); j++) {
                    int a = Math.min(ids.get(i), ids.get(j));
                    int b = Math.max(ids.get(i), ids.get(j));
                    if (a == b) {
                        continue;
                    }
                    if (b > count) {
                        beyond++;
                    } else if (pairs.add("n" + a + "|n" + b)) {
                        out.addArray().add("n" + a).add("n" + b);
                    }
                }
            }
        }
        if (beyond > 0) {
            notes.add("CORE topology " + t.name() + ": " + beyond + " link(s) to hosts beyond cnt_nodes " + count + " left out (as MiniWorld did)");
        }
    }

    /** The step's "positions": the K-th host's GPS point for node K, as {"lat", "lon"}. */
    static void positions(ObjectNode out, CoreXml.Topology t, int count, List<String> notes) {
        List<CoreXml.Host> hosts = t.hosts();
        for (int k = 1; k <= Math.min(count, hosts.size()); k++) {
            double[] ll = hosts.get(k - 1).latLon();
            if (ll == null) {
                throw new BadInputException("CORE topology " + t.name() + ": host " + hosts.get(k - 1).name() + " has no GPS <point lat lon>;"
                        + " MiniWorld's \"wifi\" core mode places nodes by them (or use \"mode\": \"lan\" for CORE's links)");
            }
            out.putObject("n" + k).put("lat", ll[0]).put("lon", ll[1]);
        }
        if (hosts.size() > count) {
            notes.add("CORE topology " + t.name() + ": " + (hosts.size() - count) + " host(s) beyond cnt_nodes " + count + " left out (as MiniWorld did)");
        } else if (hosts.size() < count) {
            notes.add("CORE topology " + t.name() + " places " + hosts.size() + " of " + count + " nodes; the others stay where they were");
        }
    }

    /** MiniWorld's node id of CORE host "nK": K. */
    private static int nodeId(CoreXml.Topology t, String host) {
        if (!host.matches("n[1-9]\\d{0,3}")) {
            throw new BadInputException("CORE topology " + t.name() + ": host \"" + host + "\" is not named n<number>, as MiniWorld numbers its nodes;"
                    + " rename it in the CORE file");
        }
        return Integer.parseInt(host.substring(1));
    }
}

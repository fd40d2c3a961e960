package dev.netloom.topology;

import dev.netloom.impairment.Impairment;
import dev.netloom.scenario.Scenario;
import dev.netloom.scenario.Scenario.Endpoint;
import dev.netloom.scenario.Scenario.LanDef;
import dev.netloom.scenario.Scenario.LinkDef;
import dev.netloom.scenario.Scenario.NodeDef;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Small scenarios built straight from the records, and stand-in address allocators: an IPv4 /24 per
 * segment, an IPv6 /64 per segment.
 */
public final class TestScenarios {

    private TestScenarios() {
    }

    public static Scenario scenario(List<String> nodes, List<LinkDef> links, List<LanDef> lans, Scenario.Routing routing) {
        return new Scenario("lab", Scenario.Defaults.BUILT_IN,
                nodes.stream().map(n -> new NodeDef(n, "tiny", 96, 1, List.of())).toList(),
                links, lans, Scenario.Addressing.DEFAULT, routing, List.of(), List.of(), List.of(), null);
    }

    public static Scenario scenario(List<String> nodes, List<LinkDef> links, List<LanDef> lans) {
        return scenario(nodes, links, lans, Scenario.Routing.STATIC);
    }

    public static LinkDef link(String a, String b) {
        return link(a + "-" + b, a, b);
    }

    public static LinkDef link(String name, String a, String b) {
        return new LinkDef(name, new Endpoint(a, null), new Endpoint(b, null), Impairment.NONE, Impairment.NONE);
    }

    public static LanDef lan(String name, String... members) {
        return new LanDef(name, Arrays.stream(members).map(m -> new Endpoint(m, null)).toList(), Impairment.NONE);
    }

    public static List<String> nodes(String prefix, int count) {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            names.add(prefix + i);
        }
        return names;
    }

    public static List<LinkDef> ring(List<String> nodes) {
        List<LinkDef> links = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            links.add(link(nodes.get(i), nodes.get((i + 1) % nodes.size())));
        }
        return links;
    }

    public static List<LinkDef> line(List<String> nodes) {
        List<LinkDef> links = new ArrayList<>();
        for (int i = 0; i + 1 < nodes.size(); i++) {
            links.add(link(nodes.get(i), nodes.get(i + 1)));
        }
        return links;
    }

    /** Segment k gets 10.(k/256).(k%256).0/24, members .1, .2, ... in order. */
    public static Map<String, List<String>> addresses(Scenario s) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        int k = 0;
        for (LinkDef l : s.links()) {
            map.put(l.name(), List.of(net(k) + ".1/24", net(k) + ".2/24"));
            k++;
        }
        for (LanDef l : s.lans()) {
            List<String> list = new ArrayList<>();
            for (int i = 0; i < l.members().size(); i++) {
                list.add(net(k) + "." + (i + 1) + "/24");
            }
            map.put(l.name(), list);
            k++;
        }
        return map;
    }

    public static String net(int k) {
        return "10." + (k / 256) + "." + (k % 256);
    }

    /** Segment k gets fd00:0:0:(k+1)::/64 (k+1 in hex), members ::1, ::2, ... in order. */
    public static Map<String, List<String>> addresses6(Scenario s) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        int k = 0;
        for (LinkDef l : s.links()) {
            map.put(l.name(), List.of(net6(k) + "1/64", net6(k) + "2/64"));
            k++;
        }
        for (LanDef l : s.lans()) {
            List<String> list = new ArrayList<>();
            for (int i = 0; i < l.members().size(); i++) {
                list.add(net6(k) + Integer.toHexString(i + 1) + "/64");
            }
            map.put(l.name(), list);
            k++;
        }
        return map;
    }

    /** "fd00:0:0:K::" for segment k - 1. */
    public static String net6(int k) {
        return "fd00:0:0:" + Integer.toHexString(k + 1) + "::";
    }

    public static Plan plan(Scenario s) {
        return Planner.plan(s, addresses(s));
    }

    /** Both families: {@link #addresses} and {@link #addresses6}. */
    public static Plan dualStack(Scenario s) {
        return Planner.plan(s, addresses(s), addresses6(s));
    }

    /** IPv6 only: {@link #addresses6}. */
    public static Plan ipv6Only(Scenario s) {
        return Planner.plan(s, Map.of(), addresses6(s));
    }
}

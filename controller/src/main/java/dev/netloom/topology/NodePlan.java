package dev.netloom.topology;

import dev.netloom.scenario.Cidr;
import dev.netloom.scenario.Scenario;
import dev.netloom.nodes.NodeSpec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One node of a plan.
 *
 * @param name       node name
 * @param index      position in the scenario's node list; used in tap names
 * @param image      image name
 * @param memoryMiB  guest memory
 * @param cpus       virtual CPUs
 * @param interfaces eth0, eth1, ... in guest order (links in scenario order, then LANs in scenario order)
 * @param routes     static routes to every subnet the node is not attached to (empty with routing NONE),
 *                   IPv4 routes first, then IPv6 routes, each in segment order
 * @param hosts      every node's name to the addresses of its eth0 (IPv4, then IPv6), in node order;
 *                   nodes without interfaces are left out
 * @param commands   the scenario's commands, then this node's own
 * @param files      files written into the node before its commands, placeholders not yet filled
 * @param loopback   the IPv4 address of its lo, "10.255.0.1/32" (addressing.loopback); null without one
 * @param loopback6  the IPv6 address of its lo, "fd00:ff::1/128" (addressing.loopback6); null without one
 * @param fork       whether the node starts as a fork of a template: true, false, or null for netloom to decide
 */
public record NodePlan(String name, int index, String image, int memoryMiB, int cpus,
                       List<InterfacePlan> interfaces, List<Route> routes, Map<String, List<String>> hosts,
                       List<String> commands, List<Scenario.NodeFile> files, String loopback, String loopback6, Boolean fork) {

    public NodePlan {
        interfaces = List.copyOf(interfaces);
        routes = List.copyOf(routes);
        Map<String, List<String>> copy = new LinkedHashMap<>();
        hosts.forEach((node, ips) -> copy.put(node, List.copyOf(ips)));
        hosts = Collections.unmodifiableMap(copy);
        commands = List.copyOf(commands);
        files = List.copyOf(files);
    }

    /** A node without loopback addresses, whose fork setting is left to netloom. */
    public NodePlan(String name, int index, String image, int memoryMiB, int cpus, List<InterfacePlan> interfaces,
                    List<Route> routes, Map<String, List<String>> hosts, List<String> commands, List<Scenario.NodeFile> files) {
        this(name, index, image, memoryMiB, cpus, interfaces, routes, hosts, commands, files, null, null, null);
    }

    /** A node without files. */
    public NodePlan(String name, int index, String image, int memoryMiB, int cpus, List<InterfacePlan> interfaces,
                    List<Route> routes, Map<String, List<String>> hosts, List<String> commands) {
        this(name, index, image, memoryMiB, cpus, interfaces, routes, hosts, commands, List.of());
    }

    /** Its lo address of that family, or null. */
    public String loopback(Cidr.Family family) {
        return family == Cidr.Family.IPV4 ? loopback : loopback6;
    }

    /** The interface on that link or LAN, if the node is attached to it. */
    public Optional<InterfacePlan> interfaceOn(String segment) {
        return interfaces.stream().filter(i -> i.segment().equals(segment)).findFirst();
    }

    /** The QEMU NICs, in guest order. */
    public List<NodeSpec.Nic> nics() {
        return interfaces.stream().map(InterfacePlan::nic).toList();
    }
}

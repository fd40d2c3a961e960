package dev.netloom.guest;

import dev.netloom.nodes.NetloomException;
import dev.netloom.scenario.Cidr;
import dev.netloom.scenario.Names;
import dev.netloom.topology.InterfacePlan;
import dev.netloom.topology.NodePlan;
import dev.netloom.topology.Outages;
import dev.netloom.topology.Route;
import dev.netloom.topology.RouteAggregation;
import inet.ipaddr.IPAddress;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Renders the shell commands that configure a node over its console (one command per string; each
 * works in busybox ash and bash); the impairment engines render their own tc commands. Every value
 * is re-checked against a strict pattern before it is put in a command, so nothing here can inject
 * shell syntax, whatever the caller passes.
 */
public final class GuestConfig {

    private static final Pattern DEV = Pattern.compile("eth([0-9]|[12][0-9])");

    public static final String FORWARDING = "echo 1 > /proc/sys/net/ipv4/ip_forward";
    /** IPv6 forwarding on every interface (which also stops the node from taking router advertisements). */
    public static final String FORWARDING6 = "echo 1 > /proc/sys/net/ipv6/conf/all/forwarding";

    private GuestConfig() {
    }

    /**
     * Everything a freshly booted node needs, in order: forwarding on (IPv6 too when it has IPv6
     * addresses), its hostname, the IPv6 settings of each interface, each interface up with its
     * addresses, the routes (merged by {@link RouteAggregation}; after every interface is up, so each
     * gateway is on-link), /etc/hosts ({@link HostsFile}: copied from the lab's file where the guest
     * reads QEMU's firmware configuration, typed otherwise); written for the guest's {@code ip}.
     *
     * @throws NetloomException when the guest has no {@code ip}, or has IPv6 addresses to take but no IPv6
     */
    public static List<String> configure(NodePlan node, GuestTools tools) {
        if (tools.ip() == GuestTools.Ip.NONE && !node.interfaces().isEmpty()) {
            throw new NetloomException("node " + node.name() + " has no ip command (" + tools.describe() + "): netloom configures"
                    + " interfaces with iproute2's ip or BusyBox's ip applet; add one to the image");
        }
        boolean ipv6 = node.loopback6() != null || node.interfaces().stream().anyMatch(i -> i.address6() != null);
        if (ipv6 && !tools.ipv6()) {
            throw new NetloomException("node " + node.name() + " has IPv6 addresses in the plan, but its kernel has no IPv6"
                    + " (no /proc/sys/net/ipv6): use an image whose kernel has IPv6 (the tiny image's has), or leave \"pool6\" out");
        }
        List<String> commands = new ArrayList<>();
        commands.add(FORWARDING);
        if (ipv6) {
            commands.add(FORWARDING6);
        }
        commands.add("echo " + hostname(node.name()) + " > /proc/sys/kernel/hostname");
        node.interfaces().forEach(i -> commands.addAll(ipv6Settings(i)));
        commands.addAll(loopbackCommands(node));
        node.interfaces().forEach(i -> commands.addAll(interfaceCommands(i)));
        RouteAggregation.of(node, node.routes(), Outages.NONE).forEach(r -> commands.add(routeCommand(r)));
        commands.addAll(HostsFile.commands(node.name(), node.hosts(), tools.fwCfg()));
        return commands;
    }

    /**
     * For an interface with an IPv6 address, before the address goes on: no duplicate address
     * detection (accept_dad=0), so the address is usable at once instead of "tentative" for a second
     * or more, and the address kept while the link is down (keep_addr_on_down=1), as IPv4 addresses
     * are: Linux otherwise removes IPv6 addresses from an interface set down, and a link that comes back
     * would come back without them. Nothing for an interface without IPv6.
     */
    public static List<String> ipv6Settings(InterfacePlan iface) {
        if (iface.address6() == null) {
            return List.of();
        }
        String conf = "/proc/sys/net/ipv6/conf/" + dev(iface.guestName());
        return List.of("echo 0 > " + conf + "/accept_dad", "echo 1 > " + conf + "/keep_addr_on_down");
    }

    /**
     * For an interface on a shared medium (lan mode): no ICMP redirects, sent or taken. A node relays
     * a non-neighbour's traffic out of the interface it came in on, where Linux would tell the sender
     * to go direct, to a node it cannot hear. (IPv6 ignores redirects on a forwarding node.)
     */
    public static List<String> mediumSettings(InterfacePlan iface) {
        List<String> out = new ArrayList<>();
        for (String conf : List.of("all", dev(iface.guestName()))) {
            out.add("echo 0 > /proc/sys/net/ipv4/conf/" + conf + "/send_redirects");
            out.add("echo 0 > /proc/sys/net/ipv4/conf/" + conf + "/accept_redirects");
        }
        return out;
    }

    /**
     * {@code ip link set dev ethN up} and {@code ip addr replace CIDR dev ethN} for each of its
     * addresses, IPv4 then IPv6 (replace: safe to run twice). BusyBox's ip applet takes these too, for
     * both families (its usage does not list {@code addr replace}, but it does it); what it lacks is
     * {@code -batch}, which {@link GuestBatch} knows.
     */
    public static List<String> interfaceCommands(InterfacePlan iface) {
        String dev = dev(iface.guestName());
        List<String> commands = new ArrayList<>();
        commands.add("ip link set dev " + dev + " up");
        for (String address : iface.addresses()) {
            commands.add("ip addr replace " + Cidr.parse(address) + " dev " + dev);
        }
        return commands;
    }

    /**
     * lo up with the node's loopback addresses (addressing.loopback and loopback6), for routing
     * daemons' router ids and loopback routes; nothing for a node without them.
     */
    public static List<String> loopbackCommands(NodePlan node) {
        List<String> commands = new ArrayList<>();
        for (Cidr.Family family : Cidr.Family.values()) {
            String address = node.loopback(family);
            if (address != null) {
                if (commands.isEmpty()) {
                    commands.add("ip link set dev lo up");
                }
                commands.add("ip addr replace " + Cidr.parse(address) + " dev lo");
            }
        }
        return commands;
    }

    /** {@code ip route replace SUBNET via GATEWAY dev ethN}, of either family (ip tells them apart by the addresses). */
    public static String routeCommand(Route route) {
        Cidr destination = Cidr.parse(route.destination());
        IPAddress via = Cidr.parseAddress(route.via());
        if (via.isIPv6() != destination.ipv6()) {
            throw new IllegalArgumentException("gateway " + route.via() + " and destination " + route.destination() + " differ in family");
        }
        return "ip route replace " + destination + " via " + Cidr.ip(via) + " dev " + dev(route.dev());
    }

    /** {@code ip route del DESTINATION}, tolerating a route that is already gone. */
    public static String routeDeleteCommand(String destination) {
        return "ip route del " + Cidr.parse(destination) + " 2>/dev/null || true";
    }

    private static String dev(String dev) {
        if (dev == null || !DEV.matcher(dev).matches()) {
            throw new IllegalArgumentException("not a guest interface name (eth0..eth29): '" + dev + "'");
        }
        return dev;
    }

    /** {@code name} when it is a valid node name (so, a hostname that needs no quoting). */
    static String hostname(String name) {
        if (name == null || !Names.NODE.matcher(name).matches()) {
            throw new IllegalArgumentException("not a valid node name: '" + name + "'");
        }
        return name;
    }
}

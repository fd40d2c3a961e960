package dev.netloom.guest;

import dev.netloom.nodes.NetloomException;
import dev.netloom.scenario.Cidr;
import dev.netloom.scenario.Names;
import dev.netloom.topology.InterfacePlan;
import dev.netloom.topology.NodePlan;
import dev.netloom.topology.Route;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Renders the shell commands that configure a node over its console (one command per string; each
 * works in busybox ash and bash); the impairment engines render their own tc commands. Every value
 * is re-checked against a strict pattern before it is put in a command, so nothing here can inject
 * shell syntax, whatever the caller passes.
 */
public final class GuestConfig {

    private static final Pattern DEV = Pattern.compile("eth([0-9]|[12][0-9])");
    /** Keeps each /etc/hosts command well below the 4095-character line limit of a serial tty. */
    private static final int HOSTS_CHUNK = 1000;

    public static final String FORWARDING = "echo 1 > /proc/sys/net/ipv4/ip_forward";

    private GuestConfig() {
    }

    /**
     * Everything a freshly booted node needs, in order: forwarding on, its hostname, each interface up
     * with its address, the routes (after every interface is up, so each gateway is on-link),
     * /etc/hosts; written for the guest's {@code ip}.
     *
     * @throws NetloomException when the guest has no {@code ip}
     */
    public static List<String> configure(NodePlan node, GuestTools tools) {
        if (tools.ip() == GuestTools.Ip.NONE && !node.interfaces().isEmpty()) {
            throw new NetloomException("node " + node.name() + " has no ip command (" + tools.describe() + "): netloom configures"
                    + " interfaces with iproute2's ip or BusyBox's ip applet; add one to the image");
        }
        List<String> commands = new ArrayList<>();
        commands.add(FORWARDING);
        commands.add("echo " + hostname(node.name()) + " > /proc/sys/kernel/hostname");
        node.interfaces().forEach(i -> commands.addAll(interfaceCommands(i)));
        node.routes().forEach(r -> commands.add(routeCommand(r)));
        commands.addAll(hostsCommands(node.name(), node.hosts()));
        return commands;
    }

    /**
     * {@code ip link set dev ethN up} and {@code ip addr replace CIDR dev ethN} (replace: safe to run
     * twice). BusyBox's ip applet takes these too (its usage does not list {@code addr replace}, but
     * it does it); what it lacks is {@code -batch}, which {@link GuestBatch} knows.
     */
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

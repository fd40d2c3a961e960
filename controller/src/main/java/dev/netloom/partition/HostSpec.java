package dev.netloom.partition;

import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.Units;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One host a lab may be spread over, as {@code --hosts} gives it:
 * {@code NAME[@ADDRESS][:memory=SIZE][:cores=N][:kvm=yes|no][:api=ADDRESS][:port=N]}, e.g.
 * {@code a@10.9.0.1:memory=8G:cores=4:kvm=yes}.
 * An IPv6 address goes in brackets ({@code b@[fd00::2]}). A host without a memory size has no limit of
 * its own (its agent's admission still applies when the lab starts).
 *
 * @param name      host name ({@link #NAME}): used in agents' lab names and in manifests
 * @param address   its address on the hosts' own network (the VXLAN underlay), or null when not given
 * @param memoryMiB its memory in MiB, 0 when not given
 * @param cores     its cores (1 when not given)
 * @param kvm       whether its nodes run under KVM (a KVM core counts as {@link #KVM_SPEEDUP} TCG cores)
 * @param api       where its agent's API listens, when not at {@code address} (null: there)
 * @param port      its agent's API port ({@link #DEFAULT_PORT} unless given)
 */
public record HostSpec(String name, String address, long memoryMiB, int cores, boolean kvm, String api, int port) {

    /** The port an agent's API listens on unless told otherwise. */
    public static final int DEFAULT_PORT = 7400;

    /** Host names: DNS labels short enough to end a lab name and a Kubernetes object's name. */
    public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]{0,7}");
    /** How many emulated (TCG) cores one KVM core is worth when sharing nodes out; a rough figure, only for balance. */
    static final int KVM_SPEEDUP = 4;
    private static final Pattern SPEC = Pattern.compile("([^@:]+)(?:@(\\[[^\\]]+\\]|[^:]+))?((?::[^:]+)*)");

    public HostSpec {
        if (!NAME.matcher(name).matches()) {
            throw new BadInputException("bad host name '" + name + "': write 1-8 lowercase letters and digits, starting with a letter");
        }
        if (port < 1 || port > 65535) {
            throw new BadInputException("host " + name + ": port " + port + " is not a TCP port (1-65535)");
        }
        if (cores < 1) {
            throw new BadInputException("host " + name + " needs at least one core, not " + cores);
        }
    }

    /** A host with no API address or port of its own. */
    public HostSpec(String name, String address, long memoryMiB, int cores, boolean kvm) {
        this(name, address, memoryMiB, cores, kvm, null, DEFAULT_PORT);
    }

    /** Where its agent's API is: {@code api}, else the host's address; null when neither was given. */
    public java.net.InetSocketAddress apiAddress() {
        String at = api != null ? api : address;
        return at == null ? null : new java.net.InetSocketAddress(at, port);
    }

    /** Share of the nodes' work it should get, relative to other hosts: cores, KVM ones counting more. */
    double speed() {
        return cores * (kvm ? (double) KVM_SPEEDUP : 1.0);
    }

    /** What {@code --hosts} says: a number N (hosts h1..hN, no limits), or specs separated by commas; names must differ. */
    public static List<HostSpec> parseList(String text) {
        String t = text.strip();
        if (t.matches("\\d{1,3}")) {
            int n = Integer.parseInt(t);
            if (n < 1 || n > 64) {
                throw new BadInputException("--hosts " + t + ": give 1 to 64 hosts");
            }
            List<HostSpec> out = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                out.add(new HostSpec("h" + i, null, 0, 1, false));
            }
            return out;
        }
        List<HostSpec> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (String part : t.split(",")) {
            HostSpec h = parse(part.strip());
            if (!names.add(h.name())) {
                throw new BadInputException("--hosts names host " + h.name() + " twice: give each host once");
            }
            out.add(h);
        }
        return out;
    }

    /** One host spec (see the class comment). */
    public static HostSpec parse(String text) {
        Matcher m = SPEC.matcher(text);
        if (!m.matches()) {
            throw new BadInputException("bad host '" + text + "': write NAME[@ADDRESS][:memory=SIZE][:cores=N][:kvm=yes|no], e.g. a@10.9.0.1:memory=8G");
        }
        String address = m.group(2) == null ? null : address(m.group(2), text);
        long memory = 0;
        int cores = 1;
        boolean kvm = false;
        String api = null;
        int port = DEFAULT_PORT;
        for (String kv : m.group(3).isEmpty() ? new String[0] : m.group(3).substring(1).split(":")) {
            String[] p = kv.split("=", 2);
            String value = p.length == 2 ? p[1] : "";
            try {
                switch (p[0]) {
                    case "memory" -> memory = Units.mebibytes(value);
                    case "cores" -> cores = Integer.parseInt(value);
                    case "kvm" -> kvm = switch (value) {
                        case "yes" -> true;
                        case "no" -> false;
                        default -> throw new IllegalArgumentException("kvm is yes or no, not '" + value + "'");
                    };
                    case "api" -> api = address(value, text);
                    case "port" -> port = Integer.parseInt(value);
                    default -> throw new IllegalArgumentException("unknown key '" + p[0] + "'; keys: memory, cores, kvm, api, port");
                }
            } catch (IllegalArgumentException e) {
                throw new BadInputException("bad host '" + text + "': " + e.getMessage(), e);
            }
        }
        return new HostSpec(m.group(1), address, memory, cores, kvm, api, port);
    }

    /** An IP address literal (never a name: nothing is resolved), brackets taken off an IPv6 one. */
    private static String address(String raw, String spec) {
        String a = raw.startsWith("[") ? raw.substring(1, raw.length() - 1) : raw;
        boolean v4 = a.matches("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
        if (!v4 && !(a.contains(":") && a.matches("[0-9a-fA-F:.]{2,45}"))) {
            throw new BadInputException("bad host '" + spec + "': the address must be an IPv4 or IPv6 address, not '" + raw + "'");
        }
        try {
            return InetAddress.getByName(a).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            throw new BadInputException("bad host '" + spec + "': '" + raw + "' is not an IP address", e);
        }
    }
}

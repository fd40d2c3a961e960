package dev.netloom.nodes.host;

import dev.netloom.nodes.NetloomException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A lab's network namespace, and the one place where netloom enters one: every program that runs in
 * a lab's namespace (ip and tc batches, tcpdump, QEMU) gets its command line from {@link #exec} or
 * {@link #tool}. Root's namespaces are named ({@link Named}: {@code ip netns}); an ordinary user's is
 * held by a process in a user namespace of its own ({@link UserNetns}, docs/host.md "Running without
 * root"). Names are checked by the caller (lab names against the scenario's rules).
 */
public sealed interface Netns permits Netns.Named, UserNetns {

    Duration IP_TIMEOUT = Duration.ofMinutes(2);

    /** The namespace's name, e.g. {@code nl-ring4}: the lab's, also when the namespace has no name on the host. */
    String name();

    /** {@code command} run inside the namespace. */
    List<String> exec(List<String> command);

    /** {@code ip} or {@code tc} with {@code args}, acting on the namespace. */
    List<String> tool(String tool, List<String> args);

    /** The processes inside the namespace (for a crashed lab's clean-up: in a lab's namespace they are the lab's). */
    List<Long> pids();

    /** Removes the namespace (its devices go with it once no process is inside). Idempotent. */
    void delete();

    /** True when this process creates labs in user namespaces of their own: it is not root. */
    static boolean rootless() {
        return !HostSetup.isRoot();
    }

    /** Creates namespace {@code name}: a named one as root, else one in a user namespace held by a process of this JVM. */
    static Netns create(String name) {
        if (rootless()) {
            return UserNetns.start(name);
        }
        Proc.run(List.of("ip", "netns", "add", name), IP_TIMEOUT).orThrow();
        return new Named(name);
    }

    /**
     * The existing namespace of that name that this process may remove: root's named one; an ordinary
     * user has none by name (its namespaces die with their processes, see {@link #membersOf}).
     */
    static Optional<Netns> find(String name) {
        return !rootless() && Named.exists(name) ? Optional.of(new Named(name)) : Optional.empty();
    }

    /**
     * The processes of this user that share {@code pid}'s network namespace, {@code pid} included:
     * how an ordinary user's crashed lab is found from one of its QEMUs, as {@code ip netns pids} finds
     * a named namespace's. Empty when the process is gone or shares this process's own namespace (a
     * fork template's QEMU runs there: that is no lab's namespace, and everything the user runs is in it).
     */
    static List<Long> membersOf(long pid) {
        Optional<String> ns = netOf(pid);
        if (ns.isEmpty() || ns.equals(netOf(ProcessHandle.current().pid()))) {
            return List.of();
        }
        List<Long> out = new ArrayList<>();
        ProcessHandle.allProcesses().forEach(p -> {
            if (netOf(p.pid()).equals(ns)) {
                out.add(p.pid());
            }
        });
        return out;
    }

    /** The network namespace of a process ({@code net:[INODE]}), readable for this user's own processes. */
    static Optional<String> netOf(long pid) {
        try {
            return Optional.of(Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns", "net")).toString());
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    /** A namespace in /run/netns, created and entered with {@code ip netns} (root). */
    record Named(String name) implements Netns {

        @Override
        public String toString() {
            return name;
        }

        @Override
        public List<String> exec(List<String> command) {
            List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", name));
            c.addAll(command);
            return c;
        }

        @Override
        public List<String> tool(String tool, List<String> args) {
            List<String> c = new ArrayList<>(List.of(tool, "-n", name));
            c.addAll(args);
            return c;
        }

        @Override
        public List<Long> pids() {
            Proc.Result r = Proc.run(List.of("ip", "netns", "pids", name), Duration.ofSeconds(30));
            if (!r.ok()) {
                return List.of();
            }
            return r.stdout().lines().map(String::strip).filter(l -> l.matches("[0-9]+")).map(Long::parseLong).toList();
        }

        @Override
        public void delete() {
            if (exists(name)) {
                Proc.Result r = Proc.run(List.of("ip", "netns", "del", name), IP_TIMEOUT);
                if (!r.ok() && exists(name)) {
                    throw new NetloomException("cannot delete network namespace " + name + ": " + Proc.lastLine(r.stderr()));
                }
            }
        }

        /** True when {@code ip netns list} names it. */
        public static boolean exists(String name) {
            Proc.Result r = Proc.run(List.of("ip", "netns", "list"), IP_TIMEOUT).orThrow();
            return r.stdout().lines().map(l -> l.split("\\s+")[0]).anyMatch(name::equals);
        }
    }
}

package dev.netloom.lab;

import dev.netloom.nodes.ExecResult;
import dev.netloom.scenario.Cidr;
import dev.netloom.scenario.Scenario;
import dev.netloom.topology.NodePlan;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Runs a scenario's checks on a READY lab. A ping check runs {@code ping} on the source node towards
 * the target's name (resolved by the hosts entries netloom wrote), once per address family the check
 * names ({@code ping -6} for IPv6, {@code ping -4} for IPv4 in a lab that has both, so the name
 * resolves to the family asked for); {@code all} pings every other node from every node, one command
 * per source node, the sources in parallel.
 */
public final class Checks {

    /** One check's outcome, e.g. {@code ping a->c: ok}. */
    public record Result(String name, boolean ok, String detail) {
    }

    private Checks() {
    }

    public static List<Result> run(Lab lab, List<Scenario.Check> checks) {
        List<Result> results = new ArrayList<>();
        for (Scenario.Check check : checks) {
            for (Cidr.Family family : check.families()) {
                results.addAll(check.all() ? pingAll(lab, family) : List.of(ping(lab, check.from(), check.to(), check.count(), family)));
            }
        }
        for (Result r : results) {
            lab.event(LabEvent.Kind.CHECK, r.name(), (r.ok() ? "ok" : "FAIL") + (r.detail().isEmpty() ? "" : ": " + r.detail()));
        }
        return results;
    }

    /** "ping", "ping -4" (IPv4 where names resolve to both families) or "ping -6". */
    static String pingCommand(Lab lab, Cidr.Family family) {
        if (family == Cidr.Family.IPV6) {
            return "ping -6";
        }
        boolean dualStack = lab.plan().nodes().stream().flatMap(n -> n.interfaces().stream()).anyMatch(i -> i.address6() != null);
        return dualStack ? "ping -4" : "ping";
    }

    /** "ping a->c" for IPv4, "ping6 a->c" for IPv6. */
    private static String name(Cidr.Family family, String from, String to) {
        return (family == Cidr.Family.IPV6 ? "ping6 " : "ping ") + from + "->" + to;
    }

    static Result ping(Lab lab, String from, String to, int count, Cidr.Family family) {
        lab.plan().node(to);
        ExecResult r = lab.exec(from, pingCommand(lab, family) + " -c " + count + " -w " + (count + 5) + " " + to,
                Duration.ofSeconds(count + 15L));
        String summary = r.output().lines().filter(l -> l.contains("packets transmitted") || l.contains("round-trip"))
                .reduce((a, b) -> a + "; " + b).orElse(r.output().strip());
        return new Result(name(family, from, to), r.exitCode() == 0, summary);
    }

    /** Every node pings every other once (retrying once, as the first packet may wait for ARP). */
    static List<Result> pingAll(Lab lab, Cidr.Family family) {
        String ping = pingCommand(lab, family);
        List<NodePlan> nodes = lab.plan().nodes().stream().filter(n -> !n.interfaces().isEmpty()).toList();
        List<CompletableFuture<List<Result>>> perSource = new ArrayList<>();
        for (NodePlan from : nodes) {
            StringBuilder targets = new StringBuilder();
            nodes.stream().filter(n -> n != from).forEach(n -> targets.append(' ').append(n.name()));
            if (targets.length() == 0) {
                continue;
            }
            String cmd = "for h in" + targets + "; do if " + ping + " -c 1 -w 3 $h >/dev/null 2>&1 || " + ping + " -c 1 -w 3 $h >/dev/null 2>&1;"
                    + " then echo \"ok $h\"; else echo \"FAIL $h\"; fi; done";
            perSource.add(lab.node(from.name()).execAsync(cmd, Duration.ofSeconds(10L * nodes.size() + 30)).thenApply(r -> {
                List<Result> out = new ArrayList<>();
                for (String line : r.output().lines().toList()) {
                    String[] parts = line.split(" ");
                    if (parts.length == 2) {
                        out.add(new Result(name(family, from.name(), parts[1]), parts[0].equals("ok"), parts[0].equals("ok") ? "reachable" : "no reply"));
                    }
                }
                if (out.size() != nodes.size() - 1) {
                    out.add(new Result(name(family, from.name(), "all"), false, "incomplete output (exit " + r.exitCode() + "): " + r.output().strip()));
                }
                return out;
            }));
        }
        List<Result> results = new ArrayList<>();
        perSource.forEach(f -> results.addAll(f.join()));
        return results;
    }
}

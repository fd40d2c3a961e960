package dev.netloom.topology;

import dev.netloom.lab.Lab;
import dev.netloom.scenario.Cidr;
import dev.netloom.scenario.ScenarioLoader;
import inet.ipaddr.IPAddress;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Merged routes: fewer of them, and every address forwarded exactly as the unmerged routes forward it. */
class RouteAggregationTest {

    private static Plan grid(int rows, int columns, boolean dualStack) {
        return Lab.planOf(new ScenarioLoader(image -> true).load("""
                { "name": "agg", "defaults": { "image": "tiny" }, "routing": "static",
                  "addressing": { "pool": "10.0.0.0/16" %s },
                  "generate": { "topology": "grid", "rows": %d, "columns": %d } }
                """.formatted(dualStack ? ", \"pool6\": \"fd00:1::/48\"" : "", rows, columns), "agg.json"));
    }

    /** The plan with every node's routes merged. */
    private static Plan merged(Plan plan, Outages down) {
        List<NodePlan> nodes = new ArrayList<>();
        for (NodePlan n : plan.nodes()) {
            nodes.add(new NodePlan(n.name(), n.index(), n.image(), n.memoryMiB(), n.cpus(), n.interfaces(),
                    RouteAggregation.of(n, n.routes(), down), n.hosts(), n.commands(), n.files(), n.loopback(), n.loopback6(), n.fork()));
        }
        return new Plan(plan.lab(), nodes, plan.segments());
    }

    /** The route longest-prefix matching takes for {@code ip} (connected subnets aside), or none. */
    private static Optional<Route> lookup(List<Route> routes, IPAddress ip) {
        return routes.stream().filter(r -> Cidr.parse(r.destination()).contains(ip))
                .max(Comparator.comparingInt(r -> Cidr.parse(r.destination()).prefix()));
    }

    @Test
    void grid200_mergesToAFractionOfTheRoutes_andForwardsEveryAddressTheSameWay() {
        Plan plan = grid(10, 20, false);
        Plan merged = merged(plan, Outages.NONE);
        int raw = plan.nodes().stream().mapToInt(n -> n.routes().size()).sum();
        int fewer = merged.nodes().stream().mapToInt(n -> n.routes().size()).sum();
        int most = merged.nodes().stream().mapToInt(n -> n.routes().size()).max().orElseThrow();
        System.out.printf("200-node grid: %d routes unmerged (%d per node), %d merged (%.1f per node, at most %d)%n",
                raw, raw / 200, fewer, fewer / 200.0, most);
        assertThat(fewer).isLessThan(raw / 4);
        for (NodePlan n : plan.nodes()) {
            List<Route> m = merged.node(n.name()).routes();
            for (SegmentPlan s : plan.segments()) {
                for (SegmentPlan.Member member : s.members()) {
                    IPAddress ip = Cidr.parseAddress(member.ip());
                    if (n.interfaces().stream().anyMatch(i -> Cidr.parse(i.address()).contains(ip))) {
                        continue; // connected: the kernel's route, more specific than any merged one
                    }
                    assertThat(lookup(m, ip).map(r -> r.via() + " " + r.dev())).as(n.name() + " -> " + ip)
                            .isEqualTo(lookup(n.routes(), ip).map(r -> r.via() + " " + r.dev()));
                }
            }
        }
    }

    @Test
    void mergedRoutes_neverCoverAnAddressTheLabDidNotRoute() {
        Plan plan = grid(3, 4, false);
        Set<String> used = new java.util.HashSet<>();
        plan.segments().forEach(s -> used.add(s.subnet()));
        IPAddress beyond = Cidr.parseAddress("10.0.255.1"); // in the pool, given to no segment
        for (NodePlan n : merged(plan, Outages.NONE).nodes()) {
            assertThat(lookup(n.routes(), beyond)).as(n.name()).isEmpty();
            assertThat(lookup(n.routes(), Cidr.parseAddress("192.168.1.1"))).isEmpty();
        }
    }

    @Test
    void dualStackGrid_forwardingReachesEveryAddressOfBothFamilies() {
        Plan merged = merged(grid(4, 5, true), Outages.NONE);
        for (NodePlan from : merged.nodes()) {
            for (NodePlan to : merged.nodes()) {
                to.interfaces().forEach(t -> {
                    assertThat(Forwarding.path(merged, from.name(), t.ip())).last().isEqualTo(to.name());
                    assertThat(Forwarding.path(merged, from.name(), Cidr.parse(t.address6()).ip())).last().isEqualTo(to.name());
                });
            }
        }
    }

    @Test
    void withLinksDown_mergesTheRerouteAndStillReachesEverything() {
        Plan plan = grid(4, 5, false);
        Outages down = Outages.whole(Set.of(plan.segments().get(3).name(), plan.segments().get(10).name()));
        Plan rerouted = new Plan(plan.lab(), plan.nodes().stream().map(n -> new NodePlan(n.name(), n.index(), n.image(), n.memoryMiB(), n.cpus(),
                n.interfaces(), StaticRoutes.of(plan, down).get(n.name()), n.hosts(), n.commands())).toList(), plan.segments());
        Plan merged = merged(rerouted, down);
        for (NodePlan n : rerouted.nodes()) {
            for (SegmentPlan s : plan.segments()) {
                if (!down.intact(s.name())) {
                    continue;
                }
                for (SegmentPlan.Member member : s.members()) {
                    IPAddress ip = Cidr.parseAddress(member.ip());
                    if (n.interfaces().stream().anyMatch(i -> down.intact(i.segment()) && Cidr.parse(i.address()).contains(ip))) {
                        continue;
                    }
                    assertThat(lookup(merged.node(n.name()).routes(), ip).map(Route::via)).as(n.name() + " -> " + ip)
                            .isEqualTo(lookup(n.routes(), ip).map(Route::via));
                }
            }
        }
    }
}

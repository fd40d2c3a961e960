package dev.netloom.lab;

import dev.netloom.nodes.ExecResult;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** IPv6 on real tiny nodes: a dual-stack ring that reroutes both families when a link fails, and an IPv6-only line. */
@Tag("e2e")
class DualStackE2ETest {

    private static final Duration T = Duration.ofSeconds(30);

    private static final String RING = """
            { "name": "v6ring",
              "nodes": ["a", "b", "c", "d"],
              "links": [ {"between": ["a", "b"]}, {"between": ["b", "c"]}, {"between": ["c", "d"]}, {"between": ["d", "a"]} ],
              "addressing": { "pool": "10.7.0.0/16", "pool6": "fd00:7::/48" },
              "routing": "static",
              "checks": [ {"ping": "all", "family": "both"} ] }
            """;

    @Test
    void dualStackRing_pingsAllInBothFamilies_andALinkDownReroutesIpv6Too() {
        try (Lab lab = LabFixture.up(RING)) {
            List<Checks.Result> all = Checks.run(lab, lab.scenario().checks());
            assertThat(all).hasSize(24).allMatch(Checks.Result::ok);
            assertThat(all).filteredOn(r -> r.name().startsWith("ping6 ")).hasSize(12);

            // the addresses are usable at once (no duplicate address detection), and the v6 routes are there
            ExecResult addr = lab.exec("a", "ip -6 addr show dev eth0; ip -6 route", T);
            assertThat(addr.output()).contains("inet6 fd00:7::1/64").doesNotContain("tentative")
                    .contains("fd00:7::/63 via fd00:7::2 dev eth0"); // b-c via b, merged with a-b, a's own (more specific)
            assertThat(lab.exec("a", "cat /proc/sys/net/ipv6/conf/all/forwarding", T).output().strip()).isEqualTo("1");

            // a-b goes down: a reaches b the long way round, a -> d -> c -> b, in both families
            lab.setLinkState("a-b", false);
            ExecResult around = lab.exec("a", "ping -6 -c 2 -w 8 b && ping -4 -c 2 -w 8 b && traceroute6 -n -w 2 -q 1 b", T);
            assertThat(around.exitCode()).as(around.output()).isZero();
            assertThat(hops6(around.output())).as(around.output()).isEqualTo(3);
            // b's IPv6 address on the failed link is reached through a /128 host route
            ExecResult host = lab.exec("a", "ip -6 route; ping -6 -c 1 -w 8 fd00:7::2", T);
            assertThat(host.exitCode()).as(host.output()).isZero();
            assertThat(host.output()).contains("fd00:7::2 via fd00:7:0:3::1 dev eth1");

            // back up: the address came back with the link (keep_addr_on_down), one hop again
            lab.setLinkState("a-b", true);
            ExecResult back = lab.exec("a", "ping -6 -c 2 -w 8 b && traceroute6 -n -w 2 -q 1 b && ip -6 addr show dev eth0", T);
            assertThat(back.exitCode()).as(back.output()).isZero();
            assertThat(hops6(back.output())).isEqualTo(1);
            assertThat(back.output()).contains("inet6 fd00:7::1/64");
            assertThat(Checks.run(lab, lab.scenario().checks())).hasSize(24).allMatch(Checks.Result::ok);
        }
    }

    @Test
    void ipv6OnlyLine_pingsAllOverIpv6_andHasNoIpv4Addresses() {
        String line = """
                { "name": "v6only",
                  "nodes": ["p", "q", "r"],
                  "links": [ {"between": ["p", "q"]}, {"endpoints": [{"node": "q", "address6": "fd00:99::a/64"}, "r"]} ],
                  "addressing": { "pool6": "fd00:1::/48" },
                  "checks": [ {"ping": "all"}, {"ping": {"from": "p", "to": "r", "count": 2}} ] }
                """;
        try (Lab lab = LabFixture.up(line)) {
            List<Checks.Result> results = Checks.run(lab, lab.scenario().checks());
            assertThat(results).hasSize(7).allMatch(Checks.Result::ok).allMatch(r -> r.name().startsWith("ping6 "));
            ExecResult r = lab.exec("r", "ip -4 addr show dev eth0; ip -6 addr show dev eth0; cat /etc/hosts", T);
            assertThat(r.output()).doesNotContain("inet ").contains("inet6 fd00:99::1/64").contains("fd00:1::1 p");
            ExecResult p = lab.exec("p", "ping -c 1 -w 5 fd00:99::1", T);
            assertThat(p.exitCode()).as(p.output()).isZero();
        }
    }

    /** BusyBox's ip applet (the openwrt-like image: no iproute2) configures IPv6 addresses and routes too, and its ping takes -6. */
    @Test
    void busyBoxNodes_dualStack_pingAllInBothFamilies_andReroute() {
        LabFixture.openWrtLike();
        String triangle = """
                { "name": "v6owrt",
                  "nodes": [ {"name": "o1", "image": "openwrt-like"}, {"name": "o2", "image": "openwrt-like"}, {"name": "t1", "image": "tiny"} ],
                  "links": [ {"between": ["o1", "o2"]}, {"between": ["o2", "t1"]}, {"between": ["t1", "o1"]} ],
                  "addressing": { "pool": "10.8.0.0/16", "pool6": "fd00:8::/48" },
                  "checks": [ {"ping": "all", "family": "both"} ] }
                """;
        try (Lab lab = LabFixture.up(triangle)) {
            assertThat(Checks.run(lab, lab.scenario().checks())).hasSize(12).allMatch(Checks.Result::ok);
            assertThat(lab.exec("o1", "ip -V 2>&1 | head -1", T).output()).contains("BusyBox");
            lab.setLinkState("o1-o2", false);
            ExecResult around = lab.exec("o1", "ping -6 -c 2 -w 8 o2 && ip -6 route", T);
            assertThat(around.exitCode()).as(around.output()).isZero();
            lab.setLinkState("o1-o2", true);
            ExecResult back = lab.exec("o1", "ping -6 -c 1 -w 8 o2 && ip -6 route", T);
            assertThat(back.exitCode()).as(back.output()).isZero();
        }
    }

    /** Hops traceroute6 printed (lines that start with a hop number and an IPv6 address). */
    static long hops6(String traceroute) {
        return traceroute.lines().filter(l -> l.matches("^\\s*\\d+\\s+[0-9a-f:]+:[0-9a-f:]*\\s.*")).count();
    }
}

package dev.netloom.lab;

import dev.netloom.fabric.Fabric;
import dev.netloom.mobility.Position;
import dev.netloom.nodes.ExecResult;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A link model's shared medium (lan mode, MiniWorld's connection_mode "single") on real tiny nodes:
 * four nodes 20 m apart on a line, range 30, one interface each in one subnet. Neighbours are one
 * hop apart and the others reached through them; an ARP broadcast reaches the sender's neighbours
 * only (tcpdump in the guests); a move changes the neighbours, and the routes follow.
 */
@Tag("e2e")
class MediumE2ETest {

    private static final Duration T = Duration.ofSeconds(30);
    private static final String SCENARIO = """
            {"name": "e2emedium", "defaults": {"image": "tiny"},
             "nodes": [{"name": "a", "position": {"x": 0, "y": 0}}, {"name": "b", "position": {"x": 20, "y": 0}},
                       {"name": "c", "position": {"x": 40, "y": 0}}, {"name": "d", "position": {"x": 60, "y": 0}}],
             "addressing": {"pool": "10.7.0.0/16"}, "routing": "static",
             "linkModel": {"kind": "range", "range": 30, "mode": "lan"},
             "checks": [{"ping": "all"}]}""";

    @Test
    void lineOnAMedium_neighboursOneHop_broadcastsReachNeighboursOnly_andAMoveReroutes() {
        try (Lab lab = LabFixture.up(SCENARIO)) {
            assertThat(Checks.run(lab, lab.scenario().checks())).isNotEmpty().allMatch(Checks.Result::ok);
            assertThat(lab.exec("a", "ip -4 addr show dev eth0", T).output()).contains("inet 10.7.0.1/24");
            assertThat(lab.exec("a", "ip link show", T).output()).doesNotContain("eth1");
            assertThat(hops(lab, "a", "b")).isEqualTo(1);
            assertThat(hops(lab, "a", "d")).isEqualTo(3); // a b c d, each on the one subnet
            assertThat(lab.directionsDown("medium")).containsExactlyInAnyOrder("a->c", "c->a", "a->d", "d->a", "b->d", "d->b");

            // who hears a broadcast: a asks for .250 (only b may hear it), then b and c ask for .251; a frame from
            // a that reached c's or d's tap would be in their queue before the later one from b or c
            for (String n : List.of("b", "c", "d")) {
                // the tiny image has no /etc/passwd, and tcpdump looks up the user it runs as
                run(lab, n, "grep -qs ^root: /etc/passwd || { echo root:x:0:0:root:/:/bin/sh >>/etc/passwd; echo root:x:0: >>/etc/group; }");
                run(lab, n, "tcpdump -Z root -n -l -i eth0 'arp and (host 10.7.0.250 or host 10.7.0.251)' </dev/null >/tmp/arp 2>/tmp/arp.err & echo $! >/tmp/td.pid");
                run(lab, n, "for i in $(seq 100); do grep -q listening /tmp/arp.err && exit 0; sleep 0.1; done; cat /tmp/arp.err; exit 1");
            }
            lab.exec("a", "ping -c 1 -W 1 10.7.0.250", T);
            lab.exec("b", "ping -c 1 -W 1 10.7.0.251", T);
            lab.exec("c", "ping -c 1 -W 1 10.7.0.251", T);
            run(lab, "b", waitFor("10.7.0.250") + " && " + waitFor("10.7.0.251"));
            run(lab, "c", waitFor("10.7.0.251"));
            run(lab, "d", waitFor("10.7.0.251"));
            for (String n : List.of("b", "c", "d")) {
                run(lab, n, "kill $(cat /tmp/td.pid)");
            }
            assertThat(lab.exec("b", "cat /tmp/arp", T).output()).contains("who-has 10.7.0.250 tell 10.7.0.1");
            assertThat(lab.exec("c", "cat /tmp/arp", T).output()).contains("tell 10.7.0.2").doesNotContain("10.7.0.250");
            assertThat(lab.exec("d", "cat /tmp/arp", T).output()).contains("tell 10.7.0.3").doesNotContain("10.7.0.250").doesNotContain("tell 10.7.0.2");

            // d goes round to a's other side: d a b c
            String changed = lab.move(Map.of("d", new Position(-20, 0)));
            assertThat(changed).isEqualTo("1 pair(s) of neighbours together, 1 apart"); // a-d together, c-d apart
            assertThat(lab.directionsDown("medium")).contains("c->d", "b->d").doesNotContain("a->d");
            assertThat(hops(lab, "a", "d")).isEqualTo(1);
            assertThat(hops(lab, "c", "d")).isEqualTo(3); // c b a d
            assertThat(Checks.run(lab, lab.scenario().checks())).allMatch(Checks.Result::ok);
        }
        assertThat(Fabric.exists("nl-e2emedium")).isFalse();
        assertThat(Cleanup.labs()).noneMatch(l -> l.name().equals("e2emedium"));
    }

    private static long hops(Lab lab, String from, String to) {
        ExecResult r = lab.exec(from, "ping -c 1 -w 8 " + to + " >/dev/null && traceroute -n -w 2 -q 1 " + to, T);
        assertThat(r.exitCode()).as(r.output()).isZero();
        return LabFixture.hops(r.output());
    }

    /** A guest command that waits (at most 10 s) until its capture has a line with {@code text}. */
    private static String waitFor(String text) {
        return "for i in $(seq 100); do grep -q 'who-has " + text + "' /tmp/arp && break; sleep 0.1; done; grep -q 'who-has " + text + "' /tmp/arp";
    }

    private static void run(Lab lab, String node, String command) {
        ExecResult r = lab.exec(node, command, T);
        assertThat(r.exitCode()).as(node + ": " + command + "\n" + r.output()).isZero();
    }
}

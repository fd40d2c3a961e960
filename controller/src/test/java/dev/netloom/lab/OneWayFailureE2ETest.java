package dev.netloom.lab;

import dev.netloom.nodes.ExecResult;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Link state per direction on real tiny nodes: a link that starts down, a direction that fails while
 * the other keeps flowing (the guests' packet counters show it), and routes that avoid a link for one
 * direction's traffic only.
 */
@Tag("e2e")
class OneWayFailureE2ETest {

    private static final Duration T = Duration.ofSeconds(30);

    /** a - b - c with a shortcut a - c; d on c by a link that starts down. */
    private static final String LAB = """
            { "name": "oneway14",
              "nodes": ["a", "b", "c", "d"],
              "links": [ {"between": ["a", "b"]}, {"between": ["b", "c"]}, {"between": ["a", "c"]},
                         {"between": ["c", "d"], "state": "down"} ],
              "addressing": { "pool": "10.41.0.0/16" },
              "routing": "static" }
            """;

    @Test
    void linkStartsDown_oneDirectionFailsAndComesBack_andRoutesFollowPerDirection() {
        try (Lab lab = LabFixture.up(LAB)) {
            // c-d starts down: d's interface is down, nothing reaches d, until it is brought up
            assertThat(lab.directionsDown("c-d")).containsExactlyInAnyOrder("c->d", "d->c");
            assertThat(lab.exec("d", "ip link show dev eth0", T).output()).contains("state DOWN");
            assertThat(lab.exec("a", "ping -c 1 -W 1 d", T).exitCode()).isNotZero();
            lab.setLinkState("c-d", null, true);
            ExecResult plugged = lab.exec("a", "ping -c 2 -w 10 d", T);
            assertThat(plugged.exitCode()).as(plugged.output()).isZero();

            // c->d fails: c's pings to d fail, d's still reach c (c's counters), and d receives nothing from c
            lab.setLinkState("c-d", "c->d", false);
            assertThat(lab.linkUp("c-d")).isFalse();
            assertThat(lab.exec("c", "ping -c 2 -W 1 d", T).exitCode()).isNotZero();
            long cBefore = rxPackets(lab, "c", "eth2");
            long dBefore = rxPackets(lab, "d", "eth0");
            ExecResult fromD = lab.exec("d", "ping -c 3 -W 1 c", T);
            assertThat(fromD.exitCode()).as("the replies go c->d: dropped").isNotZero();
            assertThat(rxPackets(lab, "c", "eth2") - cBefore).as("d's echo requests arrive at c").isGreaterThanOrEqualTo(3);
            assertThat(rxPackets(lab, "d", "eth0") - dBefore).as("nothing from c reaches d").isZero();
            // the interfaces keep their carrier: one direction down is not the link down
            assertThat(lab.exec("c", "ip link show dev eth2", T).output()).doesNotContain("state DOWN");

            lab.setLinkState("c-d", "c->d", true);
            ExecResult back = lab.exec("c", "ping -c 2 -w 10 d", T);
            assertThat(back.exitCode()).as(back.output()).isZero();
            assertThat(lab.linkUp("c-d")).isTrue();

            // a->c fails: a reaches d (behind c) the long way, via b, while d still reaches a via c and the shortcut
            assertThat(hops(lab, "a", "d")).isEqualTo(2);
            lab.setLinkState("a-c", "a->c", false);
            ExecResult around = lab.exec("a", "ping -c 2 -w 10 c", T);
            assertThat(around.exitCode()).as(around.output()).isZero();
            assertThat(hops(lab, "a", "d")).isEqualTo(3);
            assertThat(hops(lab, "d", "a")).isEqualTo(2);
            // c's address on the shortcut too, by a host route via b
            String cOnShortcut = lab.plan().segment("a-c").member("c").ip();
            ExecResult host = lab.exec("a", "ping -c 1 -w 10 " + cOnShortcut, T);
            assertThat(host.exitCode()).as(host.output()).isZero();

            // the other direction too: down both ways, the interfaces follow
            lab.setLinkState("a-c", "c->a", false);
            assertThat(lab.exec("a", "ip link show dev eth1", T).output()).contains("state DOWN");
            assertThat(hops(lab, "d", "a")).isEqualTo(3);
            lab.setLinkState("a-c", null, true);
            assertThat(lab.exec("a", "ip link show dev eth1", T).output()).doesNotContain("state DOWN");
            ExecResult all = lab.exec("a", "ping -c 1 -w 10 c && ping -c 1 -w 10 " + cOnShortcut, T);
            assertThat(all.exitCode()).as(all.output()).isZero();
            assertThat(hops(lab, "a", "d")).isEqualTo(2);
        }
    }

    private static long rxPackets(Lab lab, String node, String dev) {
        return Long.parseLong(lab.exec(node, "cat /sys/class/net/" + dev + "/statistics/rx_packets", T).output().strip());
    }

    private static long hops(Lab lab, String from, String to) {
        ExecResult r = lab.exec(from, "traceroute -n -w 2 -q 1 " + to, T);
        List<String> lines = r.output().lines().filter(l -> l.matches("^\\s*\\d+\\s+\\d+\\.\\d+\\.\\d+\\.\\d+\\s.*")).toList();
        return lines.size();
    }
}

package dev.netloom.lab;

import dev.netloom.fabric.Fabric;
import dev.netloom.impairment.Impairment;
import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.ExecResult;
import dev.netloom.nodes.host.Proc;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nodes of the openwrt-like image (BusyBox's ash and ip applets, no iproute2, no tc, a console that
 * waits for Enter) next to tiny nodes: netloom learns their tools at READY and configures them with
 * what is there.
 */
@Tag("e2e")
class OpenWrtLikeE2ETest {

    private static final String TRIANGLE = """
            { "name": "e2eowrt",
              "nodes": [ {"name": "o1", "image": "openwrt-like"}, {"name": "o2", "image": "openwrt-like"}, {"name": "t1", "image": "tiny"} ],
              "links": [ {"between": ["o1", "o2"], "rate": "8mbit"}, {"between": ["o2", "t1"]}, {"between": ["t1", "o1"]} ],
              "routing": "static",
              "checks": [ {"ping": "all"} ] }
            """;

    @Test
    void busyBoxNodes_areConfiguredWithTheirOwnIp_pingAll_shapeARateOnTheHost_andReroute() {
        LabFixture.openWrtLike();
        try (Lab lab = LabFixture.up(TRIANGLE)) {
            assertThat(Checks.run(lab, lab.scenario().checks())).hasSize(6).allMatch(Checks.Result::ok);

            // the guest really is BusyBox-only (its tc applet cannot add netem, and there is no netem module),
            // and its prompt, with ESC [6n after it, was found by "[#$] $"
            ExecResult tools = lab.exec("o1", "ip -V 2>&1 | head -1; readlink /proc/$$/exe; ls /usr/sbin/ip /sbin/tc.real 2>&1 | wc -l;"
                    + " tc qdisc add dev lo root netem delay 1ms 2>/dev/null && echo NETEM || echo no-netem", Duration.ofSeconds(20));
            assertThat(tools.output()).contains("BusyBox").contains("/bin/busybox").contains("no-netem").doesNotContain("NETEM");
            assertThat(lab.exec("o1", "ip addr show dev eth0", Duration.ofSeconds(20)).output()).contains("inet 10.");

            // the rate of o1-o2 is shaped on the host (no tc in the guests), in both directions
            assertThat(lab.engines().entrySet()).filteredOn(e -> e.getKey().segment().equals("o1-o2"))
                    .hasSize(2).allMatch(e -> e.getValue().startsWith("host-"));
            String qdiscs = Proc.run(List.of("tc", "-n", Fabric.namespaceFor("e2eowrt"), "qdisc", "show"), Duration.ofSeconds(30)).orThrow().stdout();
            assertThat(qdiscs).containsAnyOf("tbf", "netem");

            // o1-o2 down: o1 reaches o2 through t1, with routes set by BusyBox's ip
            lab.setLinkState("o1-o2", false);
            ExecResult around = lab.exec("o1", "ping -c 2 -w 8 o2 && ip route", Duration.ofSeconds(30));
            assertThat(around.exitCode()).as(around.output()).isZero();
            lab.setLinkState("o1-o2", true);
            assertThat(lab.exec("o1", "ping -c 1 -w 8 o2", Duration.ofSeconds(30)).exitCode()).isZero();

            // a rate change at run time goes to the host too; a delay there needs netem
            lab.setImpairment("o1-o2", "o1->o2", new Impairment(null, null, null, 4_000_000L, null, null, null));
            assertThat(lab.impairment("o1-o2", "o1->o2").rateBps()).isEqualTo(4_000_000L);
        }
    }

    @Test
    void aDelayOnlyTheGuestCouldShape_isRefusedBeforeAnyNodeStarts_orShapedOnTheHostWhereItHasNetem() {
        LabFixture.openWrtLike();
        String json = """
                { "name": "e2eowrtno",
                  "nodes": [ {"name": "o1", "image": "openwrt-like"}, {"name": "o2", "image": "openwrt-like"} ],
                  "links": [ {"between": ["o1", "o2"], "delay": "20ms"} ] }
                """;
        Lab lab;
        try {
            lab = LabFixture.up(json);
        } catch (BadInputException e) {
            assertThat(e.getMessage()).contains("link o1-o2", "needs netem", "no guest netem", "only a rate");
            assertThat(Fabric.exists(Fabric.namespaceFor("e2eowrtno"))).isFalse();
            assertThat(LabPaths.of("e2eowrtno").dir()).doesNotExist();
            return;
        }
        try (lab) {
            assertThat(lab.engines().values()).containsOnly("host-netem");
        }
    }
}

package dev.netloom.nodes.host;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The user namespace an ordinary user's lab lives in, made for real (root may make one too): devices
 * and tc inside it, none of them on the host, and nothing left once it is deleted.
 */
@Tag("e2e")
class UserNetnsE2ETest {

    @Test
    void devicesAndTcLiveInside_andTheNamespaceGoesWithItsHolder() {
        assumeTrue(Rootless.kernelObstacles(Rootless.readSysctls()).isEmpty(), "this kernel forbids user namespaces");
        UserNetns ns = UserNetns.start("nl-usernetns-test");
        long holder = ns.holderPid();
        String net = Netns.netOf(holder).orElseThrow();
        assertThat(net).isNotEqualTo(Netns.netOf(ProcessHandle.current().pid()).orElseThrow());
        try {
            assertThat(ns.exec(List.of("true"))).startsWith("nsenter", "--preserve-credentials", "--user", "--net", "--target", Long.toString(holder), "--");
            Proc.run(ns.tool("ip", List.of("link", "add", "nl-ut-br", "type", "bridge")), Duration.ofSeconds(20)).orThrow();
            Proc.run(ns.tool("ip", List.of("link", "set", "nl-ut-br", "up")), Duration.ofSeconds(20)).orThrow();
            // a token bucket on the bridge: host tc works inside, with the capabilities the user holds over its own namespace
            Proc.run(ns.tool("tc", List.of("qdisc", "replace", "dev", "nl-ut-br", "root", "tbf", "rate", "1mbit", "burst", "32kbit", "latency", "50ms")),
                    Duration.ofSeconds(20)).orThrow();
            assertThat(Proc.run(ns.tool("tc", List.of("qdisc", "show", "dev", "nl-ut-br")), Duration.ofSeconds(20)).orThrow().stdout()).contains("tbf");
            assertThat(Proc.run(List.of("ip", "-o", "link", "show"), Duration.ofSeconds(20)).orThrow().stdout()).doesNotContain("nl-ut-br");
            assertThat(ns.pids()).as("nothing but the holder runs inside").isEmpty();
        } finally {
            ns.delete();
        }
        assertThat(ProcessHandle.of(holder).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
        assertThatThrownBy(() -> ns.exec(List.of("true"))).hasMessageContaining("is gone");
    }
}

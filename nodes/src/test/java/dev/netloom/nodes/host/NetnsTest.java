package dev.netloom.nodes.host;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** How programs enter a lab's namespace, and why labs without root may not work: what needs no process. */
class NetnsTest {

    @Test
    void named_entersWithIpNetnsExec_andGivesIpAndTcTheirNamespaceOption() {
        Netns ns = new Netns.Named("nl-lab");
        assertThat(ns.exec(List.of("tcpdump", "-i", "t0x0"))).containsExactly("ip", "netns", "exec", "nl-lab", "tcpdump", "-i", "t0x0");
        assertThat(ns.tool("tc", List.of("-batch", "-"))).containsExactly("tc", "-n", "nl-lab", "-batch", "-");
        assertThat(ns).hasToString("nl-lab");
    }

    @Test
    void membersOf_aProcessInThisNamespace_isNoLabsNamespace() {
        // a fork template's QEMU runs in the user's own namespace: cleanup must never take that for a lab's
        assertThat(Netns.membersOf(ProcessHandle.current().pid())).isEmpty();
        assertThat(Netns.membersOf(-1)).isEmpty();
    }

    @Test
    void kernelObstacles_nameEachSettingThatForbidsUserNamespaces_withItsRemedy() {
        assertThat(Rootless.kernelObstacles(Map.of("user/max_user_namespaces", "96362\n"))).isEmpty();
        assertThat(Rootless.kernelObstacles(Map.of())).isEmpty();
        assertThat(Rootless.kernelObstacles(Map.of("user/max_user_namespaces", "0\n", "kernel/unprivileged_userns_clone", "0\n",
                "kernel/apparmor_restrict_unprivileged_userns", "1\n"))).containsExactly(
                "user.max_user_namespaces is 0, which forbids user namespaces to ordinary users (as root: sysctl -w user.max_user_namespaces=15000)",
                "kernel.unprivileged_userns_clone is 0, which forbids user namespaces to ordinary users (as root: sysctl -w kernel.unprivileged_userns_clone=1)",
                "kernel.apparmor_restrict_unprivileged_userns is 1, which forbids user namespaces to ordinary users"
                        + " (as root: sysctl -w kernel.apparmor_restrict_unprivileged_userns=0)");
        assertThat(Rootless.kernelObstacles(Map.of("kernel/unprivileged_userns_clone", "1\n"))).isEmpty();
    }
}

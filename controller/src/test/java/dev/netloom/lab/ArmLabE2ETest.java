package dev.netloom.lab;

import dev.netloom.cli.Netloom;
import dev.netloom.nodes.ExecResult;
import dev.netloom.nodes.host.HostSetup;
import dev.netloom.nodes.image.ImageStore;
import dev.netloom.nodes.image.TinyImageBuilder;
import dev.netloom.nodes.qemu.Arch;
import dev.netloom.scenario.ImageCheck;
import dev.netloom.scenario.ScenarioLoader;
import dev.netloom.topology.InterfacePlan;
import dev.netloom.topology.NodePlan;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** arm64 nodes (tiny-arm64, qemu-system-aarch64 -M virt under TCG) and x86_64 nodes on the same links of one lab. */
@Tag("e2e")
class ArmLabE2ETest {

    /** x86_64 and arm64 nodes alternate around a ring: every link joins one of each. */
    private static final String MIXED_RING = """
            { "name": "armring",
              "nodes": [ {"name": "x1", "image": "tiny"}, {"name": "a1", "image": "tiny-arm64"},
                         {"name": "x2", "image": "tiny"}, {"name": "a2", "image": "tiny-arm64"} ],
              "links": [ {"between": ["x1", "a1"]}, {"between": ["a1", "x2"]}, {"between": ["x2", "a2"]}, {"between": ["a2", "x1"]} ],
              "routing": "static",
              "checks": [ {"ping": "all"} ] }
            """;

    /** Builds tiny-arm64 when it is missing (or out of date) and installs qemu-system-aarch64 when it is missing (as root). */
    private static void arm64Image() {
        HostSetup.ensurePrograms(List.of(Arch.ARM64.qemu()), line -> System.err.println("host: " + line));
        new TinyImageBuilder(ImageStore.fromEnvironment(), line -> System.err.println("tiny-arm64 image: " + line)).build(Arch.ARM64, false);
    }

    @Test
    void mixedRing_x86AndArm64Nodes_staticRouting_pingsAll() throws IOException {
        arm64Image();
        try (Lab lab = LabFixture.up(MIXED_RING)) {
            List<Checks.Result> all = Checks.run(lab, lab.scenario().checks());
            assertThat(all).as("%s", all).hasSize(12).allMatch(Checks.Result::ok);

            assertThat(lab.exec("a1", "uname -m", Duration.ofSeconds(30)).output().strip()).isEqualTo("aarch64");
            assertThat(lab.exec("x1", "uname -m", Duration.ofSeconds(30)).output().strip()).isEqualTo("x86_64");
            assertThat(Files.readAllLines(lab.paths().node("a2").qemuLog()).get(0)).contains("qemu-system-aarch64", "-machine virt -accel tcg,tb-size=16 -cpu cortex-a57");

            // the arm64 guests' eth0, eth1 are the plan's, in the plan's order, with its MACs
            for (String name : List.of("a1", "a2")) {
                NodePlan plan = lab.plan().node(name);
                assertThat(plan.interfaces()).hasSize(2);
                for (InterfacePlan i : plan.interfaces()) {
                    ExecResult mac = lab.exec(name, "cat /sys/class/net/" + i.guestName() + "/address", Duration.ofSeconds(30));
                    assertThat(mac.output().strip()).as("%s %s", name, i.guestName()).isEqualTo(i.mac());
                }
            }

            // a two-hop path crosses both architectures: x1 -> a1 -> x2 or x1 -> a2 -> x2
            ExecResult trace = lab.exec("x1", "traceroute -n -w 2 -q 1 x2", Duration.ofSeconds(30));
            assertThat(trace.exitCode()).as(trace.output()).isZero();
            assertThat(trace.output().strip().lines().filter(l -> l.matches("\\s*\\d+\\s+.*")).count()).isEqualTo(2);
        }
    }

    @Test
    void mixedArchScenarioFile_runsThroughTheCliAndPassesItsChecks() {
        arm64Image();
        LabFixture.images();
        Path file = Path.of("..", "scenarios", "mixed-arch.json");
        String lab = new ScenarioLoader(ImageCheck.ANY).load(file).name();
        assertThat(Netloom.run("run", file.toString())).as("exit code of netloom run " + file).isZero();
        assertThat(Cleanup.labs()).noneMatch(l -> l.name().equals(lab));
    }
}

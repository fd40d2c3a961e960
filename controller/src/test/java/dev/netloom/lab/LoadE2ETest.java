package dev.netloom.lab;

import dev.netloom.cli.Netloom;
import dev.netloom.nodes.image.DebianImageBuilder;
import dev.netloom.nodes.image.RecipeBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Labs that come up on a busy host: each scenario runs several times in a row with two CPU-bound
 * busy loops on the host (on the 2-core development machines, that takes the whole CPU from the
 * guests half the time). Boot detection is stall-based, so a slow boot is no failure; these runs
 * prove that nothing in the images or the controller depends on timing that load changes.
 * <p>
 * The tiny-node lab runs once in the e2e suite ({@code -Dnetloom.load.rounds=1}); the `load` profile
 * ({@code mvn verify -Pload}) runs every test here with the acceptance rounds: 16 tiny nodes 5
 * times, debian-mesh and frr-ospf 3 times each.
 */
@Tag("e2e")
@Tag("load")
class LoadE2ETest {

    private static Path dir;

    @BeforeAll
    static void files() throws Exception {
        LabFixture.images();
        dir = Files.createTempDirectory("netloom-load");
    }

    @AfterAll
    static void removeFiles() {
        dev.netloom.nodes.image.ImageStore.deleteTree(dir);
    }

    @Test
    void sixteenTinyNodesAtOnce_underTwoBusyLoops_comeUpAndReachEachOther() throws Exception {
        Path file = dir.resolve("load16.json");
        Files.writeString(file, """
                { "name": "load16", "defaults": { "image": "tiny" },
                  "generate": { "topology": "ring", "nodes": 16 },
                  "checks": [ { "ping": { "from": "n1", "to": "n9" } }, { "ping": { "from": "n16", "to": "n8" } } ] }
                """);
        runUnderLoad(file, "load16", rounds(5));
    }

    @Test
    @Tag("load-only")
    void debianMesh_underTwoBusyLoops_passesEveryRound() {
        new DebianImageBuilder(LabFixture.images(), line -> System.err.println("debian image: " + line)).build("bookworm", false);
        runUnderLoad(Path.of("..", "scenarios", "debian-mesh.json"), "debian-mesh", rounds(3));
    }

    @Test
    @Tag("load-only")
    void frrOspf_underTwoBusyLoops_passesEveryRound() {
        new RecipeBuilder(LabFixture.images(), line -> System.err.println("frr-router image: " + line))
                .build(Path.of("..", "images", "recipes", "frr-router.json"), false);
        runUnderLoad(Path.of("..", "scenarios", "frr-ospf.json"), "frr-ospf", rounds(3));
    }

    /** The rounds to run: the acceptance count in the load profile, else what -Dnetloom.load.rounds says (1 in the e2e suite). */
    private static int rounds(int acceptance) {
        return Boolean.getBoolean("netloom.load.full") ? acceptance : Integer.getInteger("netloom.load.rounds", 1);
    }

    private static void runUnderLoad(Path scenario, String lab, int rounds) {
        try (BusyLoops load = new BusyLoops(2)) {
            for (int round = 1; round <= rounds; round++) {
                Instant t0 = Instant.now();
                int code = Netloom.run("run", scenario.toString());
                System.err.printf("load: %s round %d of %d: exit %d in %.1f s%n", lab, round, rounds, code,
                        Duration.between(t0, Instant.now()).toMillis() / 1000.0);
                assertThat(code).as("exit code of `netloom run %s`, round %d of %d, two busy loops on the host", scenario, round, rounds).isZero();
                assertThat(Cleanup.labs()).noneMatch(l -> l.name().equals(lab));
            }
            assertThat(load.spinning()).as("the busy loops ran throughout").isTrue();
        }
    }
}

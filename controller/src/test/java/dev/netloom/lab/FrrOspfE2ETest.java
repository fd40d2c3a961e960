package dev.netloom.lab;

import dev.netloom.cli.Netloom;
import dev.netloom.nodes.image.DebianImageBuilder;
import dev.netloom.nodes.image.RecipeBuilder;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Debian labs end to end: the frr-router recipe builds (nothing to do when up to date), four FRR
 * routers with no static routes find each other through OSPF, three dual-stack FRR routers configured
 * by node files through OSPFv2 and OSPFv3, and three plain Debian nodes route statically; every node
 * pings every other in each.
 */
@Tag("e2e")
class FrrOspfE2ETest {

    @Test
    void frrOspfScenario_convergesAndEveryNodeReachesEveryOther() {
        LabFixture.images();
        new RecipeBuilder(LabFixture.images(), line -> System.err.println("frr-router image: " + line))
                .build(Path.of("..", "images", "recipes", "frr-router.json"), false);

        assertThat(Netloom.run("run", "../scenarios/frr-ospf.json")).as("exit code of netloom run frr-ospf.json").isZero();
        assertThat(Cleanup.labs()).noneMatch(l -> l.name().equals("frr-ospf"));
    }

    /**
     * One template (node files with placeholders) configures OSPFv2 and OSPFv3 on three routers in a
     * line; with "routing": "none" only OSPF can give r1 a route to r3, and the checks ping across over
     * both families, to names and to the loopbacks netloom planned.
     */
    @Test
    void frrOspfDualStackScenario_oneTemplateConfiguresOspfv2AndOspfv3_andBothFamiliesReachAcross() {
        LabFixture.images();
        new RecipeBuilder(LabFixture.images(), line -> System.err.println("frr-router image: " + line))
                .build(Path.of("..", "images", "recipes", "frr-router.json"), false);

        assertThat(Netloom.run("run", "../scenarios/frr-ospf-dual-stack.json")).as("exit code of netloom run frr-ospf-dual-stack.json").isZero();
        assertThat(Cleanup.labs()).noneMatch(l -> l.name().equals("frr-dual"));
    }

    @Test
    void debianMeshScenario_routesStaticallyBetweenThreeDebianNodes() {
        new DebianImageBuilder(LabFixture.images(), line -> System.err.println("debian image: " + line)).build("bookworm", false);

        assertThat(Netloom.run("run", "../scenarios/debian-mesh.json")).as("exit code of netloom run debian-mesh.json").isZero();
        assertThat(Cleanup.labs()).noneMatch(l -> l.name().equals("debian-mesh"));
    }
}

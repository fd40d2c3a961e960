package dev.netloom.nodes;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class InstallTest {

    @TempDir
    Path dir;

    @Test
    void home_isFoundAboveTheJarInAClone() throws IOException {
        Files.createDirectories(dir.resolve("images/recipes"));
        Path jar = Files.createDirectories(dir.resolve("controller/target")).resolve("netloom.jar");
        assertThat(Install.findHome(jar)).contains(dir);
    }

    @Test
    void home_isTheJarsDirectoryWhenInstalled() throws IOException {
        Path share = Files.createDirectories(dir.resolve("usr/share/netloom"));
        Files.createDirectories(share.resolve("images/recipes"));
        assertThat(Install.findHome(share.resolve("netloom.jar"))).contains(share);
    }

    @Test
    void home_isUnknownWithoutRecipesNearby() {
        assertThat(Install.findHome(dir.resolve("a/b/c/d/e/netloom.jar"))).isEmpty();
    }

    @Test
    void aRecipe_isFoundByNameInTheHome() throws IOException {
        Path recipes = Files.createDirectories(dir.resolve("images/recipes"));
        Files.writeString(recipes.resolve("frr-router.json"), "{}");
        Install install = new Install(Optional.of(dir), "netloom");
        assertThat(install.recipe("frr-router")).contains(recipes.resolve("frr-router.json"));
        assertThat(install.recipe("ghost")).isEmpty();
        assertThat(install.scenarios()).contains(dir.resolve("scenarios"));
        assertThat(new Install(Optional.empty(), "./netloom").recipe("frr-router")).isEmpty();
    }

    @Test
    void inTheBuild_theCloneIsTheHomeAndTheCommandIsTheLauncher() {
        // the test classes run from nodes/target/classes, three levels under the repository root
        assertThat(Install.current().recipe("frr-router")).isPresent();
        assertThat(Install.cli()).isEqualTo("./netloom");
    }

    @Test
    void systemProperties_handTheLayoutToAnotherJvm() {
        assertThat(new Install(Optional.of(Path.of("/usr/share/netloom")), "netloom").systemProperties())
                .containsExactly("-Dnetloom.home=/usr/share/netloom", "-Dnetloom.command=netloom");
        assertThat(new Install(Optional.empty(), "./netloom").systemProperties()).containsExactly("-Dnetloom.command=./netloom");
    }
}

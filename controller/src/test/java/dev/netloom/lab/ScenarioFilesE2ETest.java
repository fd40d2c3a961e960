package dev.netloom.lab;

import dev.netloom.cli.Netloom;
import dev.netloom.scenario.ImageCheck;
import dev.netloom.scenario.ScenarioLoader;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every example in scenarios/ runs end to end through `netloom run` and passes its checks. */
@Tag("e2e")
class ScenarioFilesE2ETest {

    static Stream<Path> scenarioFiles() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("..", "scenarios"))) {
            // the Debian scenarios (debian-mesh, frr-ospf, frr-ospf-dual-stack) need images of their own: FrrOspfE2ETest
            // builds and runs them;
            // so does mixed-arch (tiny-arm64): ArmLabE2ETest
            return files.filter(f -> f.toString().endsWith(".json"))
                    .filter(f -> !Set.of("debian-mesh.json", "frr-ospf.json", "frr-ospf-dual-stack.json", "mixed-arch.json").contains(f.getFileName().toString()))
                    .sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("scenarioFiles")
    void scenario_runsAndPassesItsChecks(Path file) {
        LabFixture.images();
        String lab = new ScenarioLoader(ImageCheck.ANY).load(file).name();
        assertThat(Netloom.run("run", file.toString())).as("exit code of netloom run " + file).isZero();
        assertThat(Cleanup.labs()).noneMatch(l -> l.name().equals(lab));
    }
}

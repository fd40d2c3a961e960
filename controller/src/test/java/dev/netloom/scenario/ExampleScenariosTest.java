package dev.netloom.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every file in scenarios/ is an example users copy from and an end-to-end fixture: it must load. */
class ExampleScenariosTest {

    private static final Path DIR = Path.of("..", "scenarios");
    private static final java.util.Set<String> IMAGES = java.util.Set.of("tiny", "tiny-arm64", "debian", "frr-router");
    private static final ScenarioLoader LOADER = new ScenarioLoader(IMAGES::contains);

    static List<Path> examples() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    @Test
    void theExamplesAreThere() throws IOException {
        assertThat(examples()).extracting(p -> p.getFileName().toString()).contains("quickstart.json", "line.json",
                "ring.json", "star-lan.json", "grid.json", "timeline.json", "explicit-addresses.json");
    }

    @ParameterizedTest
    @MethodSource("examples")
    void example_loadsWithTheShippedImages(Path file) {
        Scenario s = LOADER.load(file);

        assertThat(s.nodes()).isNotEmpty().allMatch(n -> IMAGES.contains(n.image()));
        assertThat(s.nodes().size()).isLessThanOrEqualTo(4); // each node is a VM on a small machine
        assertThat(AddressPlan.allocate(s)).hasSize(s.links().size() + s.lans().size());
    }
}

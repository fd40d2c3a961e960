package dev.netloom.bench;

import dev.netloom.cli.Netloom;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The benchmarks live in this module only: the controller, and the product jar built from it, hold none of them. */
class ProductHoldsNoBenchmarksTest {

    private static final String BENCH = "dev/netloom/bench/";

    @Test
    void controllerOnTheClasspath_holdsNoBenchClasses() throws Exception {
        Path controller = codeSource(Netloom.class);

        assertThat(entries(controller))
                .as("entries of %s (a controller built before the benchmarks moved? rebuild with -am)", controller)
                .contains("dev/netloom/cli/Netloom.class")
                .noneMatch(e -> e.startsWith(BENCH));
    }

    @Test
    void benchClasses_comeFromThisModule() throws Exception {
        assertThat(codeSource(Bench.class)).isNotEqualTo(codeSource(Netloom.class));
    }

    /** controller/target/netloom.jar, which ./netloom runs; checked when this build packaged the controller beside it. */
    @Test
    void productJar_holdsNoBenchClasses() throws Exception {
        Path controller = codeSource(Netloom.class);
        Path productJar = controller.resolveSibling("netloom.jar");
        assumeTrue(Files.isRegularFile(controller) && Files.isRegularFile(productJar),
                "the controller was not packaged in this build: " + controller);

        assertThat(entries(productJar))
                .as("entries of %s", productJar)
                .contains("dev/netloom/cli/Netloom.class")
                .noneMatch(e -> e.startsWith(BENCH));
    }

    private static Path codeSource(Class<?> c) throws URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /** The paths of a jar's entries, or of a classes directory's files relative to it, with '/' separators. */
    private static List<String> entries(Path jarOrDir) throws IOException {
        if (Files.isDirectory(jarOrDir)) {
            try (Stream<Path> files = Files.walk(jarOrDir)) {
                return files.filter(Files::isRegularFile).map(f -> jarOrDir.relativize(f).toString().replace('\\', '/')).toList();
            }
        }
        try (JarFile jar = new JarFile(jarOrDir.toFile())) {
            return jar.stream().map(e -> e.getName()).toList();
        }
    }
}

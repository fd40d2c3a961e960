package dev.netloom.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.netloom.nodes.Escape;
import dev.netloom.scenario.ScenarioException;
import dev.netloom.scenario.ScenarioLoader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file of the hostile corpus (src/test/resources/hostile, expectations in its README.md) is
 * refused by the loader with a one-line message that names the expected field and a line:column, and
 * `netloom validate` exits 2 on it.
 */
class HostileCorpusTest {

    static final Path CORPUS = Path.of("src", "test", "resources", "hostile");
    private static final ScenarioLoader LOADER = new ScenarioLoader(Set.of("tiny", "debian")::contains);
    /** A README row: | `file.json` | `/pointer` | what is wrong | */
    private static final Pattern ROW = Pattern.compile("^\\| `([^`]+\\.json)` \\| `([^`]*)` \\| .+\\|$");

    /** File name -> expected pointer, escaped as {@link Escape#oneLine} prints it ("/" for the whole document). */
    static Map<String, String> expected() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(CORPUS.resolve("README.md"))) {
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                out.put(m.group(1), m.group(2));
            }
        }
        return out;
    }

    static Stream<String> files() throws IOException {
        return expected().keySet().stream();
    }

    @Test
    void readme_listsEveryCorpusFileAndNoOther() throws IOException {
        Set<String> onDisk = new TreeSet<>();
        try (Stream<Path> files = Files.list(CORPUS)) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).forEach(onDisk::add);
        }
        assertThat(new TreeSet<>(expected().keySet())).isEqualTo(onDisk);
        assertThat(onDisk).hasSizeGreaterThanOrEqualTo(60);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void loader_refusesTheFileNamingItsFieldAndLineColumnOnOneLine(String name) throws IOException {
        Path file = CORPUS.resolve(name);
        ScenarioException e = catchThrowableOfType(ScenarioException.class, () -> LOADER.load(file));

        assertThat(e).as("loading %s must fail", name).isNotNull();
        String shown = e.pointer().isEmpty() ? "/" : Escape.oneLine(e.pointer());
        assertThat(shown).as("pointer of %s (message: %s)", name, e.getMessage()).isEqualTo(expected().get(name));
        assertThat(e.line()).isPositive();
        assertThat(e.column()).isPositive();
        assertThat(e.getMessage()).startsWith(file + ":" + e.line() + ":" + e.column() + ": " + shown + ": ");
        assertOneCleanLine(e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void validate_exitsTwoWithTheSameOneLineError(String name) {
        Path file = CORPUS.resolve(name);
        ScenarioException e = catchThrowableOfType(ScenarioException.class, () -> LOADER.load(file));
        CliRun r = CliRun.of("validate", file.toString());
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("netloom: error: " + e.getMessage() + System.lineSeparator());
    }

    @Test
    void loader_refusesA50MegabyteFileBeforeParsingItNamingTheLimit(@TempDir Path dir) throws IOException {
        Path big = dir.resolve("big.json");
        try (OutputStream out = Files.newOutputStream(big)) {
            out.write("{\"name\": \"lab1\", \"nodes\": [\"a\"], \"description\": \"".getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = "x".repeat(1 << 20).getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 50; i++) {
                out.write(chunk);
            }
            out.write("\"}".getBytes(StandardCharsets.US_ASCII));
        }

        ScenarioException e = catchThrowableOfType(ScenarioException.class, () -> LOADER.load(big));

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).startsWith(big + ":1:1: /: the file is " + Files.size(big) + " bytes")
                .contains("at most " + ScenarioLoader.MAX_FILE_BYTES + " bytes (4 MiB)");
        assertOneCleanLine(e.getMessage());
        assertThat(CliRun.of("validate", big.toString()).exitCode()).isEqualTo(2);
    }

    @Test
    void loader_refusesTooLongTextGivenAsAString() {
        String json = "{\"name\": \"lab1\", \"nodes\": [\"a\"], \"description\": \"" + "x".repeat(ScenarioLoader.MAX_FILE_BYTES) + "\"}";
        ScenarioException e = catchThrowableOfType(ScenarioException.class, () -> LOADER.load(json, "t.json"));
        assertThat(e.getMessage()).startsWith("t.json:1:1: /: the file is").contains(String.valueOf(ScenarioLoader.MAX_FILE_BYTES));
    }

    @Test
    void validate_refusesALabThisHostCouldNeverRun_withTheFigures(@TempDir Path dir) throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(dev.netloom.nodes.image.ImageStore.fromEnvironment().find("tiny").isPresent(),
                "validate checks images against the store: needs the tiny image (./netloom setup builds it)");
        Path file = dir.resolve("huge.json");
        Files.writeString(file, "{\"name\": \"huge\", \"defaults\": {\"image\": \"tiny\", \"memory\": \"4G\"},"
                + " \"generate\": {\"topology\": \"ring\", \"nodes\": 250}}");

        CliRun r = CliRun.of("validate", "--no-ksm", file.toString());

        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        long perNode = 4096 + dev.netloom.nodes.qemu.QemuCommandLine.tcgCacheMiB(4096) + dev.netloom.lab.HostMemory.QEMU_OVERHEAD_MIB;
        assertThat(r.err()).contains("needs " + 250 * perNode + " MiB for 250 nodes")
                .contains("MiB in all").contains("use fewer nodes");
        assertOneCleanLine(r.err().strip());
    }

    @Test
    void loader_acceptsAFileWithAByteOrderMark(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bom.json");
        Files.writeString(file, "\uFEFF{\"name\": \"lab1\", \"nodes\": [\"a\", \"b\"], \"links\": [{\"between\": [\"a\", \"b\"]}]}");
        assertThat(LOADER.load(file).name()).isEqualTo("lab1");
    }

    private static void assertOneCleanLine(String message) {
        assertThat(message).doesNotContain("\n", "\r");
        for (int i = 0; i < message.length(); i++) {
            assertThat(Escape.needsEscape(message.charAt(i))).as("raw character U+%04X at %d in: %s", (int) message.charAt(i), i,
                    Escape.oneLine(message)).isFalse();
        }
    }
}

package dev.netloom.nodes.host;

import dev.netloom.nodes.qemu.QemuCommandLine;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Keeps the tool table ({@link HostTool#ALL}) in step with the sources, the README and docs/host.md. */
class HostToolTest {

    /** The repository root: tests run in the nodes module's directory. */
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    /** Where the sources start a host program: the literal is the program's name. */
    private static final Pattern STARTS_PROGRAM = Pattern.compile(
            "(?:Proc\\.run\\(List\\.of\\(|ProcessBuilder\\(|Proc\\.onPath\\(|ArrayList<>\\(List\\.of\\(|command\\.addAll\\(List\\.of\\(|return List\\.of\\()"
                    + "\"([a-z][a-z0-9._-]*)\"");

    private static Set<String> tablePrograms() {
        Set<String> programs = new TreeSet<>();
        HostTool.ALL.forEach(t -> programs.add(t.program()));
        return programs;
    }

    @Test
    void everyProgramTheSourcesStart_isInTheTable() throws IOException {
        TreeMap<String, Path> started = new TreeMap<>();
        for (String module : new String[] {"nodes", "controller", "bench"}) {
            try (Stream<Path> files = Files.walk(REPO.resolve(module).resolve("src/main/java"))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    Matcher m = STARTS_PROGRAM.matcher(Files.readString(f));
                    while (m.find()) {
                        started.putIfAbsent(m.group(1), REPO.relativize(f));
                    }
                }
            }
        }
        assertThat(started).as("the scan finds programs at all").containsKeys("ip", "mmdebstrap", "unshare", "cpio");
        assertThat(tablePrograms()).as("add the program, its Debian package and what needs it to HostTool.ALL (found in %s)", started)
                .containsAll(started.keySet())
                .contains(QemuCommandLine.QEMU);
    }

    @Test
    void everyPackageOfTheTable_isInTheReadmesRequirements() throws IOException {
        String readme = Files.readString(REPO.resolve("README.md"));
        Matcher bullet = Pattern.compile("(?s)- Debian packages \\(.*?\\):(.*?)\\n(?:\\n|- )").matcher(readme);
        assertThat(bullet.find()).as("README.md has a '- Debian packages (...):' bullet under Requirements").isTrue();
        Set<String> listed = new TreeSet<>();
        Matcher pkg = Pattern.compile("`([a-z0-9][a-z0-9+.-]+)`").matcher(bullet.group(1));
        while (pkg.find()) {
            listed.add(pkg.group(1));
        }
        assertThat(listed).containsAll(HostTool.packages());
    }

    @Test
    void everyToolOfTheTable_isInTheHostDocsTable() throws IOException {
        String host = Files.readString(REPO.resolve("docs/host.md"));
        for (HostTool t : HostTool.ALL) {
            assertThat(host).as("docs/host.md names %s and its package", t.program())
                    .containsPattern("\\| `" + Pattern.quote(t.program()) + "` \\| `" + Pattern.quote(t.pkg()) + "` \\|");
        }
    }

    @Test
    void packages_listsEachPackageOnce() {
        assertThat(HostTool.packages()).doesNotHaveDuplicates().contains("iproute2", "util-linux", "e2fsprogs", "cpio");
    }
}

package dev.netloom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netloom.lab.LabPaths;
import dev.netloom.nodes.host.HostSetup;
import dev.netloom.nodes.host.Proc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * `netloom run` on hostile scenario files, as root on a real host: exit 2 and nothing created, no
 * network namespace, no run directory, no QEMU process.
 */
@Tag("e2e")
class HostileRunE2ETest {

    @BeforeAll
    static void asRoot() {
        Assumptions.assumeTrue(HostSetup.isRoot(), "run needs root");
    }

    /** The lab names the sampled files use: what a run of them would have named its namespace, run directory and QEMUs after. */
    private static final Set<String> LABS = Set.of("lab1", "doctor-4242");

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "syntax-truncated.json",
            "syntax-deep-nesting-10000.json",
            "reserved-lab-name-doctor.json",
            "reserved-node-localhost.json",
            "control-newline-in-node-command.json",
            "command-too-long-timeline-exec.json",
            "pool-multicast.json",
            "traversal-node-image.json",
            "unicode-rtl-override-node-name.json",
            "too-many-interfaces.json",
            "address-loopback-endpoint.json"})
    void run_exitsTwoAndCreatesNothing(String name) throws IOException {
        Path file = HostileCorpusTest.CORPUS.resolve(name);
        Set<String> namespacesBefore = namespaces();
        Set<String> labDirsBefore = labDirs();
        Set<Long> qemuBefore = qemuProcesses();

        CliRun r = CliRun.of("run", file.toString());

        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).startsWith("netloom: error: " + file + ":").doesNotContain("internal error");
        // other worktrees run labs on this host at the same time: only what these files would name counts as ours
        assertThat(added(namespacesBefore, namespaces())).noneMatch(ns -> LABS.stream().anyMatch(lab -> ns.equals("nl-" + lab)));
        assertThat(added(labDirsBefore, labDirs())).noneMatch(LABS::contains);
        assertThat(added(qemuBefore, qemuProcesses())).isEmpty();
    }

    private static <T> Set<T> added(Set<T> before, Set<T> after) {
        Set<T> out = new java.util.HashSet<>(after);
        out.removeAll(before);
        return out;
    }

    private static Set<String> namespaces() {
        Proc.Result r = Proc.run(List.of("ip", "netns", "list"), Duration.ofSeconds(20)).orThrow();
        return r.stdout().lines().map(l -> l.split("\\s+")[0]).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> labDirs() throws IOException {
        Path root = LabPaths.labsRoot();
        if (!Files.isDirectory(root)) {
            return Set.of();
        }
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    /** QEMU processes whose command line names the run directory of one of {@link #LABS}. */
    private static Set<Long> qemuProcesses() {
        List<String> dirs = LABS.stream().map(lab -> LabPaths.of(lab).dir().toString()).toList();
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains("qemu") && dirs.stream().anyMatch(c::contains)).orElse(false))
                .map(ProcessHandle::pid)
                .collect(Collectors.toCollection(TreeSet::new));
    }
}

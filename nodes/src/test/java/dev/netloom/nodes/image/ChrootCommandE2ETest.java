package dev.netloom.nodes.image;

import dev.netloom.nodes.host.Proc;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real unshare and chroot (as root) on a minimal rootfs made of the host's dash and cat with their
 * libraries: a recipe command sees no network but a loopback, and nothing it does reaches the host's.
 */
@Tag("e2e")
class ChrootCommandE2ETest {

    @TempDir
    Path rootfs;

    /** Copies {@code program} and the shared libraries it links (as ldd lists them) into the rootfs. */
    private void install(String program, String as) throws Exception {
        copy(Path.of(program).toRealPath(), rootfs.resolve(as));
        for (String line : Proc.run(List.of("ldd", program), Duration.ofSeconds(20)).orThrow().stdout().split("\n")) {
            for (String word : line.strip().split("\\s+")) {
                if (word.startsWith("/")) {
                    copy(Path.of(word).toRealPath(), rootfs.resolve(word.substring(1)));
                }
            }
        }
    }

    private static void copy(Path from, Path to) throws Exception {
        Files.createDirectories(to.getParent());
        if (!Files.exists(to)) {
            Files.copy(from, to);
        }
    }

    @Test
    void run_seesOnlyALoopback_notTheHostsInterfaces() throws Exception {
        install("/bin/dash", "bin/sh");
        install("/bin/cat", "bin/cat");
        Files.createDirectories(rootfs.resolve("proc"));

        Proc.Result r = DebianRootfs.run(rootfs, "cat /proc/net/dev", Duration.ofSeconds(30));

        assertThat(r.ok()).as(r.stderr()).isTrue();
        List<String> interfaces = r.stdout().lines().filter(l -> l.contains(":")).map(l -> l.substring(0, l.indexOf(':')).strip()).toList();
        assertThat(interfaces).containsExactly("lo");
        assertThat(Files.readString(Path.of("/proc/net/dev"))).as("the host has more than a loopback").containsPattern("(?m)^\\s*(?!lo:)\\S+:");
    }
}

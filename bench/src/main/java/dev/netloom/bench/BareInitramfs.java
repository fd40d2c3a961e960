package dev.netloom.bench;

import dev.netloom.nodes.host.Proc;
import dev.netloom.nodes.image.Cpio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The smallest initramfs that boots to a shell: the tiny image's own busybox and an /init that prints a
 * marker line and execs a shell. It is the floor the tiny image's boot is compared with: same kernel,
 * same arguments, nothing else (no modules, no mounts, no iproute2).
 */
final class BareInitramfs {

    static final Pattern MARKER = Pattern.compile("netloom-bare: boot complete");

    private static final String INIT = """
            #!/bin/busybox sh
            echo "netloom-bare: boot complete"
            exec /bin/busybox sh
            """;

    private BareInitramfs() {
    }

    /** Builds it in {@code dir} (which must exist and be empty) from the tiny image's initrd; returns the archive. */
    static Path build(Path tinyInitrd, Path dir) throws IOException {
        Path unpacked = dir.resolve("tiny.cpio");
        Path extracted = Files.createDirectory(dir.resolve("tiny"));
        Proc.run(List.of("zstd", "-q", "-d", "-f", tinyInitrd.toString(), "-o", unpacked.toString()), Duration.ofMinutes(1)).orThrow();
        Proc.run(List.of("cpio", "-i", "-d", "--quiet", "-F", unpacked.toString(), "bin/busybox"), extracted, null, Duration.ofMinutes(1)).orThrow();
        Path busybox = extracted.resolve("bin/busybox");
        if (!Files.isRegularFile(busybox)) {
            throw new IOException("the tiny initrd " + tinyInitrd + " has no bin/busybox to build the bare initramfs from");
        }

        Path tree = Files.createDirectory(dir.resolve("bare"));
        for (String d : List.of("bin", "dev", "proc", "sys")) {
            Files.createDirectory(tree.resolve(d));
        }
        Files.copy(busybox, tree.resolve("bin/busybox"));
        Path init = tree.resolve("init");
        Files.writeString(init, INIT);
        Files.setPosixFilePermissions(init, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(tree.resolve("bin/busybox"), PosixFilePermissions.fromString("rwxr-xr-x"));

        Path archive = dir.resolve("bare.cpio");
        Cpio.write(tree, archive);
        return archive;
    }
}

package dev.netloom.nodes;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

class RunDirsTest {

    @TempDir
    Path dir;

    @Test
    void createPrivate_makesEachMissingDirectoryOwnerOnly() throws Exception {
        Path nested = dir.resolve("run/netloom/labs/l1");
        RunDirs.createPrivate(nested);
        for (Path p = nested; !p.equals(dir); p = p.getParent()) {
            assertThat(Files.getPosixFilePermissions(p)).as(p.toString()).isEqualTo(RunDirs.DIR_MODE);
        }
    }

    @Test
    void createPrivate_leavesAnExistingDirectoryAlone() throws Exception {
        Path shared = Files.createDirectory(dir.resolve("shared"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        RunDirs.createPrivate(shared);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(shared))).isEqualTo("rwxr-xr-x");
    }

    @Test
    void appendPrivate_createsTheFileOwnerOnlyAndAppends() throws Exception {
        Path log = dir.resolve("qemu.log");
        try (OutputStream out = RunDirs.appendPrivate(log)) {
            out.write("one\n".getBytes());
        }
        try (OutputStream out = RunDirs.appendPrivate(log)) {
            out.write("two\n".getBytes());
        }
        assertThat(Files.readString(log)).isEqualTo("one\ntwo\n");
        assertThat(Files.getPosixFilePermissions(log)).isEqualTo(RunDirs.FILE_MODE);
    }
}

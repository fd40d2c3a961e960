package dev.netloom.nodes.image;

import dev.netloom.nodes.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** mmdebstrap's arguments, the chroot command and file placement, without running anything. */
class DebianRootfsTest {

    @Test
    void command_isMinbaseWithThePackagesTheReleaseAndItsSuites() {
        DebianRootfs r = new DebianRootfs("bookworm", List.of("iproute2", "frr", "iproute2"), null, s -> { });

        List<String> cmd = r.command(Path.of("/tmp/x/rootfs"));

        assertThat(cmd).startsWith("mmdebstrap", "--mode=root", "--variant=minbase");
        assertThat(cmd).contains("--include=iproute2,frr", "--aptopt=APT::Install-Recommends \"false\"");
        assertThat(cmd).endsWith("bookworm", "/tmp/x/rootfs",
                "deb http://deb.debian.org/debian bookworm main",
                "deb http://deb.debian.org/debian bookworm-updates main",
                "deb http://deb.debian.org/debian-security bookworm-security main");
        assertThat(cmd).noneMatch(a -> a.contains("sync-in"));
    }

    @Test
    void command_withCache_syncsTheArchiveInAndOut() {
        List<String> cmd = new DebianRootfs("sid", List.of(), Path.of("/var/cache/nl"), s -> { }).command(Path.of("/r"));

        assertThat(cmd).contains("--skip=download/empty", "--setup-hook=sync-in /var/cache/nl /var/cache/apt/archives/",
                "--customize-hook=sync-out /var/cache/apt/archives /var/cache/nl");
        assertThat(cmd).endsWith("sid", "/r", "deb http://deb.debian.org/debian sid main");
    }

    @Test
    void constructor_refusesOptionsDisguisedAsNames() {
        assertThatThrownBy(() -> new DebianRootfs("bookworm", List.of("--foo"), null, s -> { })).isInstanceOf(BadInputException.class);
        assertThatThrownBy(() -> new DebianRootfs("../x", List.of(), null, s -> { })).isInstanceOf(BadInputException.class);
    }

    @Test
    void chrootCommand_runsTheTextInTheRootfsShell_neverTheHosts_withoutTheHostsNetwork() {
        assertThat(DebianRootfs.chrootCommand(Path.of("/s/rootfs"), "echo $HOME; exit 3"))
                .containsExactly("unshare", "--net", "--uts", "--ipc", "--pid", "--fork", "--mount", "--propagation", "private", "--mount-proc=/s/rootfs/proc",
                        "chroot", "/s/rootfs", "/bin/sh", "-c", "echo $HOME; exit 3");
    }

    @Test
    void copyIn_writesWithTheModeAndFollowsTheRootfsOwnLinksInside(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("usr/bin"));
        Files.createSymbolicLink(root.resolve("bin"), Path.of("usr/bin"));
        Files.createSymbolicLink(root.resolve("etc"), Path.of("/usr/etc")); // absolute: resolved inside the rootfs

        Path tool = DebianRootfs.copyIn(root, "x".getBytes(), "/bin/tool", "0755");
        Path conf = DebianRootfs.copyIn(root, "y".getBytes(), "/etc/a/b.conf", "600");

        assertThat(tool).isEqualTo(root.resolve("usr/bin/tool"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tool))).isEqualTo("rwxr-xr-x");
        assertThat(conf).isEqualTo(root.resolve("usr/etc/a/b.conf"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(conf))).isEqualTo("rw-------");
    }

    @Test
    void inside_neverLeavesTheRootfs(@TempDir Path root) throws Exception {
        Files.createSymbolicLink(root.resolve("up"), Path.of("../../.."));

        assertThat(DebianRootfs.inside(root, "/../../etc/passwd")).isEqualTo(root.resolve("etc/passwd"));
        assertThat(DebianRootfs.inside(root, "/up/etc/passwd")).isEqualTo(root.resolve("etc/passwd"));
        assertThatThrownBy(() -> DebianRootfs.inside(root, "etc/passwd")).isInstanceOf(BadInputException.class);
        assertThatThrownBy(() -> DebianRootfs.inside(root, "/")).isInstanceOf(BadInputException.class);
        assertThatThrownBy(() -> DebianRootfs.copyIn(root, new byte[0], "/x", "rwx")).isInstanceOf(BadInputException.class);
    }

    @Test
    void errorLines_preferAptsErrors() {
        assertThat(DebianRootfs.errorLines("I: a\nE: Unable to locate package nope\nI: b\n")).isEqualTo("E: Unable to locate package nope");
        assertThat(DebianRootfs.errorLines("one\ntwo\n")).isEqualTo("one | two");
    }
}

package dev.netloom.nodes.image;

import dev.netloom.nodes.qemu.Arch;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class DebianPackagesTest {

    /** What `apt-get indextargets --no-release-info --format ...` prints on a Debian 12 host with two third-party repositories. */
    private static final String INDEX_TARGETS = """
            deb http://deb.debian.org/debian/ bookworm main
            deb http://deb.debian.org/debian/ bookworm main
            deb http://deb.debian.org/debian/ bookworm non-free-firmware
            deb http://deb.debian.org/debian/ bookworm-updates main
            deb http://deb.debian.org/debian-security/ bookworm-security main
            deb-src http://deb.debian.org/debian/ bookworm main
            deb https://deb.nodesource.com/node_20.x/ nodistro main
            deb https://packages.cloud.google.com/apt/ cloud-sdk-bookworm main
            deb http://deb.debian.org/debian/ trixie main
            """;

    @Test
    void sourcesList_keepsTheHostsDebianSuitesForTheGuestArchitecture() {
        String list = DebianPackages.sourcesList(INDEX_TARGETS, "bookworm", "arm64");
        assertThat(list.lines().filter(l -> !l.startsWith("#"))).containsExactly(
                "deb [arch=arm64] http://deb.debian.org/debian/ bookworm main non-free-firmware",
                "deb [arch=arm64] http://deb.debian.org/debian/ bookworm-updates main",
                "deb [arch=arm64] http://deb.debian.org/debian-security/ bookworm-security main");
    }

    @Test
    void sourcesList_withoutEntriesOfTheHostsRelease_isEmpty() {
        assertThat(DebianPackages.sourcesList("deb https://deb.nodesource.com/node_20.x/ nodistro main\n", "bookworm", "arm64")).isEmpty();
        assertThat(DebianPackages.sourcesList("", "bookworm", "arm64")).isEmpty();
    }

    @Test
    void aptOptions_keepEveryPackageFileInTheirOwnDirectoryAndSetTheArchitecture() {
        Path dir = Path.of("/cache/netloom/apt-arm64");
        assertThat(DebianPackages.aptOptions(Arch.ARM64, dir)).containsExactly(
                "-o", "Dir::State=/cache/netloom/apt-arm64/state",
                "-o", "Dir::State::status=/cache/netloom/apt-arm64/state/status",
                "-o", "Dir::Cache=/cache/netloom/apt-arm64/cache",
                "-o", "Dir::Etc::SourceList=/cache/netloom/apt-arm64/sources.list",
                "-o", "Dir::Etc::SourceParts=/cache/netloom/apt-arm64/sources.list.d",
                "-o", "APT::Architecture=arm64",
                "-o", "APT::Architectures=arm64",
                "-o", "APT::Sandbox::User=root");
    }
}

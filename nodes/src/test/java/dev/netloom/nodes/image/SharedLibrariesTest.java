package dev.netloom.nodes.image;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SharedLibrariesTest {

    @Test
    void layout_namesEachArchitecturesLibraryDirectoryAndLoader() {
        var x86 = SharedLibraries.Layout.of(dev.netloom.nodes.qemu.Arch.X86_64);
        var arm = SharedLibraries.Layout.of(dev.netloom.nodes.qemu.Arch.ARM64);
        assertThat(x86.interpreter()).isEqualTo("lib64/ld-linux-x86-64.so.2");
        assertThat(x86.libDirs()).startsWith("lib/x86_64-linux-gnu", "usr/lib/x86_64-linux-gnu");
        assertThat(arm.interpreter()).isEqualTo("lib/ld-linux-aarch64.so.1");
        assertThat(arm.loader()).isEqualTo("ld-linux-aarch64.so.1");
        assertThat(arm.libDirs()).startsWith("lib/aarch64-linux-gnu", "usr/lib/aarch64-linux-gnu");
    }
}

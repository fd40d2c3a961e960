package dev.netloom.nodes.qemu;

import dev.netloom.nodes.BadInputException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ArchTest {

    @Test
    void parse_acceptsDebianAndKernelNames() {
        assertThat(Arch.parse("x86_64")).isEqualTo(Arch.X86_64);
        assertThat(Arch.parse("amd64")).isEqualTo(Arch.X86_64);
        assertThat(Arch.parse(" ARM64 ")).isEqualTo(Arch.ARM64);
        assertThat(Arch.parse("aarch64")).isEqualTo(Arch.ARM64);
    }

    @Test
    void parse_unknownName_listsTheValidOnes() {
        assertThatThrownBy(() -> Arch.parse("riscv64"))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("'riscv64'")
                .hasMessageContaining("x86_64, arm64");
    }

    @Test
    void eachArch_namesItsEmulatorAndPackage() {
        assertThat(Arch.X86_64.qemu()).isEqualTo("qemu-system-x86_64");
        assertThat(Arch.X86_64.qemuPackage()).isEqualTo("qemu-system-x86");
        assertThat(Arch.ARM64.qemu()).isEqualTo("qemu-system-aarch64");
        assertThat(Arch.ARM64.qemuPackage()).isEqualTo("qemu-system-arm");
        assertThat(Arch.ARM64.debianArch()).isEqualTo("arm64");
        assertThat(Arch.X86_64.debianArch()).isEqualTo("amd64");
    }

    @Test
    void of_jvmArchNames() {
        assertThat(Arch.of("amd64")).contains(Arch.X86_64);
        assertThat(Arch.of("aarch64")).contains(Arch.ARM64);
        assertThat(Arch.of("ppc64le")).isEmpty();
    }

    @Test
    void accel_isTheHostsForTheHostsArchitectureAndTcgForAnyOther() {
        Arch host = Arch.host().orElseThrow();
        Arch other = host == Arch.X86_64 ? Arch.ARM64 : Arch.X86_64;
        assertThat(host.accel(Accel.KVM)).isEqualTo(Accel.KVM);
        assertThat(host.accel(Accel.TCG)).isEqualTo(Accel.TCG);
        assertThat(other.accel(Accel.KVM)).isEqualTo(Accel.TCG);
        assertThat(other.accel(Accel.TCG)).isEqualTo(Accel.TCG);
    }
}

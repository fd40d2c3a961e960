package dev.netloom.nodes.qemu;

import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.qemu.AccelProbe.Outcome;
import dev.netloom.nodes.qemu.AccelProbe.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AccelProbeTest {

    private static final String KEY = "6.1.0|QEMU emulator version 7.2.0";

    @Test
    void decide_withoutDevKvm_isTcgWhateverTheOutcome() {
        Verdict v = AccelProbe.decide(false, Outcome.BOOTED, Duration.ofMillis(900), KEY);
        assertThat(v.accel()).isEqualTo(Accel.TCG);
        assertThat(v.reason()).contains("/dev/kvm does not exist");
        assertThat(v.key()).isEqualTo(KEY);
    }

    @Test
    void decide_whenKvmTestBootBooted_isKvmWithItsTime() {
        Verdict v = AccelProbe.decide(true, Outcome.BOOTED, Duration.ofMillis(1234), KEY);
        assertThat(v.accel()).isEqualTo(Accel.KVM);
        assertThat(v.reason()).contains("1234 ms");
        assertThat(v.key()).isEqualTo(KEY);
    }

    @Test
    void decide_whenKvmTestBootExited_isTcgBecauseQemuAborted() {
        Verdict v = AccelProbe.decide(true, Outcome.EXITED, Duration.ofMillis(50), KEY);
        assertThat(v.accel()).isEqualTo(Accel.TCG);
        assertThat(v.reason()).contains("aborted");
    }

    @Test
    void decide_whenKvmTestBootHung_isTcgBecauseItHung() {
        Verdict v = AccelProbe.decide(true, Outcome.HUNG, AccelProbe.PROBE_BUDGET, KEY);
        assertThat(v.accel()).isEqualTo(Accel.TCG);
        assertThat(v.reason()).contains("hung").contains(AccelProbe.PROBE_BUDGET.toSeconds() + " s");
    }

    @Test
    void decide_whenNotProbed_isTcgAndSaysHowToBuildTheProbeImage() {
        Verdict v = AccelProbe.decide(true, null, Duration.ZERO, KEY);
        assertThat(v.accel()).isEqualTo(Accel.TCG);
        assertThat(v.reason()).contains("not probed").contains("images build tiny");
    }

    @Test
    void resolve_explicitAccel_isTakenAsAskedWithoutProbing(@TempDir Path dir) {
        // a QEMU that does not exist proves that nothing is run
        AccelProbe probe = new AccelProbe(dir.resolve("accel.json"), "/nonexistent/qemu");
        assertThat(probe.resolve(Accel.TCG, null).accel()).isEqualTo(Accel.TCG);
        Verdict kvm = probe.resolve(Accel.KVM, null);
        assertThat(kvm.accel()).isEqualTo(Accel.KVM);
        assertThat(kvm.reason()).contains("--accel kvm");
        assertThat(dir.resolve("accel.json")).doesNotExist();
    }

    @Test
    void resolve_foreignArchitecture_isTcgWithoutProbingWhateverWasAsked(@TempDir Path dir) {
        AccelProbe probe = new AccelProbe(dir.resolve("accel.json"), "/nonexistent/qemu", Arch.X86_64);
        for (Accel asked : Accel.values()) {
            Verdict v = probe.resolve(asked, Arch.ARM64, dir);
            assertThat(v.accel()).isEqualTo(Accel.TCG);
            assertThat(v.reason()).contains("arm64 guests are emulated").contains("x86_64");
        }
        assertThat(dir.resolve("accel.json")).doesNotExist();
    }

    @Test
    void resolve_hostArchitecture_isDecidedAsBefore(@TempDir Path dir) {
        AccelProbe probe = new AccelProbe(dir.resolve("accel.json"), "/nonexistent/qemu", Arch.X86_64);
        assertThat(probe.resolve(Accel.KVM, Arch.X86_64, null).accel()).isEqualTo(Accel.KVM);
        assertThat(probe.resolve(Accel.TCG, Arch.X86_64, null).accel()).isEqualTo(Accel.TCG);
    }

    @Test
    void parse_goodValues_ignoreCaseAndSpace() {
        assertThat(Accel.parse("kvm")).isEqualTo(Accel.KVM);
        assertThat(Accel.parse("TCG")).isEqualTo(Accel.TCG);
        assertThat(Accel.parse(" Auto ")).isEqualTo(Accel.AUTO);
    }

    @Test
    void parse_badValue_listsTheChoices() {
        assertThatThrownBy(() -> Accel.parse("xen"))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("'xen'")
                .hasMessageContaining("kvm, tcg, auto");
        assertThatThrownBy(() -> Accel.parse(""))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("kvm, tcg, auto");
    }

    @Test
    void qemuName_isLowerCase() {
        assertThat(Accel.KVM.qemuName()).isEqualTo("kvm");
        assertThat(Accel.TCG.qemuName()).isEqualTo("tcg");
    }
}

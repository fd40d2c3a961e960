package dev.netloom.nodes.host;

import dev.netloom.nodes.NetloomException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The parts of Proc that need no process: results, their errors, and finding programs. */
class ProcTest {

    @Test
    void lastLine_givesTheLastNonBlankLineStripped() {
        assertThat(Proc.lastLine("first\nsecond  \n\n")).isEqualTo("second");
        assertThat(Proc.lastLine("  only  ")).isEqualTo("only");
        assertThat(Proc.lastLine("")).isEmpty();
    }

    @Test
    void orThrow_onSuccess_returnsTheResult() {
        Proc.Result r = new Proc.Result(List.of("true"), 0, "", "");
        assertThat(r.ok()).isTrue();
        assertThat(r.orThrow()).isSameAs(r);
    }

    @Test
    void orThrow_onFailure_namesTheCommandExitCodeAndLastErrorLine() {
        Proc.Result r = new Proc.Result(List.of("ip", "link", "add", "x"), 2, "ignored\n", "warning\nRTNETLINK answers: File exists\n");
        assertThat(r.ok()).isFalse();
        assertThatThrownBy(r::orThrow)
                .isInstanceOf(NetloomException.class)
                .hasMessage("ip link add x failed (exit 2): RTNETLINK answers: File exists");
    }

    @Test
    void orThrow_withoutErrorOutput_usesTheLastOutputLine() {
        Proc.Result r = new Proc.Result(List.of("depmod"), 1, "line 1\nbad module\n", "  \n");
        assertThatThrownBy(r::orThrow).hasMessageEndingWith(": bad module");
    }

    @Test
    void onPath_findsProgramsOnThePathAndAbsolutePaths() {
        assertThat(Proc.onPath("sh")).isTrue();
        assertThat(Proc.onPath("/bin/sh")).isTrue();
        assertThat(Proc.onPath("netloom-no-such-program")).isFalse();
        assertThat(Proc.onPath("/nonexistent/sh")).isFalse();
    }

    @Test
    void searchPath_endsWithTheSbinDirectories_once() {
        List<String> dirs = List.of(Proc.searchPath().split(":"));
        assertThat(dirs).contains("/usr/sbin", "/sbin");
        assertThat(dirs.stream().filter("/usr/sbin"::equals)).hasSize(1);
    }

    @Test
    void locate_givesTheFirstMatchOrTheNamedPath_orNull() {
        assertThat(Proc.locate("sh")).endsWith("/sh").startsWith("/");
        assertThat(Proc.locate("/bin/sh")).isEqualTo("/bin/sh");
        assertThat(Proc.locate("netloom-no-such-program")).isNull();
    }
}

package dev.netloom.nodes;

import dev.netloom.nodes.console.BootSpec;
import dev.netloom.nodes.image.ImageManifest;
import dev.netloom.nodes.qemu.Accel;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The boot detector's expectations, from the image manifest and the node's timeouts. */
class BootPipelineTest {

    private static ImageManifest manifest(String login, String user, String passwordPrompt, String password) {
        return new ImageManifest("img", "generic", null, null, "disk.qcow2", "qcow2", null, 96,
                "up", login, user, passwordPrompt, password, "# $", List.of(), null);
    }

    @Test
    void bootSpec_autoLoginImage_hasBootAndMultilinePromptPatternsAndTheSpecsTimeouts() {
        NodeSpec spec = NodeSpec.of("n1", manifest(null, null, null, null), Path.of("/images/img"), Accel.TCG)
                .withTimeouts(Duration.ofSeconds(7), Duration.ofSeconds(70), 0);
        BootSpec boot = BootPipeline.bootSpec(spec);
        assertThat(boot.bootPattern().pattern()).isEqualTo("up");
        assertThat(boot.promptPattern().pattern()).isEqualTo("# $");
        assertThat(boot.promptPattern().flags() & Pattern.MULTILINE).isNotZero();
        assertThat(boot.loginPattern()).isNull();
        assertThat(boot.stallTimeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(boot.overallBudget()).isEqualTo(Duration.ofSeconds(70));
    }

    @Test
    void bootSpec_imageWithLogin_logsInWithTheManifestsCredentials() {
        NodeSpec spec = NodeSpec.of("n1", manifest("login: $", "root", "Password: $", "pw"), Path.of("/images/img"), Accel.TCG);
        BootSpec boot = BootPipeline.bootSpec(spec);
        assertThat(boot.loginPattern().pattern()).isEqualTo("login: $");
        assertThat(boot.username()).isEqualTo("root");
        assertThat(boot.passwordPattern().pattern()).isEqualTo("Password: $");
        assertThat(boot.password()).isEqualTo("pw");
    }
}

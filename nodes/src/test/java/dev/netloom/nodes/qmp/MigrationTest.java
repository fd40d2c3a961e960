package dev.netloom.nodes.qmp;

import dev.netloom.nodes.BadInputException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MigrationTest {

    @Test
    void quoted_plainPath_isOneSingleQuotedWord() {
        assertThat(Migration.quoted(Path.of("/root/.cache/netloom/templates/tiny-0a1b/state"))).isEqualTo("'/root/.cache/netloom/templates/tiny-0a1b/state'");
    }

    @Test
    void quoted_pathWithShellCharacters_isRefusedNamingTheFix() {
        for (String bad : new String[] {"/tmp/it's/state", "/tmp/$(reboot)/state", "/tmp/a b/state", "/tmp/a;b"}) {
            assertThatThrownBy(() -> Migration.quoted(Path.of(bad))).isInstanceOf(BadInputException.class).hasMessageContaining("XDG_CACHE_HOME");
        }
    }
}

package dev.netloom.lab;

import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.host.ProcessIdentity;
import dev.netloom.nodes.image.ImageStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The lab journal on disk, in a scratch directory. */
class JournalTest {

    private final Path dir = scratch();

    private static Path scratch() {
        try {
            return Files.createTempDirectory("netloom-journal");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterEach
    void remove() {
        ImageStore.deleteTree(dir);
    }

    @Test
    void write_thenRead_keepsEveryPidOfEveryNode_inAPrivateFile() throws Exception {
        Journal j = new Journal("lab1", "nl-lab1", ProcessIdentity.current(), Journal.State.STARTING, 624, Map.of())
                .withNode("a", 100).withNode("b", 200).withNode("a", 300);
        Path file = dir.resolve("lab.json");

        j.write(file);
        Journal back = Journal.read(file);

        assertThat(back).isEqualTo(j);
        assertThat(back.nodes()).containsEntry("a", List.of(100L, 300L));
        assertThat(back.pids()).containsExactlyInAnyOrder(100L, 200L, 300L);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(back.controller().alive()).isTrue();
    }

    @Test
    void read_ofATruncatedJournal_failsNamingTheFile() throws Exception {
        Path file = dir.resolve("lab.json");
        Files.writeString(file, "{\"lab\": \"x\", \"names");
        assertThatThrownBy(() -> Journal.read(file)).isInstanceOf(NetloomException.class).hasMessageContaining(file.toString())
                .hasMessageContaining("line 1").hasMessageNotContaining("\n"); // status shows it on one line
        Files.writeString(file, "{\"lab\": \"x\"}");
        assertThatThrownBy(() -> Journal.read(file)).isInstanceOf(NetloomException.class).hasMessageContaining("missing");
    }
}

package dev.netloom.observe;

import com.fasterxml.jackson.databind.JsonNode;
import dev.netloom.lab.LabEvent;
import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.Json;
import dev.netloom.nodes.NodeState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventsFileTest {

    @TempDir
    Path dir;

    @Test
    void events_areAppendedAsJsonLines() throws Exception {
        Path file = dir.resolve("ev.jsonl");
        Files.writeString(file, "{\"earlier\": true}\n");
        try (EventsFile f = EventsFile.open(file)) {
            f.accept(new LabEvent(Instant.parse("2026-01-01T00:00:00Z"), LabEvent.Kind.NODE, "a", "READY in 1.2 s", NodeState.READY));
            f.accept(LabEvent.of(LabEvent.Kind.CHECK, "ping a->b", "ok: 3 packets, \"quoted\"\nsecond line"));
        }
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(3);
        JsonNode node = Json.MAPPER.readTree(lines.get(1));
        assertThat(node.toString()).isEqualTo("{\"at\":\"2026-01-01T00:00:00Z\",\"kind\":\"node\",\"subject\":\"a\",\"detail\":\"READY in 1.2 s\",\"state\":\"READY\"}");
        assertThat(Json.MAPPER.readTree(lines.get(2)).path("detail").asText()).isEqualTo("ok: 3 packets, \"quoted\"\nsecond line");
    }

    @Test
    void badPaths_areBadInput_andCreateNothing() throws Exception {
        assertThatThrownBy(() -> EventsFile.check(dir.resolve("missing/ev.jsonl"))).isInstanceOf(BadInputException.class)
                .hasMessageContaining("does not exist; create it");
        assertThatThrownBy(() -> EventsFile.check(dir)).isInstanceOf(BadInputException.class).hasMessageContaining("is a directory");
        EventsFile.check(dir.resolve("new.jsonl"));
        assertThat(dir.resolve("new.jsonl")).doesNotExist();
    }
}

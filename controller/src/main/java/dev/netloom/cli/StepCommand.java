package dev.netloom.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netloom.api.ApiClient;
import dev.netloom.nodes.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Advances a running lab with topology steps to its next step (MiniWorld's `mwcli step`). */
@Command(name = "step", mixinStandardHelpOptions = true, header = "Advance a lab to its next topology step.",
        description = {"Take a running lab with \"steps\" to its next topology step (or --to N): netloom recomputes the links",
                "with the lab's link model and changes only those that differ (up, down, impairment)."})
final class StepCommand implements Callable<Integer> {

    @Mixin
    LabOption lab;

    @Option(names = "--to", paramLabel = "N", description = "Go to step N (1 is the first) instead of the next one.")
    Integer to;

    @Override
    public Integer call() {
        ObjectNode params = Json.MAPPER.createObjectNode();
        if (to != null) {
            params.put("step", to);
        }
        try (ApiClient api = lab.connect()) {
            JsonNode r = api.call("lab.step", params, Duration.ofSeconds(300));
            Say.line(r.path("changed").asText());
        }
        return 0;
    }
}

package dev.netloom.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netloom.api.ApiClient;
import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/** Runs a command on a node of a running lab and exits with its exit code. */
@Command(name = "exec", mixinStandardHelpOptions = true, header = "Run a command on a node of a running lab.",
        description = {"Run a command on a node of a running lab (through the lab's socket API), print its output and exit",
                "with its exit code (124 when it timed out). Example: netloom exec a -- ping -c 3 c"})
final class ExecCommand implements Callable<Integer> {

    @Mixin
    LabOption lab;

    @Option(names = "--timeout", paramLabel = "D", defaultValue = "60s", description = "Give up after this long (default: ${DEFAULT-VALUE}).")
    String timeout;

    @Parameters(index = "0", paramLabel = "NODE", description = "Node name.")
    String node;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "CMD", description = "The command and its arguments (after --), run by the node's shell.")
    List<String> command;

    @Override
    public Integer call() {
        Duration limit = RunCommand.durationOption(timeout);
        if (command == null || command.isEmpty()) {
            throw new BadInputException("no command given: netloom exec NODE -- CMD");
        }
        ObjectNode params = Json.MAPPER.createObjectNode()
                .put("node", node).put("command", String.join(" ", command)).put("timeout", limit.toMillis());
        try (ApiClient api = lab.connect()) {
            JsonNode r = api.call("node.exec", params, limit.plusSeconds(30));
            System.out.print(r.path("output").asText());
            System.out.flush();
            if (r.path("truncated").asBoolean()) {
                // the output above is complete up to the node's exec output cap; say so where a pipe will not swallow it
                System.err.println("netloom: output truncated: " + r.path("droppedBytes").asLong()
                        + " more bytes were dropped (the exec output cap); redirect large output to a file on the node instead");
            }
            return r.path("timedOut").asBoolean() ? 124 : r.path("exitCode").asInt();
        }
    }
}

package dev.netloom.cli;

import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.host.Proc;
import dev.netloom.scenario.Scenario;
import dev.netloom.topology.Topology;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/** Prints a scenario's topology as Graphviz DOT, or SVG through Graphviz. */
@Command(name = "graph", mixinStandardHelpOptions = true, header = "Print a scenario's topology (Graphviz DOT or SVG).",
        description = "Print a scenario's topology as Graphviz DOT (default) or SVG (needs Graphviz: apt-get install graphviz).")
final class GraphCommand implements Callable<Integer> {

    @Mixin
    ScenarioFile file;

    @Option(names = "--format", defaultValue = "dot", description = "dot or svg (default: ${DEFAULT-VALUE}).")
    String format;

    @Override
    public Integer call() {
        if (!format.equals("dot") && !format.equals("svg")) {
            throw new BadInputException("unknown format '" + format + "': use dot or svg");
        }
        Scenario scenario = file.load();
        String dot = Topology.of(scenario).toDot();
        if (format.equals("dot")) {
            System.out.print(dot);
            return 0;
        }
        if (!Proc.onPath("dot")) {
            throw new NetloomException("SVG needs Graphviz's dot, which is not installed: apt-get install graphviz (or use --format dot)");
        }
        Proc.Result r = Proc.run(List.of("dot", "-Tsvg"), null, dot.getBytes(StandardCharsets.UTF_8), Duration.ofMinutes(1)).orThrow();
        System.out.print(r.stdout());
        return 0;
    }
}

package dev.netloom.cli;

import dev.netloom.convert.CoreImport;
import dev.netloom.convert.CoreXml;
import dev.netloom.convert.MiniWorldFiles;
import dev.netloom.convert.MiniWorldImport;
import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.Json;
import dev.netloom.scenario.ScenarioLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** `netloom import core FILE.xml...`: other tools' topologies as netloom scenarios (not `images import`). */
@Command(name = "import", mixinStandardHelpOptions = true, header = "Convert another tool's topology into a netloom scenario.",
        description = "Convert another tool's topology into a netloom scenario (`netloom images import` imports disk images instead).",
        subcommands = {ConvertCommand.Core.class, ConvertCommand.MiniWorld.class})
final class ConvertCommand implements Runnable {

    static final String IMAGE = "Image of every node (default: tiny; for a MiniWorld scenario, one named after its image file, e.g. openwrt).";
    static final String LAB_NAME = "Lab name of the scenario (default: from the file: CORE's first file name, MiniWorld's scenario name).";

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "core", mixinStandardHelpOptions = true,
            description = {"Convert CORE XML topologies (hosts, interfaces with IPv4/IPv6, networks, positions) into a scenario that keeps",
                    "CORE's addresses. Several files become topology steps (`netloom step` goes to the next). What is not converted is listed."})
    static final class Core implements Callable<Integer> {
        @Parameters(paramLabel = "FILE.xml", arity = "1..*", description = "CORE XML files; the first is the start, the others steps.")
        List<Path> files;
        @Option(names = {"-o", "--output"}, paramLabel = "OUT.json", description = "Write the scenario here (default: standard output).")
        Path output;
        @Option(names = "--lab-name", paramLabel = "LAB", description = LAB_NAME)
        String name;
        @Option(names = "--image", paramLabel = "IMAGE", description = IMAGE)
        String image;

        @Override
        public Integer call() throws IOException {
            List<CoreXml.Topology> topologies = files.stream().map(CoreXml::read).toList();
            String lab = name != null ? name : files.get(0).getFileName().toString().replaceFirst("\\.xml$", "").toLowerCase()
                    .replaceAll("[^a-z0-9-]", "-");
            return emit(CoreImport.convert(lab, image != null ? image : "tiny", topologies), output);
        }
    }

    @Command(name = "miniworld", mixinStandardHelpOptions = true,
            description = {"Convert a MiniWorld scenario (miniworld_core's scenario.json format) into a netloom scenario: nodes, image,",
                    "commands, memory, the link-quality model and the [seconds, CORE file] topologies as steps. What is not converted is",
                    "listed on stderr and in the scenario's \"notes\" (docs/mobility.md has the mapping key by key)."},
            footer = {"", "Example:", "  netloom import miniworld nb_bridged_lan.json --topologies core_topologies --image tiny -o lan.json"})
    static final class MiniWorld implements Callable<Integer> {
        @Parameters(paramLabel = "FILE.json", description = "The MiniWorld scenario.")
        Path file;
        @Option(names = "--topologies", paramLabel = "DIR", description = "Where the CORE files it names are (default: beside FILE.json).")
        Path topologies;
        @Option(names = "--image", paramLabel = "IMAGE", description = IMAGE)
        String image;
        @Option(names = "--lab-name", paramLabel = "LAB", description = LAB_NAME)
        String name;
        @Option(names = {"-o", "--output"}, paramLabel = "OUT.json", description = "Write the scenario here (default: standard output).")
        Path output;

        @Override
        public Integer call() throws IOException {
            MiniWorldFiles files = new MiniWorldFiles(file, topologies);
            return emit(MiniWorldImport.convert(files.scenario(), name, image, files), output);
        }
    }

    /** Loads the converted scenario (what netloom writes, netloom loads), writes it and lists what was not converted. */
    static int emit(CoreImport.Result r, Path output) throws IOException {
        String json = Json.PRETTY.writeValueAsString(r.scenario()) + "\n";
        new ScenarioLoader(img -> true).load(json, "the converted scenario");
        if (output != null) {
            if (Files.exists(output)) {
                throw new BadInputException(output + " exists; choose another -o or remove it");
            }
            Files.writeString(output, json);
            Say.line("wrote " + output);
        } else {
            System.out.print(json);
        }
        r.notConverted().forEach(n -> System.err.println("netloom: note: " + n));
        return 0;
    }
}

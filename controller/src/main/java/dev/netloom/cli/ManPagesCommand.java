package dev.netloom.cli;

import dev.netloom.nodes.BadInputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/** Writes the man pages (packaging/deb/build runs it); hidden from --help. */
@Command(name = "manpages", hidden = true, mixinStandardHelpOptions = true,
        description = "Write netloom's man pages (section 1, roff) into a directory.")
final class ManPagesCommand implements Callable<Integer> {

    @Option(names = "--output", paramLabel = "DIR", required = true, description = "The directory to write the pages into (created).")
    Path output;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (Files.exists(output) && !Files.isDirectory(output)) {
            throw new BadInputException("--output " + output + " is not a directory; give a directory");
        }
        Files.createDirectories(output);
        Map<String, String> pages = ManPages.render(spec.root().commandLine(), BuildInfo.current().line());
        for (Map.Entry<String, String> page : pages.entrySet()) {
            Files.writeString(output.resolve(page.getKey()), page.getValue(), StandardCharsets.UTF_8);
        }
        System.out.println(pages.size() + " man pages in " + output);
        return 0;
    }
}

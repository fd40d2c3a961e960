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

/**
 * Writes the files a package makes from the command definitions and the tool table: man pages
 * (man1/*.1), the bash completion (completion/netloom) and the Debian relationship fields
 * (deb-fields). packaging/deb/build runs it; hidden from --help.
 */
@Command(name = "package-files", hidden = true, mixinStandardHelpOptions = true,
        description = "Write netloom's man pages, bash completion and Debian package fields into a directory.")
final class PackageFilesCommand implements Callable<Integer> {

    @Option(names = "--into", paramLabel = "DIR", required = true, description = "The directory to write into (created).")
    Path output;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (Files.exists(output) && !Files.isDirectory(output)) {
            throw new BadInputException("--output " + output + " is not a directory; give a directory");
        }
        CommandLine root = spec.root().commandLine();
        Path man = Files.createDirectories(output.resolve("man1"));
        Map<String, String> pages = ManPages.render(root, BuildInfo.current().line());
        for (Map.Entry<String, String> page : pages.entrySet()) {
            Files.writeString(man.resolve(page.getKey()), page.getValue(), StandardCharsets.UTF_8);
        }
        Path completion = Files.createDirectories(output.resolve("completion"));
        Files.writeString(completion.resolve("netloom"), CompletionCommand.script("bash", root), StandardCharsets.UTF_8);
        Files.writeString(output.resolve("deb-fields"), DebianControl.fields(), StandardCharsets.UTF_8);
        System.out.println(pages.size() + " man pages, the bash completion and the package fields in " + output);
        return 0;
    }
}

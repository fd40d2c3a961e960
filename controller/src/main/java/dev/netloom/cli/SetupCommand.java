package dev.netloom.cli;

import dev.netloom.nodes.host.HostSetup;
import dev.netloom.nodes.image.ImageStore;
import dev.netloom.nodes.image.TinyImageBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** Prepares the host: the Debian packages netloom needs and the tiny image. */
@Command(name = "setup", mixinStandardHelpOptions = true, header = "Install what netloom needs and build the tiny image.",
        description = {"Install the Debian packages netloom needs (as root; otherwise print the apt-get command)",
                "and build the tiny node image if it is missing."})
final class SetupCommand implements Callable<Integer> {

    @Option(names = "--no-images", description = "Only install packages; do not build the tiny image.")
    boolean noImages;

    @Override
    public Integer call() {
        HostSetup.ensure(Say::line);
        Say.line("host packages: all present");
        if (!noImages) {
            new TinyImageBuilder(ImageStore.fromEnvironment(), Say::line).build(false);
        }
        return 0;
    }
}

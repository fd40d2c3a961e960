package dev.netloom.cli;

import dev.netloom.nodes.host.HostSetup;
import dev.netloom.nodes.image.ImageStore;
import dev.netloom.nodes.image.TinyImageBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** Prepares the host: every Debian package of the tool table (HostTool.ALL) and the tiny image. */
@Command(name = "setup", mixinStandardHelpOptions = true, header = "Install what netloom needs and build the tiny image.",
        description = {"Install the Debian packages of every host program netloom runs, also those only arm64 nodes",
                "(qemu-system-arm), benchmarks (cpio), SVG graphs (graphviz) and the GRUB example image (grub-common,",
                "grub-pc-bin, xorriso) and the metrics and web view tests (prometheus, chromium) need (as root; otherwise",
                "print the apt-get command),",
                "and build the tiny node image if it is missing. `netloom doctor` lists the programs."})
final class SetupCommand implements Callable<Integer> {

    @Option(names = "--no-images", description = "Only install packages; do not build the tiny image.")
    boolean noImages;

    @Override
    public Integer call() {
        HostSetup.ensureAll(Say::line);
        Say.line("host packages: all present");
        if (!noImages) {
            new TinyImageBuilder(ImageStore.fromEnvironment(), Say::line).build(false);
        }
        return 0;
    }
}

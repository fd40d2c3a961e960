package dev.netloom.cli;

import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.Install;
import dev.netloom.nodes.host.HostSetup;
import dev.netloom.nodes.image.DebianImageBuilder;
import dev.netloom.nodes.image.DebianRootfs;
import dev.netloom.nodes.image.ImageStore;
import dev.netloom.nodes.image.RecipeBuilder;
import dev.netloom.nodes.image.TinyImageBuilder;
import dev.netloom.nodes.qemu.Arch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** Builds and lists node images in the image store (NETLOOM_IMAGES). */
@Command(name = "images", mixinStandardHelpOptions = true,
        description = "Build and list node images. The store is $NETLOOM_IMAGES, else \"images\" in the config file, else ~/.local/share/netloom/images (`netloom config show`).",
        subcommands = {ImagesCommand.Build.class, ImagesCommand.ListImages.class, ImportCommand.class})
final class ImagesCommand implements Runnable {

    static final List<String> BUILDABLE = List.of(TinyImageBuilder.NAME, DebianImageBuilder.NAME, TinyImageBuilder.Flavour.OPENWRT_LIKE.name());

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "build", mixinStandardHelpOptions = true,
            description = {"Build a node image from Debian packages into the image store.",
                    "Building again when nothing changed does nothing; --force rebuilds."})
    static final class Build implements Callable<Integer> {

        @Parameters(paramLabel = "NAME", description = "Image to build: ${COMPLETION-CANDIDATES}, a recipe of images/recipes by name (frr-router;"
                        + " /usr/share/netloom/images/recipes when installed from the package), or a recipe file (NAME.json)",
                completionCandidates = BuildableNames.class)
        String name;

        @Option(names = "--force", description = "Rebuild even when the image is up to date.")
        boolean force;

        @Option(names = "--arch", paramLabel = "ARCH",
                description = "CPU architecture of the tiny or openwrt-like image: x86_64 (default, builds tiny) or arm64 (builds tiny-arm64).")
        String arch;

        @Option(names = "--release", paramLabel = "RELEASE",
                description = "Debian release of the debian image (default ${DEFAULT-VALUE}); other releases build debian-RELEASE.")
        String release = DebianRootfs.DEFAULT_RELEASE;

        @Override
        public Integer call() {
            ImageStore store = ImageStore.fromEnvironment();
            if (RecipeBuilder.isRecipe(name)) {
                HostSetup.ensure(Say::line);
                new RecipeBuilder(store, Say::line).build(java.nio.file.Path.of(name), force);
                return 0;
            }
            java.util.Optional<java.nio.file.Path> recipe = BUILDABLE.contains(name) ? java.util.Optional.empty() : Install.current().recipe(name);
            if (recipe.isPresent()) {
                HostSetup.ensure(Say::line);
                new RecipeBuilder(store, Say::line).build(recipe.get(), force);
                return 0;
            }
            if (!BUILDABLE.contains(name)) {
                throw new BadInputException("unknown image '" + name + "': netloom can build " + String.join(", ", BUILDABLE)
                        + ", a recipe of " + Install.current().recipes().map(Object::toString).orElse("images/recipes")
                        + " by name, or a recipe file (NAME.json) (see `netloom images build --help`)");
            }
            Arch target = arch == null ? Arch.X86_64 : Arch.parse(arch);
            if (target != Arch.X86_64 && name.equals(DebianImageBuilder.NAME)) {
                throw new BadInputException("--arch " + arch + ": the debian image is built for x86_64 only"
                        + " (`netloom images build tiny --arch " + target + "` builds a tiny node for it)");
            }
            HostSetup.ensure(Say::line);
            if (name.equals(DebianImageBuilder.NAME)) {
                DebianRootfs.checkRelease(release);
                new DebianImageBuilder(store, Say::line).build(release, force);
            } else {
                TinyImageBuilder.Flavour flavour = TinyImageBuilder.Flavour.ALL.stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
                new TinyImageBuilder(store, Say::line, flavour).build(target, force);
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the images in the store: name, kind, architecture, size and path.")
    static final class ListImages implements Callable<Integer> {

        @Override
        public Integer call() {
            ImageStore store = ImageStore.fromEnvironment();
            List<ImageStore.Entry> images = store.list();
            if (images.isEmpty()) {
                System.out.println("no images in " + store.root() + " (build one with `netloom images build tiny`)");
                return 0;
            }
            System.out.printf("%-16s %-8s %-7s %10s  %s%n", "NAME", "KIND", "ARCH", "SIZE", "PATH");
            for (ImageStore.Entry e : images) {
                System.out.printf(Locale.ROOT, "%-16s %-8s %-7s %8.1fMB  %s%n", e.name(), e.kind(), e.arch(), e.sizeBytes() / 1e6, e.path());
            }
            return 0;
        }
    }

    /** The images `images build` makes, for picocli's help text. */
    static final class BuildableNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return BUILDABLE.iterator();
        }
    }
}

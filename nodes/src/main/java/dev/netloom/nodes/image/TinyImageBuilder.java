package dev.netloom.nodes.image;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netloom.nodes.Json;
import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.Units;
import dev.netloom.nodes.host.Proc;
import dev.netloom.nodes.qemu.Arch;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Builds the tiny node image from Debian packages without installing anything on the host: the
 * .deb files are fetched with {@code apt-get download} ({@link DebianPackages}) and unpacked with
 * {@code dpkg-deb -x}; the initramfs gets busybox, the node's kernel modules (in modules.dep order,
 * {@link KernelModules}), tc, ip, iperf3 and tcpdump with exactly the shared libraries they need
 * ({@link SharedLibraries}). {@code tiny} is the x86_64
 * image; other architectures build {@code tiny-ARCH} from the same recipe with the settings of
 * {@code images/tiny/ARCH.json} laid over it. The same builder makes the {@link Flavour#OPENWRT_LIKE}
 * image from {@code images/openwrt-like/}: BusyBox alone, and a console like OpenWrt's.
 */
public final class TinyImageBuilder {

    /** The x86_64 tiny image's name; {@link #nameFor} gives the others'. */
    public static final String NAME = "tiny";
    private static final String RESOURCES = "/netloom/images/";
    /** Bump when the build logic changes in a way that changes the image. */
    private static final String BUILDER_VERSION = "4";
    /** The uncompressed x86_64 kernel that nodes boot through PVH ({@link PvhKernel}). */
    static final String PVH_KERNEL = "vmlinux";
    private static final long MAX_INITRD_BYTES = 25L * 1000 * 1000;
    /** The console device images/tiny/init keeps its shell on; a recipe's consoleTty replaces it. */
    private static final String INIT_TTY = "ttyS0";
    /** The device init keeps the people's shell on; a recipe's humanTty replaces it. */
    private static final String INIT_HUMAN_TTY = "ttyS1";

    /** tiny.json (with ARCH.json over it): what goes into the image (not a {@link Recipe}: the tiny image has its own builder). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record TinyRecipe(String kernelPackage, List<String> packages, List<String> binaries, List<String> modules,
                  String kernelArgs, String memory, String bootPattern, String promptPattern, List<String> capabilities,
                  String consoleTty, String humanTty) {
    }

    /**
     * An initramfs image this builder makes: its name and the directory of images/ that holds its
     * recipe ({@code NAME.json}), {@code init} and {@code profile}. Other architectures take their
     * kernel and console settings from images/tiny/ARCH.json whatever the flavour.
     */
    public record Flavour(String name) {
        /** The node image: BusyBox, iproute2, tc with netem, iperf3, tcpdump. */
        public static final Flavour TINY = new Flavour(NAME);
        /** A test image like OpenWrt: BusyBox's ash and ip applets only, a console that waits for Enter. */
        public static final Flavour OPENWRT_LIKE = new Flavour("openwrt-like");
        public static final List<Flavour> ALL = List.of(TINY, OPENWRT_LIKE);
    }

    private final ImageStore store;
    private final Consumer<String> say;
    private final Flavour flavour;

    public TinyImageBuilder(ImageStore store, Consumer<String> say) {
        this(store, say, Flavour.TINY);
    }

    public TinyImageBuilder(ImageStore store, Consumer<String> say, Flavour flavour) {
        this.store = store;
        this.say = say;
        this.flavour = flavour;
    }

    /** A builder of the openwrt-like image ({@link Flavour#OPENWRT_LIKE}). */
    public static TinyImageBuilder openWrtLike(ImageStore store, Consumer<String> say) {
        return new TinyImageBuilder(store, say, Flavour.OPENWRT_LIKE);
    }

    /** The tiny image of {@code arch}: {@code tiny} for x86_64, {@code tiny-ARCH} (tiny-arm64) for the others. */
    public static String nameFor(Arch arch) {
        return arch == Arch.X86_64 ? NAME : NAME + "-" + arch.id();
    }

    /** This flavour's image of {@code arch}: its name for x86_64, NAME-ARCH for the others. */
    public String imageName(Arch arch) {
        return arch == Arch.X86_64 ? flavour.name() : flavour.name() + "-" + arch.id();
    }

    /** Builds the x86_64 image (see {@link #build(Arch, boolean)}). */
    public ImageManifest build(boolean force) {
        return build(Arch.X86_64, force);
    }

    /** Builds this flavour's image of {@code arch} unless one built from the same inputs is there already (or {@code force}). */
    public ImageManifest build(Arch arch, boolean force) {
        String name = imageName(arch);
        String dir = flavour.name() + "/";
        byte[] recipeBytes = resource(dir + flavour.name() + ".json");
        byte[] archBytes = arch == Arch.X86_64 ? null : resource(NAME + "/" + arch.id() + ".json");
        byte[] init = resource(dir + "init");
        byte[] profile = resource(dir + "profile");
        // tiny's x86_64 fingerprint is what it was before other architectures and flavours existed, so tiny images stay up to date
        List<byte[]> inputs = new ArrayList<>(List.of(BUILDER_VERSION.getBytes()));
        if (!flavour.equals(Flavour.TINY)) {
            inputs.add(flavour.name().getBytes(StandardCharsets.UTF_8));
        }
        inputs.addAll(archBytes == null ? List.of(recipeBytes, init, profile)
                : List.of(arch.id().getBytes(), recipeBytes, archBytes, init, profile));
        String fingerprint = sha256(inputs.toArray(byte[][]::new));
        var existing = store.find(name);
        if (!force && existing.isPresent() && fingerprint.equals(existing.get().fingerprint())) {
            say.accept("image " + name + " is up to date in " + store.dir(name) + " (use --force to rebuild)");
            return existing.get();
        }
        TinyRecipe recipe = recipe(recipeBytes, archBytes);
        store.removeStaleBuilds();
        Path stage = store.stage(name);
        try {
            ImageManifest manifest = buildInto(stage, name, arch, recipe, consoleInit(init, recipe), profile, fingerprint);
            store.commit(stage, name);
            say.accept("built image " + name + " in " + store.dir(name) + " (" + ImageStore.sizeOf(store.dir(name)) / 1_000_000 + " MB)");
            return manifest;
        } catch (IOException e) {
            throw new NetloomException("building the " + name + " image failed: " + e.getMessage(), e);
        } finally {
            ImageStore.deleteTree(stage);
        }
    }

    /** tiny.json, with the keys of an architecture's file ({@code archBytes}, or null) replacing its own. */
    static TinyRecipe recipe(byte[] recipeBytes, byte[] archBytes) {
        try {
            ObjectNode merged = (ObjectNode) Json.MAPPER.readTree(recipeBytes);
            if (archBytes != null) {
                merged.setAll((ObjectNode) Json.MAPPER.readTree(archBytes));
            }
            return Json.MAPPER.treeToValue(merged, TinyRecipe.class);
        } catch (IOException | ClassCastException e) {
            throw new NetloomException("the tiny image recipe is unreadable: " + e.getMessage(), e);
        }
    }

    /**
     * images/tiny/init with its shell on the recipe's console device (ttyAMA0 on arm64) instead of
     * ttyS0, and the people's shell on its humanTty (hvc0 on arm64) instead of ttyS1.
     */
    static byte[] consoleInit(byte[] init, TinyRecipe recipe) {
        String text = new String(init, StandardCharsets.UTF_8);
        String out = replaceTty(replaceTty(text, INIT_TTY, recipe.consoleTty(), "consoleTty"), INIT_HUMAN_TTY, recipe.humanTty(), "humanTty");
        return out.equals(text) ? init : out.getBytes(StandardCharsets.UTF_8);
    }

    private static String replaceTty(String init, String from, String to, String key) {
        if (to == null || to.equals(from)) {
            return init;
        }
        if (!to.matches("(tty|hvc)[A-Za-z0-9]+")) {
            throw new NetloomException("bad " + key + " '" + to + "' in the tiny image recipe (use a device name such as ttyAMA0 or hvc0)");
        }
        return init.replace("/dev/" + from, "/dev/" + to).replace("netloom-" + from, "netloom-" + to);
    }

    private ImageManifest buildInto(Path stage, String name, Arch arch, TinyRecipe recipe, byte[] init, byte[] profile, String fingerprint)
            throws IOException {
        Path work = stage.resolve("work");
        Path debs = Files.createDirectories(work.resolve("debs"));
        Path root = Files.createDirectories(work.resolve("root"));
        Path initrd = Files.createDirectories(work.resolve("initrd"));
        SharedLibraries.Layout layout = SharedLibraries.Layout.of(arch);

        DebianPackages apt = DebianPackages.of(arch, say);
        String kernelPackage = apt.kernelPackage(recipe.kernelPackage());
        List<String> packages = new ArrayList<>();
        packages.add(kernelPackage);
        packages.addAll(recipe.packages());
        packages.addAll(apt.libraryDependencies(recipe.packages()));
        say.accept("downloading " + packages.size() + " Debian " + arch.debianArch() + " packages (kernel " + kernelPackage + ")");
        apt.download(packages, debs);
        try (Stream<Path> files = Files.list(debs)) {
            for (Path deb : files.filter(f -> f.toString().endsWith(".deb")).sorted().toList()) {
                Proc.run(List.of("dpkg-deb", "-x", deb.toString(), root.toString()), Duration.ofMinutes(5)).orThrow();
            }
        }

        String kernelVersion = kernelPackage.substring("linux-image-".length());
        Path vmlinuz = root.resolve("boot/vmlinuz-" + kernelVersion);
        if (!Files.isRegularFile(vmlinuz)) {
            throw new NetloomException(kernelPackage + " has no /boot/vmlinuz-" + kernelVersion);
        }

        // init, profile and busybox
        Files.write(initrd.resolve("init"), init);
        Files.setPosixFilePermissions(initrd.resolve("init"), PosixFilePermissions.fromString("rwxr-xr-x"));
        for (String d : List.of("bin", "sbin", "usr/bin", "usr/sbin", "etc", "dev", "proc", "sys", "tmp", "run", "root", "lib/modules")) {
            Files.createDirectories(initrd.resolve(d));
        }
        Files.write(initrd.resolve("etc/profile"), profile);
        copy(root.resolve("bin/busybox"), initrd.resolve("bin/busybox"));

        // kernel modules, flat, with their load order from modules.dep
        List<String> order = KernelModules.loadOrder(root, kernelVersion, recipe.modules());
        Path modulesDir = root.resolve("lib/modules/" + kernelVersion);
        StringBuilder load = new StringBuilder();
        for (String rel : order) {
            String file = Path.of(rel).getFileName().toString();
            copy(modulesDir.resolve(rel), initrd.resolve("lib/modules/" + file));
            load.append(file).append('\n');
        }
        Files.writeString(initrd.resolve("etc/modules.load"), load);

        // tools and the shared libraries they need
        Set<String> needed = new TreeSet<>();
        for (String bin : recipe.binaries()) {
            Path src = root.resolve(bin.substring(1));
            if (Files.isRegularFile(src, LinkOption.NOFOLLOW_LINKS)) {
                String program = src.getFileName().toString();
                String dir = program.equals("tc") || program.equals("ip") ? "usr/sbin" : "usr/bin";
                copy(src, initrd.resolve(dir + "/" + program));
                needed.addAll(SharedLibraries.closure(root, src, layout));
            }
        }
        if (!recipe.binaries().isEmpty()) { // busybox-static needs no libraries; a BusyBox-only image has none
            Path libDir = Files.createDirectories(initrd.resolve("lib/" + layout.multiarch()));
            for (String lib : needed) {
                copy(SharedLibraries.find(root, lib, layout), libDir.resolve(lib));
            }
            Path interpreter = initrd.resolve(layout.interpreter());
            Files.createDirectories(interpreter.getParent());
            Files.createSymbolicLink(interpreter, Path.of("/lib/" + layout.multiarch() + "/" + layout.loader()));
            if (!needed.contains(layout.loader())) {
                copy(SharedLibraries.find(root, layout.loader(), layout), libDir.resolve(layout.loader()));
            }
        }

        // zstd: the compressed archive and its unpacked copy must fit in 96 MiB together at boot, and
        // zstd unpacks fast enough under TCG that the boot takes no longer than with a plain cpio. The
        // kernel's decompressor allocates the whole window: level 19's default 8 MiB window made boots
        // run out of memory now and then, a 512 KiB one (wlog=19) leaves those 8 MiB to the guest.
        Path cpio = work.resolve("initrd.cpio");
        Cpio.write(initrd, cpio);
        Path initrdFile = stage.resolve(ImageStore.INITRD);
        Proc.run(List.of("zstd", "-q", "-19", "--zstd=wlog=19", cpio.toString(), "-o", initrdFile.toString()), Duration.ofMinutes(5)).orThrow();
        long size = Files.size(initrdFile);
        if (size > MAX_INITRD_BYTES) {
            throw new NetloomException("the " + name + " initramfs is " + size / 1_000_000 + " MB, over the 25 MB limit: trim the recipe's packages");
        }
        String kernel = installKernel(vmlinuz, stage, arch);
        ImageStore.deleteTree(work);

        ImageManifest manifest = new ImageManifest(name, TinyKind.NAME, kernel, ImageStore.INITRD, null, null,
                recipe.kernelArgs(), parseMiB(recipe.memory()), recipe.bootPattern(), null, null, null, null,
                recipe.promptPattern(), recipe.capabilities(), fingerprint, arch);
        manifest.write(stage);
        return manifest;
    }

    /**
     * Puts the kernel into the image and returns the file the nodes boot. The bzImage is always there
     * as {@code vmlinuz} (for bootloaders such as GRUB, which need it: images.md); on x86_64 the nodes
     * boot the ELF inside it through PVH when QEMU can ({@link PvhKernel}: every node then shares one
     * copy of it in the page cache); arm64's Image is uncompressed already.
     */
    private String installKernel(Path vmlinuz, Path stage, Arch arch) throws IOException {
        Files.copy(vmlinuz, stage.resolve(ImageStore.KERNEL));
        if (arch == Arch.X86_64) {
            Optional<byte[]> elf = PvhKernel.extract(Files.readAllBytes(vmlinuz));
            if (elf.isPresent()) {
                Files.write(stage.resolve(PVH_KERNEL), elf.get());
                say.accept("kernel: nodes boot the uncompressed ELF through PVH (" + elf.get().length / 1_000_000 + " MB; they share it through the page cache)");
                return PVH_KERNEL;
            }
            say.accept("kernel: nodes boot the bzImage (its payload is not an ELF with a PVH entry that netloom can unpack)");
        }
        return ImageStore.KERNEL;
    }

    /** Copies the file a path names (following symbolic links, since the initramfs gets plain files). */
    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Files.copy(from.toRealPath(), to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
    }

    /** A bundled recipe's memory, in the grammar of {@link Units#mebibytes}. */
    static int parseMiB(String memory) {
        try {
            long mib = Units.mebibytes(memory);
            if (mib <= Integer.MAX_VALUE) {
                return (int) mib;
            }
        } catch (IllegalArgumentException e) {
            // said below, with the recipe as context
        }
        throw new NetloomException("bad memory size '" + memory + "' in the recipe (use e.g. 96M or 1G)");
    }

    private static byte[] resource(String name) {
        try (InputStream in = TinyImageBuilder.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new NetloomException("the netloom jar lacks " + RESOURCES + name + " (rebuild it: rm -rf controller/target && ./netloom --help)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha256(byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (byte[] p : parts) {
                md.update(Integer.toString(p.length).getBytes());
                md.update(p);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

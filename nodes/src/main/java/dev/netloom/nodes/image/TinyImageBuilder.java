package dev.netloom.nodes.image;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.netloom.nodes.Json;
import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.Units;
import dev.netloom.nodes.host.Proc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Builds the tiny node image from Debian packages without installing anything on the host: the
 * .deb files are fetched with {@code apt-get download} and unpacked with {@code dpkg-deb -x}; the
 * initramfs gets busybox, the node's kernel modules (in modules.dep order), tc, ip, iperf3 and
 * tcpdump with exactly the shared libraries they need.
 */
public final class TinyImageBuilder {

    public static final String NAME = "tiny";
    private static final String RESOURCES = "/netloom/images/tiny/";
    /** Bump when the build logic changes in a way that changes the image. */
    private static final String BUILDER_VERSION = "3";
    private static final long MAX_INITRD_BYTES = 25L * 1000 * 1000;
    private static final List<String> LIB_DIRS = List.of("lib/x86_64-linux-gnu", "usr/lib/x86_64-linux-gnu", "lib64", "lib", "usr/lib");

    /** tiny.json: what goes into the image (not a {@link Recipe}: the tiny image has its own builder). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record TinyRecipe(String kernelPackage, List<String> packages, List<String> binaries, List<String> modules,
                      String kernelArgs, String memory, String bootPattern, String promptPattern, List<String> capabilities) {
    }

    private final ImageStore store;
    private final Consumer<String> say;
    private boolean listsUpdated;

    public TinyImageBuilder(ImageStore store, Consumer<String> say) {
        this.store = store;
        this.say = say;
    }

    /** Builds the image unless one built from the same inputs is there already (or {@code force}). */
    public ImageManifest build(boolean force) {
        byte[] recipeBytes = resource("tiny.json");
        byte[] init = resource("init");
        byte[] profile = resource("profile");
        String fingerprint = sha256(BUILDER_VERSION.getBytes(), recipeBytes, init, profile);
        var existing = store.find(NAME);
        if (!force && existing.isPresent() && fingerprint.equals(existing.get().fingerprint())) {
            say.accept("image tiny is up to date in " + store.dir(NAME) + " (use --force to rebuild)");
            return existing.get();
        }
        TinyRecipe recipe;
        try {
            recipe = Json.MAPPER.readValue(recipeBytes, TinyRecipe.class);
        } catch (IOException e) {
            throw new NetloomException("the tiny image recipe is unreadable: " + e.getMessage(), e);
        }
        store.removeStaleBuilds();
        Path stage = store.stage(NAME);
        try {
            ImageManifest manifest = buildInto(stage, recipe, init, profile, fingerprint);
            store.commit(stage, NAME);
            say.accept("built image tiny in " + store.dir(NAME) + " (" + ImageStore.sizeOf(store.dir(NAME)) / 1_000_000 + " MB)");
            return manifest;
        } catch (IOException e) {
            throw new NetloomException("building the tiny image failed: " + e.getMessage(), e);
        } finally {
            ImageStore.deleteTree(stage);
        }
    }

    private ImageManifest buildInto(Path stage, TinyRecipe recipe, byte[] init, byte[] profile, String fingerprint) throws IOException {
        Path work = stage.resolve("work");
        Path debs = Files.createDirectories(work.resolve("debs"));
        Path root = Files.createDirectories(work.resolve("root"));
        Path initrd = Files.createDirectories(work.resolve("initrd"));

        String kernelPackage = resolveKernelPackage(recipe.kernelPackage());
        List<String> packages = new ArrayList<>();
        packages.add(kernelPackage);
        packages.addAll(recipe.packages());
        packages.addAll(libraryDependencies(recipe.packages()));
        say.accept("downloading " + packages.size() + " Debian packages (kernel " + kernelPackage + ")");
        download(packages, debs);
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
        List<String> order = moduleLoadOrder(root, kernelVersion, recipe.modules());
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
                String name = src.getFileName().toString();
                String dir = name.equals("tc") || name.equals("ip") ? "usr/sbin" : "usr/bin";
                copy(src, initrd.resolve(dir + "/" + name));
                needed.addAll(closure(root, src));
            }
        }
        Path libDir = Files.createDirectories(initrd.resolve("lib/x86_64-linux-gnu"));
        for (String lib : needed) {
            copy(findLib(root, lib), libDir.resolve(lib));
        }
        Files.createDirectories(initrd.resolve("lib64"));
        Files.createSymbolicLink(initrd.resolve("lib64/ld-linux-x86-64.so.2"), Path.of("/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"));
        if (!needed.contains("ld-linux-x86-64.so.2")) {
            copy(findLib(root, "ld-linux-x86-64.so.2"), libDir.resolve("ld-linux-x86-64.so.2"));
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
            throw new NetloomException("the tiny initramfs is " + size / 1_000_000 + " MB, over the 25 MB limit: trim the recipe's packages");
        }
        Files.copy(vmlinuz, stage.resolve(ImageStore.KERNEL));
        ImageStore.deleteTree(work);

        ImageManifest manifest = new ImageManifest(NAME, TinyKind.NAME, ImageStore.KERNEL, ImageStore.INITRD, null, null,
                recipe.kernelArgs(), parseMiB(recipe.memory()), recipe.bootPattern(), null, null, null, null,
                recipe.promptPattern(), recipe.capabilities(), fingerprint);
        manifest.write(stage);
        return manifest;
    }

    /** The versioned kernel package that the meta-package (linux-image-amd64) points at. */
    private String resolveKernelPackage(String meta) {
        String found = kernelPackageOf(meta);
        if (found == null && updatePackageLists()) {
            found = kernelPackageOf(meta);
        }
        if (found == null) {
            throw new NetloomException("cannot find the Debian kernel package behind " + meta
                    + " (apt's package lists may be empty: run `apt-get update` and try again)");
        }
        return found;
    }

    /** The versioned package {@code apt-cache depends META} names, or null. */
    private static String kernelPackageOf(String meta) {
        Proc.Result r = Proc.run(List.of("apt-cache", "depends", meta), Duration.ofMinutes(1));
        Matcher m = Pattern.compile("Depends: (linux-image-[0-9]\\S*)").matcher(r.stdout());
        return r.ok() && m.find() ? m.group(1) : null;
    }

    /** Library packages that the tools depend on, transitively; only the libraries actually linked are copied. */
    private static List<String> libraryDependencies(List<String> packages) {
        List<String> cmd = new ArrayList<>(List.of("apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests",
                "--no-conflicts", "--no-breaks", "--no-replaces", "--no-enhances"));
        cmd.addAll(packages);
        Proc.Result r = Proc.run(cmd, Duration.ofMinutes(2)).orThrow();
        Set<String> libs = new TreeSet<>();
        for (String line : r.stdout().split("\n")) {
            String p = line.strip();
            if (!line.startsWith(" ") && (p.startsWith("lib") || p.equals("zlib1g"))
                    && !p.endsWith("-perl") && !p.endsWith("-common") && !p.endsWith("-bin") && !p.contains("-modules")
                    && !packages.contains(p)) {
                libs.add(p);
            }
        }
        return new ArrayList<>(libs);
    }

    private void download(List<String> packages, Path dir) {
        List<String> cmd = new ArrayList<>(List.of("apt-get", "download", "-q"));
        cmd.addAll(packages);
        Proc.Result r = Proc.run(cmd, dir, null, Duration.ofMinutes(15));
        if (!r.ok() && updatePackageLists()) {
            // stale package lists name versions the archive no longer has
            r = Proc.run(cmd, dir, null, Duration.ofMinutes(15));
        }
        if (!r.ok()) {
            String cause = r.stderr().lines().filter(l -> l.startsWith("E:")).findFirst().orElse(Proc.lastLine(r.stderr()));
            throw new NetloomException("cannot download the tiny image's Debian packages: " + cause
                    + " (check that the Debian archive is reachable and run `apt-get update`)");
        }
    }

    /** Runs apt-get update once per build, as root only; true if it ran and succeeded. */
    private boolean updatePackageLists() {
        if (listsUpdated || !dev.netloom.nodes.host.HostSetup.isRoot()) {
            return false;
        }
        listsUpdated = true;
        say.accept("updating apt's package lists (apt-get update)");
        return Proc.run(List.of("apt-get", "update", "-q"), Duration.ofMinutes(10)).ok();
    }

    /** Module files (relative to lib/modules/VERSION) in an order in which each one's dependencies come first. */
    static List<String> moduleLoadOrder(Path root, String kernelVersion, List<String> modules) throws IOException {
        Proc.run(List.of("depmod", "-b", root.toString(), kernelVersion), Duration.ofMinutes(2)).orThrow();
        Map<String, List<String>> deps = parseModulesDep(Files.readString(root.resolve("lib/modules/" + kernelVersion + "/modules.dep")));
        return loadOrder(deps, modules);
    }

    static Map<String, List<String>> parseModulesDep(String text) {
        Map<String, List<String>> deps = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                String rest = line.substring(colon + 1).strip();
                deps.put(line.substring(0, colon), rest.isEmpty() ? List.of() : List.of(rest.split("\\s+")));
            }
        }
        return deps;
    }

    /** Depth-first: a module's dependencies (listed by modules.dep, last one loaded first) before the module. */
    static List<String> loadOrder(Map<String, List<String>> deps, List<String> modules) {
        Map<String, String> byName = new LinkedHashMap<>();
        for (String path : deps.keySet()) {
            byName.put(moduleName(path), path);
        }
        Set<String> order = new LinkedHashSet<>();
        for (String m : modules) {
            String path = byName.get(m.replace('-', '_'));
            if (path == null) {
                throw new NetloomException("kernel module " + m + " is not in the kernel package (modules.dep has no " + m + ".ko)");
            }
            visit(path, deps, order, new ArrayDeque<>());
        }
        return new ArrayList<>(order);
    }

    private static void visit(String path, Map<String, List<String>> deps, Set<String> order, Deque<String> stack) {
        if (order.contains(path) || stack.contains(path)) {
            return;
        }
        stack.push(path);
        List<String> ds = new ArrayList<>(deps.getOrDefault(path, List.of()));
        java.util.Collections.reverse(ds);
        for (String d : ds) {
            visit(d, deps, order, stack);
        }
        stack.pop();
        order.add(path);
    }

    static String moduleName(String path) {
        String file = path.substring(path.lastIndexOf('/') + 1);
        return file.replaceFirst("\\.ko(\\.(xz|zst|gz))?$", "").replace('-', '_');
    }

    /** Sonames that {@code elf} needs, directly and through its libraries. */
    private static Set<String> closure(Path root, Path elf) {
        Set<String> seen = new TreeSet<>();
        Deque<Path> todo = new ArrayDeque<>(List.of(elf));
        while (!todo.isEmpty()) {
            for (String lib : needed(todo.pop())) {
                if (seen.add(lib)) {
                    todo.push(findLib(root, lib));
                }
            }
        }
        return seen;
    }

    private static List<String> needed(Path elf) {
        Proc.Result r = Proc.run(List.of("readelf", "-d", "-W", elf.toString()), Duration.ofMinutes(1)).orThrow();
        List<String> libs = new ArrayList<>();
        Matcher m = Pattern.compile("\\(NEEDED\\)\\s+Shared library: \\[([^\\]]+)]").matcher(r.stdout());
        while (m.find()) {
            libs.add(m.group(1));
        }
        return libs;
    }

    private static Path findLib(Path root, String soname) {
        for (String dir : LIB_DIRS) {
            Path p = root.resolve(dir).resolve(soname);
            if (Files.exists(p)) {
                return p;
            }
        }
        throw new NetloomException("shared library " + soname + " is in none of the downloaded packages; add its package to images/tiny/tiny.json");
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

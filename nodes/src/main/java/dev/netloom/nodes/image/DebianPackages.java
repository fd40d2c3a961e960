package dev.netloom.nodes.image;

import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.UserDirs;
import dev.netloom.nodes.host.HostSetup;
import dev.netloom.nodes.host.Proc;
import dev.netloom.nodes.qemu.Arch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * Where the tiny image's .deb files come from: apt, asked about versions and dependencies
 * ({@code apt-cache depends}) and told to fetch ({@code apt-get download}). For the host's own
 * architecture that is the host's apt as it is. For another architecture it is a private apt state
 * of netloom's (its own sources list, package lists, cache and an empty dpkg status, with
 * {@code APT::Architecture} set to the guest's), pointing at the same Debian archive and suites as
 * the host's sources: the host's dpkg architectures and package lists are never touched.
 */
final class DebianPackages {

    private final Arch arch;
    private final List<String> aptOptions;
    private final Path privateDir; // null: the host's apt
    private final Consumer<String> say;
    private boolean listsUpdated;

    private DebianPackages(Arch arch, List<String> aptOptions, Path privateDir, Consumer<String> say) {
        this.arch = arch;
        this.aptOptions = List.copyOf(aptOptions);
        this.privateDir = privateDir;
        this.say = say;
    }

    /** The packages of {@code arch}: the host's apt for the host's own architecture, a private apt state in {@link #defaultDir} otherwise. */
    static DebianPackages of(Arch arch, Consumer<String> say) {
        return arch.isHost() ? new DebianPackages(arch, List.of(), null, say) : privateFor(arch, defaultDir(arch), say);
    }

    /**
     * A private apt state in {@code dir} for {@code arch}: its sources list is made from the host's
     * Debian entries (see {@link #sourcesList}), rewritten when those change, and its package lists
     * are fetched when missing.
     */
    static DebianPackages privateFor(Arch arch, Path dir, Consumer<String> say) {
        DebianPackages p = new DebianPackages(arch, aptOptions(arch, dir), dir, say);
        p.prepare();
        return p;
    }

    /** The default private state directory: {@code $XDG_CACHE_HOME/netloom/apt-ARCH} (~/.cache/netloom/apt-arm64). */
    static Path defaultDir(Arch arch) {
        return UserDirs.cache().resolve("apt-" + arch.debianArch());
    }

    /**
     * apt's options for a private state in {@code dir}: every file apt reads or writes about packages
     * (sources, lists, cache, dpkg status) lies under {@code dir}; apt.conf.d and the trusted keys stay
     * the host's, so proxies and the Debian archive keys apply. The sandbox user is root because the
     * state lives in the user's home, which apt's {@code _apt} user cannot enter (as non-root apt does
     * not switch users anyway).
     */
    static List<String> aptOptions(Arch arch, Path dir) {
        return List.of(
                "-o", "Dir::State=" + dir.resolve("state"),
                "-o", "Dir::State::status=" + dir.resolve("state/status"),
                "-o", "Dir::Cache=" + dir.resolve("cache"),
                "-o", "Dir::Etc::SourceList=" + dir.resolve("sources.list"),
                "-o", "Dir::Etc::SourceParts=" + dir.resolve("sources.list.d"),
                "-o", "APT::Architecture=" + arch.debianArch(),
                "-o", "APT::Architectures=" + arch.debianArch(),
                "-o", "APT::Sandbox::User=root");
    }

    /**
     * A one-line-format sources list for {@code debianArch} from the host's index targets
     * ({@code apt-get indextargets --no-release-info --format '$(TARGET_OF) $(REPO_URI) $(RELEASE) $(COMPONENT)'}):
     * the {@code deb} entries of the host's Debian release ({@code codename} and its {@code codename-*}
     * suites: updates, security, backports), so that third-party repositories are left out. Pure.
     */
    static String sourcesList(String indexTargets, String codename, String debianArch) {
        Map<String, Set<String>> components = new LinkedHashMap<>();
        for (String line : indexTargets.split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length != 4 || !f[0].equals("deb") || !(f[2].equals(codename) || f[2].startsWith(codename + "-"))) {
                continue;
            }
            components.computeIfAbsent(f[1] + " " + f[2], k -> new LinkedHashSet<>()).add(f[3]);
        }
        StringBuilder out = new StringBuilder("# written by netloom from the host's apt sources (its Debian entries), kept in step with them at every build\n");
        components.forEach((repoAndSuite, comps) ->
                out.append("deb [arch=").append(debianArch).append("] ").append(repoAndSuite).append(' ').append(String.join(" ", comps)).append('\n'));
        return components.isEmpty() ? "" : out.toString();
    }

    /** The versioned kernel package that the meta-package (linux-image-cloud-amd64) points at. */
    String kernelPackage(String meta) {
        String found = kernelPackageOf(meta);
        if (found == null && updatePackageLists()) {
            found = kernelPackageOf(meta);
        }
        if (found == null) {
            throw new NetloomException("cannot find the Debian kernel package behind " + meta + " for " + arch
                    + " (apt's package lists may be empty: " + updateHint() + " and try again)");
        }
        return found;
    }

    /** The versioned package {@code apt-cache depends META} names, or null. */
    private String kernelPackageOf(String meta) {
        Proc.Result r = Proc.run(apt("apt-cache", "depends", meta), Duration.ofMinutes(1));
        Matcher m = Pattern.compile("Depends: (linux-image-[0-9]\\S*)").matcher(r.stdout());
        return r.ok() && m.find() ? m.group(1) : null;
    }

    /** Library packages that the tools depend on, transitively; only the libraries actually linked are copied. */
    List<String> libraryDependencies(List<String> packages) {
        List<String> cmd = apt("apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests",
                "--no-conflicts", "--no-breaks", "--no-replaces", "--no-enhances");
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

    /** Fetches the .deb files of {@code packages} into {@code dir}. */
    void download(List<String> packages, Path dir) {
        List<String> cmd = apt("apt-get", "download", "-q");
        cmd.addAll(packages);
        Proc.Result r = Proc.run(cmd, dir, null, Duration.ofMinutes(15));
        if (!r.ok() && updatePackageLists()) {
            // stale package lists name versions the archive no longer has
            r = Proc.run(cmd, dir, null, Duration.ofMinutes(15));
        }
        if (!r.ok()) {
            String cause = r.stderr().lines().filter(l -> l.startsWith("E:")).findFirst().orElse(Proc.lastLine(r.stderr()));
            throw new NetloomException("cannot download the tiny image's Debian packages (" + arch + "): " + cause
                    + " (check that the Debian archive is reachable and " + updateHint() + ")");
        }
    }

    /** An apt command line with this source's options after the program name. */
    private List<String> apt(String program, String... args) {
        List<String> cmd = new ArrayList<>(List.of(program));
        cmd.addAll(aptOptions);
        cmd.addAll(List.of(args));
        return cmd;
    }

    private String updateHint() {
        return privateDir == null ? "run `apt-get update`" : "remove " + privateDir + " to fetch its package lists again";
    }

    /**
     * Runs apt-get update once per build; true if it ran and succeeded. The host's lists are updated
     * as root only; a private state belongs to netloom and is updated by whoever builds.
     */
    private boolean updatePackageLists() {
        if (listsUpdated || (privateDir == null && !HostSetup.isRoot())) {
            return false;
        }
        listsUpdated = true;
        say.accept("updating apt's package lists for " + arch + (privateDir == null ? " (apt-get update)" : " in " + privateDir));
        Proc.Result r = Proc.run(apt("apt-get", "update", "-q"), Duration.ofMinutes(10));
        if (!r.ok()) {
            say.accept("apt-get update failed: " + r.stderr().lines().filter(l -> l.startsWith("E:")).findFirst().orElse(Proc.lastLine(r.stderr())));
        }
        return r.ok();
    }

    /** Creates the private state's directories, (re)writes its sources list, and fetches its package lists when it has none. */
    private void prepare() {
        try {
            for (String d : List.of("state/lists/partial", "cache/archives/partial", "sources.list.d")) {
                Files.createDirectories(privateDir.resolve(d));
            }
            Path status = privateDir.resolve("state/status");
            if (!Files.exists(status)) {
                Files.createFile(status);
            }
            String codename = hostCodename();
            Proc.Result targets = Proc.run(List.of("apt-get", "indextargets", "--no-release-info",
                    "--format", "$(TARGET_OF) $(REPO_URI) $(RELEASE) $(COMPONENT)"), Duration.ofMinutes(1)).orThrow();
            String sources = sourcesList(targets.stdout(), codename, arch.debianArch());
            if (sources.isEmpty()) {
                throw new NetloomException("the host's apt sources have no entry for Debian " + codename
                        + ", which the " + arch + " packages are fetched from (add the Debian archive to /etc/apt/sources.list)");
            }
            Path list = privateDir.resolve("sources.list");
            boolean changed = !Files.exists(list) || !Files.readString(list).equals(sources);
            if (changed) {
                Files.writeString(list, sources);
            }
            if (changed || !hasPackageLists()) {
                updatePackageLists();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare netloom's apt state in " + privateDir, e);
        }
    }

    private boolean hasPackageLists() throws IOException {
        try (Stream<Path> files = Files.list(privateDir.resolve("state/lists"))) {
            return files.anyMatch(f -> f.getFileName().toString().contains("_Packages"));
        }
    }

    /** VERSION_CODENAME from /etc/os-release (bookworm on Debian 12). */
    private static String hostCodename() throws IOException {
        for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
            if (line.startsWith("VERSION_CODENAME=")) {
                return line.substring("VERSION_CODENAME=".length()).replace("\"", "").strip();
            }
        }
        throw new NetloomException("/etc/os-release names no VERSION_CODENAME: cannot tell which Debian suites to fetch "
                + "packages from (netloom builds images on Debian hosts)");
    }
}

package dev.netloom.nodes.image;

import dev.netloom.nodes.Install;
import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.UserDirs;
import dev.netloom.nodes.host.HostSetup;
import dev.netloom.nodes.host.Proc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A Debian root file system in a directory, made with mmdebstrap (variant minbase, no recommends, no
 * manuals or translations), and the few operations a build does on it afterwards: copy a file in, run
 * a command inside it. Building needs root (mmdebstrap's root mode and chroot).
 *
 * <p>Commands run as an argument list, {@code unshare --net --uts --ipc --pid --fork --mount
 * --mount-proc=ROOT/proc chroot ROOT /bin/sh -c CMD}: the command text goes to the rootfs's own shell,
 * never the host's; it runs without the host's network (a new network namespace with only a down
 * loopback: a recipe cannot download or phone home, so what an image holds comes from the archive
 * through mmdebstrap, netloom's own step), hostname and System V IPC; /proc is mounted in a private
 * mount namespace, so nothing stays mounted when the command ends, and the fresh PID namespace takes
 * down any daemon the command started. It still runs as root: see docs/images.md for what a chroot
 * cannot stop.
 */
public final class DebianRootfs {

    public static final String DEFAULT_RELEASE = "bookworm";
    /** Release (suite or codename) names reach mmdebstrap's arguments and image names: strict. */
    public static final Pattern RELEASE = Pattern.compile("[a-z][a-z0-9-]{1,30}");
    /** A Debian package name (with an optional architecture or version is not accepted: names only). */
    public static final Pattern PACKAGE = Pattern.compile("[a-z0-9][a-z0-9+.-]+");
    public static final String MIRROR = "http://deb.debian.org/debian";
    public static final String SECURITY_MIRROR = "http://deb.debian.org/debian-security";
    private static final Set<String> ROLLING = Set.of("sid", "unstable", "experimental", "rc-buggy");
    /** Documentation a node never reads; dpkg keeps excluding it for packages installed later. */
    private static final List<String> DPKG_OPTS = List.of(
            "path-exclude=/usr/share/man/*",
            "path-exclude=/usr/share/info/*",
            "path-exclude=/usr/share/doc/*",
            "path-include=/usr/share/doc/*/copyright",
            "path-exclude=/usr/share/locale/*",
            "path-include=/usr/share/locale/locale.alias");

    private final String release;
    private final List<String> packages;
    private final Path debCache;
    private final Consumer<String> say;

    /**
     * @param release  Debian release (bookworm, trixie, sid, ...)
     * @param packages packages installed on top of minbase (with their dependencies, without recommends)
     * @param debCache directory that keeps downloaded .debs between builds, or null for none
     * @param say      progress lines for the user
     */
    public DebianRootfs(String release, List<String> packages, Path debCache, Consumer<String> say) {
        checkRelease(release);
        for (String p : packages) {
            checkPackage(p);
        }
        this.release = release;
        this.packages = List.copyOf(new LinkedHashSet<>(packages));
        this.debCache = debCache;
        this.say = say;
    }

    public static void checkRelease(String release) {
        if (release == null || !RELEASE.matcher(release).matches()) {
            throw new BadInputException("invalid Debian release '" + release + "': use a codename such as bookworm or trixie");
        }
    }

    public static void checkPackage(String name) {
        if (name == null || !PACKAGE.matcher(name).matches()) {
            throw new BadInputException("invalid Debian package name '" + name + "': use lowercase letters, digits, '+', '-' and '.'");
        }
    }

    public String release() {
        return release;
    }

    public List<String> packages() {
        return packages;
    }

    /** The per-user cache of downloaded .debs: $XDG_CACHE_HOME/netloom/debs/RELEASE (or ~/.cache/...). */
    public static Path defaultDebCache(String release) {
        checkRelease(release);
        return UserDirs.cache().resolve("debs").resolve(release);
    }

    /** The apt sources for a release: the release itself, and for stable releases its -updates and -security suites. */
    public static List<String> sources(String release) {
        checkRelease(release);
        List<String> out = new ArrayList<>(List.of("deb " + MIRROR + " " + release + " main"));
        if (!ROLLING.contains(release)) {
            out.add("deb " + MIRROR + " " + release + "-updates main");
            out.add("deb " + SECURITY_MIRROR + " " + release + "-security main");
        }
        return out;
    }

    /** mmdebstrap's argument list for building into {@code target}; pure, for tests. */
    public List<String> command(Path target) {
        List<String> cmd = new ArrayList<>(List.of("mmdebstrap", "--mode=root", "--variant=minbase", "--format=directory",
                "--aptopt=APT::Install-Recommends \"false\"", "--aptopt=Acquire::Retries \"3\""));
        for (String opt : DPKG_OPTS) {
            cmd.add("--dpkgopt=" + opt);
        }
        if (!packages.isEmpty()) {
            cmd.add("--include=" + String.join(",", packages));
        }
        if (debCache != null) {
            // keep downloaded .debs: copy the cache in before apt runs, and the archive back out at the end
            cmd.add("--skip=download/empty");
            cmd.add("--skip=essential/unlink");
            cmd.add("--setup-hook=mkdir -p \"$1\"/var/cache/apt/archives/partial");
            cmd.add("--setup-hook=sync-in " + debCache + " /var/cache/apt/archives/");
            cmd.add("--customize-hook=sync-out /var/cache/apt/archives " + debCache);
        }
        cmd.add(release);
        cmd.add(target.toString());
        cmd.addAll(sources(release));
        return cmd;
    }

    /**
     * Makes the rootfs in {@code target} (which must not exist yet, or be empty). Throws a
     * NetloomException with mmdebstrap's own error lines when it fails.
     */
    public void create(Path target) {
        if (!HostSetup.isRoot()) {
            throw new NetloomException("building a Debian image needs root (mmdebstrap's root mode and chroot): run it as root");
        }
        if (!Proc.onPath("mmdebstrap")) {
            throw new NetloomException("mmdebstrap is not installed: run `" + Install.cli() + " setup` or `apt-get install mmdebstrap`");
        }
        Path cache = usableCache();
        DebianRootfs run = cache == debCache ? this : new DebianRootfs(release, packages, cache, say);
        say.accept("mmdebstrap: Debian " + release + " with " + packages.size() + " packages into " + target
                + (cache == null ? "" : " (.deb cache " + cache + ")"));
        long t0 = System.nanoTime();
        Proc.Result r = Proc.run(run.command(target), null, null, Duration.ofMinutes(60));
        if (!r.ok()) {
            throw new NetloomException("mmdebstrap failed (exit " + r.exitCode() + ") building Debian " + release + ": "
                    + errorLines(r.stderr()) + " (check the package names, that the Debian archive is reachable, and the release name)");
        }
        say.accept(String.format(java.util.Locale.ROOT, "mmdebstrap done in %.0f s", (System.nanoTime() - t0) / 1e9));
        removeDownloadedDebs(target);
    }

    private Path usableCache() {
        if (debCache == null || debCache.toString().chars().anyMatch(Character::isWhitespace)) {
            return null; // mmdebstrap's special hooks split their arguments on whitespace
        }
        try {
            Files.createDirectories(debCache);
            return debCache;
        } catch (IOException e) {
            say.accept("not caching .debs: cannot create " + debCache + " (" + e.getMessage() + ")");
            return null;
        }
    }

    /** The lines of mmdebstrap's output that say what went wrong (E: lines, else the last few). */
    static String errorLines(String stderr) {
        List<String> errors = stderr.lines().filter(l -> l.startsWith("E:")).toList();
        if (errors.isEmpty()) {
            List<String> all = stderr.lines().filter(l -> !l.isBlank()).toList();
            errors = all.subList(Math.max(0, all.size() - 5), all.size());
        }
        return String.join(" | ", errors.subList(0, Math.min(errors.size(), 8)));
    }

    private static void removeDownloadedDebs(Path rootfs) {
        Path archives = rootfs.resolve("var/cache/apt/archives");
        if (!Files.isDirectory(archives)) {
            return;
        }
        try (Stream<Path> files = Files.list(archives)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".deb")).toList()) {
                Files.delete(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes {@code content} to {@code dest} (an absolute path inside the rootfs) with the octal
     * {@code mode}, creating parent directories (0755). Refuses a destination that leaves the rootfs,
     * also through a symbolic link in the rootfs (/bin -> usr/bin is resolved inside the rootfs).
     */
    public static Path copyIn(Path rootfs, byte[] content, String dest, String mode) {
        Path target = inside(rootfs, dest);
        try {
            Files.createDirectories(target.getParent());
            Files.deleteIfExists(target);
            Files.write(target, content);
            Files.setPosixFilePermissions(target, permissions(mode));
            return target;
        } catch (IOException e) {
            throw new NetloomException("cannot write " + dest + " in the rootfs: " + e.getMessage(), e);
        }
    }

    /** The host path of the absolute guest path {@code dest}, with the rootfs's own symbolic links followed inside it. */
    static Path inside(Path rootfs, String dest) {
        if (dest == null || !dest.startsWith("/") || dest.contains("\0")) {
            throw new BadInputException("'" + dest + "' is not an absolute path in the image");
        }
        Path root = rootfs.toAbsolutePath().normalize();
        Path current = root;
        List<String> parts = new ArrayList<>(List.of(dest.substring(1).split("/+")));
        int hops = 0;
        for (int i = 0; i < parts.size(); i++) {
            String part = parts.get(i);
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                current = current.equals(root) ? root : current.getParent();
                continue;
            }
            Path next = current.resolve(part);
            if (i < parts.size() - 1 && Files.isSymbolicLink(next)) {
                if (++hops > 40) {
                    throw new BadInputException("too many symbolic links in " + dest);
                }
                try {
                    String link = Files.readSymbolicLink(next).toString();
                    List<String> rest = new ArrayList<>(List.of(link.split("/+")));
                    rest.addAll(parts.subList(i + 1, parts.size()));
                    parts = rest;
                    i = -1;
                    current = link.startsWith("/") ? root : current;
                    continue;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            current = next;
        }
        if (!current.startsWith(root) || current.equals(root)) {
            throw new BadInputException("'" + dest + "' is not a file path inside the image");
        }
        return current;
    }

    static Set<PosixFilePermission> permissions(String mode) {
        if (mode == null || !mode.matches("0?[0-7]{3}")) {
            throw new BadInputException("invalid file mode '" + mode + "': use octal such as 0644 or 0755");
        }
        String m = mode.length() == 4 ? mode.substring(1) : mode;
        StringBuilder rwx = new StringBuilder();
        for (char c : m.toCharArray()) {
            int d = c - '0';
            rwx.append((d & 4) != 0 ? 'r' : '-').append((d & 2) != 0 ? 'w' : '-').append((d & 1) != 0 ? 'x' : '-');
        }
        return PosixFilePermissions.fromString(rwx.toString());
    }

    /** The argument list that runs {@code command} in the rootfs's shell (see the class comment). */
    public static List<String> chrootCommand(Path rootfs, String command) {
        Path root = rootfs.toAbsolutePath().normalize();
        return List.of("unshare", "--net", "--uts", "--ipc", "--pid", "--fork", "--mount", "--propagation", "private",
                "--mount-proc=" + root.resolve("proc"), "chroot", root.toString(), "/bin/sh", "-c", command);
    }

    /**
     * Runs {@code command} inside the rootfs (see the class comment) with services kept from starting
     * (policy-rc.d) and a non-interactive debconf; returns the result, whatever the exit code.
     */
    public static Proc.Result run(Path rootfs, String command, Duration timeout) {
        Path policy = rootfs.resolve("usr/sbin/policy-rc.d");
        boolean ownPolicy = !Files.exists(policy, LinkOption.NOFOLLOW_LINKS);
        try {
            if (ownPolicy) {
                copyIn(rootfs, "#!/bin/sh\n# netloom image build: no services start in the chroot\nexit 101\n".getBytes(), "/usr/sbin/policy-rc.d", "0755");
            }
            String env = "export DEBIAN_FRONTEND=noninteractive DEBCONF_NONINTERACTIVE_SEEN=true LC_ALL=C LANG=C"
                    + " PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root; ";
            return Proc.run(chrootCommand(rootfs, env + command), null, null, timeout);
        } finally {
            if (ownPolicy) {
                try {
                    Files.deleteIfExists(policy);
                } catch (IOException e) {
                    // the image keeps a policy-rc.d that only matters inside chroots
                }
            }
        }
    }
}

package dev.netloom.nodes.fork;

import dev.netloom.nodes.Json;
import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.NodePaths;
import dev.netloom.nodes.NodeSpec;
import dev.netloom.nodes.QemuNode;
import dev.netloom.nodes.RunDirs;
import dev.netloom.nodes.StartMode;
import dev.netloom.nodes.UserDirs;
import dev.netloom.nodes.host.Proc;
import dev.netloom.nodes.image.ImageKinds;
import dev.netloom.nodes.image.ImageStore;
import dev.netloom.nodes.qemu.Arch;
import io.netty.channel.EventLoopGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;

/**
 * The fork templates, cached in {@code $XDG_CACHE_HOME/netloom/templates}, one directory per
 * {@link ForkKey}: the guest's RAM file ({@code ram}), its saved device state ({@code state}) and the
 * key ({@code template.json}). A template is built by booting one node with its RAM in a file,
 * waiting until it is READY, saving its device state and stopping it; the build happens in a staged
 * directory that is renamed into place only once complete, under a lock file, so a build that was
 * interrupted is never used (the next build removes what it left).
 */
public final class Templates {

    private static final Logger log = LoggerFactory.getLogger(Templates.class);
    static final Duration SAVE_TIMEOUT = Duration.ofSeconds(60);
    private static final String KEY_FILE = "template.json";
    private static final String STAGED = ".staged-";
    /** One builder per key in this JVM; the lock file keeps other processes out. */
    private static final Map<String, Object> BUILDING = new ConcurrentHashMap<>();
    private static final Map<Arch, String> QEMU_VERSIONS = new ConcurrentHashMap<>();

    private final Path root;

    public Templates(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** The templates in the user's cache directory. */
    public static Templates inCache() {
        return new Templates(UserDirs.cache().resolve("templates"));
    }

    public Path root() {
        return root;
    }

    /** One cached template: where its RAM and device state are. */
    public record Template(ForkKey key, Path dir) {

        public Path ram() {
            return dir.resolve("ram");
        }

        public Path state() {
            return dir.resolve("state");
        }

        /** How a fork of this template starts. */
        public StartMode forkMode() {
            return StartMode.fork(ram(), state());
        }
    }

    /**
     * True when a node of {@code spec} can start as a fork: its image's kind says so
     * ({@code ImageKind.forkable}), the image has a fingerprint to key the template by, and the node
     * has no disk or seed drive, whose contents the template's RAM would not match.
     */
    public static boolean forkable(NodeSpec spec) {
        return ImageKinds.forBoot(spec.image().kind()).forkable() && spec.image().fingerprint() != null
                && spec.image().disk() == null && spec.seed() == null;
    }

    /** The key of the template {@code spec} forks from, with the installed emulator's version. */
    public static ForkKey keyOf(NodeSpec spec) {
        return ForkKey.of(spec, qemuVersion(spec.image().arch()));
    }

    /** The emulator's version line ({@code qemu-system-x86_64 --version}), asked once per architecture. */
    static String qemuVersion(Arch arch) {
        return QEMU_VERSIONS.computeIfAbsent(arch, a -> {
            Proc.Result r = Proc.run(List.of(a.qemu(), "--version"), Duration.ofSeconds(30)).orThrow();
            return r.stdout().lines().findFirst().orElse("").strip();
        });
    }

    /** The complete template for {@code key}, if one is cached. */
    public Optional<Template> find(ForkKey key) {
        Path dir = root.resolve(key.id());
        return Files.isRegularFile(dir.resolve(KEY_FILE)) ? Optional.of(new Template(key, dir)) : Optional.empty();
    }

    /**
     * The template for nodes like {@code spec}, built first when none is cached: a node booted with
     * its RAM in a file, READY, its state saved. {@code launched} gets the template QEMU's pid (a lab
     * journals it so that cleanup can stop it after a crash).
     */
    public Template ensure(NodeSpec spec, EventLoopGroup loops, LongConsumer launched) {
        return ensure(spec, null, loops, launched);
    }

    /**
     * As above, with the template node's run directory {@code runDir} (removed when it stops; null
     * for a fresh one): a lab puts it in its own directory, where cleanup looks for QEMUs.
     */
    public Template ensure(NodeSpec spec, NodePaths runDir, EventLoopGroup loops, LongConsumer launched) {
        ForkKey key = keyOf(spec);
        Optional<Template> cached = find(key);
        if (cached.isPresent()) {
            return cached.get();
        }
        synchronized (BUILDING.computeIfAbsent(key.id(), k -> new Object())) {
            try {
                RunDirs.createPrivate(root);
                try (FileChannel channel = FileChannel.open(root.resolve(key.id() + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                     FileLock lock = channel.lock()) {
                    cached = find(key); // another process may have built it while we waited
                    return cached.isPresent() ? cached.get() : build(key, spec, runDir, loops, launched);
                }
            } catch (IOException e) {
                throw new NetloomException("cannot build the fork template " + key.id() + " in " + root + ": " + e.getMessage(), e);
            }
        }
    }

    /** Builds the template under the lock: staged, then renamed into place. */
    private Template build(ForkKey key, NodeSpec spec, NodePaths runDir, EventLoopGroup loops, LongConsumer launched) throws IOException {
        removeStaged(key);
        Path staged = root.resolve(key.id() + STAGED + ProcessHandle.current().pid());
        RunDirs.createPrivate(staged);
        long started = System.nanoTime();
        try {
            try (QemuNode node = QemuNode.start(templateSpec(spec), runDir == null ? NodePaths.fresh("template") : runDir, true, loops, List.of(), launched,
                    StartMode.template(staged.resolve("ram")))) {
                node.awaitReady();
                node.saveState(staged.resolve("state"), SAVE_TIMEOUT);
            }
            Json.PRETTY.writeValue(staged.resolve(KEY_FILE).toFile(), key);
            Path dir = root.resolve(key.id());
            Files.move(staged, dir, StandardCopyOption.ATOMIC_MOVE);
            log.info("fork template {} built in {} ms", key.id(), Duration.ofNanos(System.nanoTime() - started).toMillis());
            return new Template(key, dir);
        } finally {
            ImageStore.deleteTree(staged);
        }
    }

    /** Removes what interrupted builds of {@code key} left; only called under the key's lock. */
    private void removeStaged(ForkKey key) throws IOException {
        try (DirectoryStream<Path> staged = Files.newDirectoryStream(root, key.id() + STAGED + "*")) {
            for (Path p : staged) {
                ImageStore.deleteTree(p);
            }
        }
    }

    /**
     * The template node: the spec's machine and devices, named "template", its NICs without a host
     * side (their backends are not part of the saved state) and with fixed MACs, outside any namespace,
     * and no firmware files: those are each fork's own (a lab's /etc/hosts), which its guest lists once
     * its fw_cfg driver is bound again.
     */
    static NodeSpec templateSpec(NodeSpec spec) {
        List<NodeSpec.Nic> nics = spec.nics().stream()
                .map(n -> new NodeSpec.Nic(null, String.format("52:54:00:00:00:%02x", n.pciSlot()), n.pciSlot()))
                .toList();
        return new NodeSpec("template", spec.image(), spec.imageDir(), spec.accel(), spec.cpus(), spec.memoryMiB(), nics, null,
                spec.extraArgs(), spec.stallTimeout(), spec.bootBudget(), spec.restartBudget());
    }
}

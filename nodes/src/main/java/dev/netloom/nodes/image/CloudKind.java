package dev.netloom.nodes.image;

import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.NodePaths;
import dev.netloom.nodes.NodeSpec;
import dev.netloom.nodes.qemu.QemuCommandLine;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * An unmodified cloud image with cloud-init: every launch of a node gets a fresh NoCloud seed
 * ({@link NoCloudSeed}) that logs root in on ttyS0 (and, for people, on ttyS1: imports get the
 * human-console capability), sets the hostname and prints the boot marker.
 */
final class CloudKind implements ImageKind {

    static final String NAME = "cloud";
    /** Debian's and Ubuntu's bash PS1 for root; readline may switch bracketed paste on around it. */
    static final String PROMPT_PATTERN = "root@[^\\s:]+:[^\\n]*# (\\x1b\\[\\?2004h)?$";
    static final int MEMORY_MIB = 512;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "an unmodified cloud image with cloud-init (e.g. debian-12-genericcloud-amd64.qcow2); each node gets a NoCloud seed"
                + " that logs root in on ttyS0 and sets the hostname";
    }

    @Override
    public boolean imported() {
        return true;
    }

    @Override
    public Defaults defaults() {
        return new Defaults(Pattern.quote(NoCloudSeed.BOOT_MARKER), PROMPT_PATTERN, MEMORY_MIB, List.of(ImageManifest.HUMAN_CONSOLE));
    }

    @Override
    public void checkImport(ImportRequest r) {
        if (r.loginPattern() != null) {
            throw new BadInputException("--login-pattern does not apply to cloud images: the NoCloud seed logs root in on ttyS0"
                    + " (import the image as generic to log in with credentials)");
        }
    }

    /** The seed is written with genisoimage or xorriso: installed now, so that nodes can start later. */
    @Override
    public void ensureHostTools(Consumer<String> say) {
        NoCloudSeed.ensureTool(say);
    }

    /**
     * A fresh seed at every launch: a new instance id makes cloud-init run its per-instance modules
     * (auto-login, marker) again, also after a restart. A spec that brings its own seed keeps it.
     */
    @Override
    public NodeSpec prepareLaunch(NodeSpec spec, NodePaths paths) {
        if (spec.seed() != null) {
            return spec;
        }
        String nonce = Long.toHexString(System.currentTimeMillis()) + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 16));
        String humanTty = QemuCommandLine.hasHumanPort(spec) ? QemuCommandLine.humanTty(spec).substring("/dev/".length()) : null;
        Path seed = NoCloudSeed.forNode(spec.name(), nonce, spec.sshKey(), spec.nics().stream().map(NodeSpec.Nic::mac).toList(), humanTty)
                .writeIso(paths.seedIso());
        return spec.withSeed(seed);
    }

    @Override
    public List<Path> launchFiles(NodePaths paths) {
        return List.of(paths.seedIso());
    }
}

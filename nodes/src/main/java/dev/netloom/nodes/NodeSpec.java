package dev.netloom.nodes;

import dev.netloom.nodes.host.Netns;

import dev.netloom.nodes.image.ImageManifest;
import dev.netloom.nodes.qemu.Accel;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Everything needed to start one QEMU node. A spec is data: {@code QemuCommandLine} turns it and the
 * node's {@link NodePaths} into QEMU's argument list.
 *
 * @param name          node name; also its hostname (netloom.hostname=NAME on the kernel command line)
 * @param image         the image manifest
 * @param imageDir      the directory the manifest's paths are relative to
 * @param accel         KVM or TCG (resolve AUTO with {@code AccelProbe} first); KVM only for an image of the
 *                      host's own architecture ({@code Arch.accel} gives a node's)
 * @param cpus          virtual CPUs
 * @param memoryMiB     guest memory
 * @param nics          network interfaces, in guest order (eth0 first)
 * @param netns         the network namespace QEMU runs in (its taps are there), or null for the host's
 * @param extraArgs     user's extra QEMU arguments; may not touch what netloom owns
 * @param stallTimeout  a boot fails when the console is silent this long
 * @param bootBudget    a boot fails when it takes longer than this overall
 * @param restartBudget how many times a boot that stalled is retried with a fresh QEMU
 * @param seed          a read-only second drive (a cloud-init NoCloud seed), or null; for cloud images
 *                      {@code QemuNode} makes one in the run directory at launch
 * @param sshKey        an SSH public key a cloud image's seed authorises for root, or null
 * @param limits        exec output cap and console transcript rotation size ({@link NodeLimits#defaults()} when null)
 * @param mergeMemory   whether the host's same-page merging (KSM) may merge this guest's memory with other
 *                      guests' (QEMU's {@code mem-merge}); a lab turns it off when its scenario or the CLI says so
 * @param firmware      files QEMU hands the guest through its firmware configuration device ({@code -fw_cfg}),
 *                      which the guest reads under /sys/firmware/qemu_fw_cfg/by_name/NAME/raw: a lab's /etc/hosts
 */
public record NodeSpec(
        String name,
        ImageManifest image,
        Path imageDir,
        Accel accel,
        int cpus,
        int memoryMiB,
        List<Nic> nics,
        Netns netns,
        List<String> extraArgs,
        Duration stallTimeout,
        Duration bootBudget,
        int restartBudget,
        Path seed,
        String sshKey,
        NodeLimits limits,
        boolean mergeMemory,
        List<FirmwareFile> firmware) {

    /** Node names reach hostnames, file names and `ip`: strict. */
    public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,14}");

    /**
     * One NIC: a host tap joined to a virtio-net-pci device on a fixed PCI slot, so the guest's
     * interface order (eth0, eth1, ...) follows the order of the list. A null tap leaves the NIC
     * without a host side (a fork template's NICs: forks bring their own taps).
     */
    public record Nic(String tap, String mac, int pciSlot) {
    }

    /**
     * A file in the guest's firmware configuration: {@code name} as QEMU's {@code -fw_cfg} takes it,
     * under {@code opt/} as QEMU asks of users' files, then a reverse domain ("opt/dev.netloom/hosts"),
     * at most 55 characters (QEMU's limit); {@code file} is read by QEMU when it starts. A fork's own:
     * no part of its template or its key ({@code ForkKey}).
     */
    public record FirmwareFile(String name, Path file) {

        public static final Pattern NAME = Pattern.compile("opt/[a-z0-9][a-z0-9.-]*/[a-z0-9][a-z0-9._-]*");

        public FirmwareFile {
            if (name == null || name.length() > 55 || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("not a firmware file name (opt/DOMAIN/NAME, at most 55 characters): '" + name + "'");
            }
            if (file == null) {
                throw new IllegalArgumentException("firmware file " + name + " has no file");
            }
        }
    }

    public NodeSpec {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new BadInputException("invalid node name '" + name + "': use 1-15 characters of a-z, 0-9 and '-', starting with a letter");
        }
        if (accel == Accel.AUTO) {
            throw new IllegalArgumentException("resolve AUTO acceleration with AccelProbe before building a NodeSpec");
        }
        if (accel == Accel.KVM && image != null && !image.arch().isHost()) {
            throw new BadInputException("node " + name + ": KVM cannot run " + image.arch() + " guests on this host"
                    + " (image " + image.name() + "); other architectures run under TCG (use --accel tcg or auto)");
        }
        if (cpus < 1 || memoryMiB < 16) {
            throw new BadInputException("node " + name + ": needs at least 1 CPU and 16 MiB of memory (got " + cpus + " CPUs, " + memoryMiB + " MiB)");
        }
        nics = nics == null ? List.of() : List.copyOf(nics);
        extraArgs = extraArgs == null ? List.of() : List.copyOf(extraArgs);
        stallTimeout = stallTimeout == null ? Duration.ofSeconds(60) : stallTimeout;
        bootBudget = bootBudget == null ? Duration.ofSeconds(600) : bootBudget;
        limits = limits == null ? NodeLimits.defaults() : limits;
        firmware = firmware == null ? List.of() : List.copyOf(firmware);
        if (sshKey != null && (sshKey.isBlank() || sshKey.chars().anyMatch(c -> c < 0x20))) {
            throw new BadInputException("node " + name + ": the SSH public key must be one line of text"
                    + " (the contents of a .pub file, e.g. 'ssh-ed25519 AAAA... user@host')");
        }
    }

    /** A spec without a seed drive or SSH key (the shape callers used before seeds existed). */
    public NodeSpec(String name, ImageManifest image, Path imageDir, Accel accel, int cpus, int memoryMiB, List<Nic> nics,
                    Netns netns, List<String> extraArgs, Duration stallTimeout, Duration bootBudget, int restartBudget) {
        this(name, image, imageDir, accel, cpus, memoryMiB, nics, netns, extraArgs, stallTimeout, bootBudget, restartBudget, null, null, null, true, List.of());
    }

    /** A spec with the image's defaults: one CPU, the image's memory, no NICs, no namespace. */
    public static NodeSpec of(String name, ImageManifest image, Path imageDir, Accel accel) {
        return new NodeSpec(name, image, imageDir, accel, 1, image.memoryMiB(), List.of(), null, List.of(), null, null, 0);
    }

    public NodeSpec withNics(List<Nic> newNics) {
        return new NodeSpec(name, image, imageDir, accel, cpus, memoryMiB, newNics, netns, extraArgs, stallTimeout, bootBudget, restartBudget, seed, sshKey, limits, mergeMemory, firmware);
    }

    public NodeSpec withNetns(Netns namespace) {
        return new NodeSpec(name, image, imageDir, accel, cpus, memoryMiB, nics, namespace, extraArgs, stallTimeout, bootBudget, restartBudget, seed, sshKey, limits, mergeMemory, firmware);
    }

    public NodeSpec withResources(int newCpus, int newMemoryMiB) {
        return new NodeSpec(name, image, imageDir, accel, newCpus, newMemoryMiB, nics, netns, extraArgs, stallTimeout, bootBudget, restartBudget, seed, sshKey, limits, mergeMemory, firmware);
    }

    public NodeSpec withExtraArgs(List<String> args) {
        return new NodeSpec(name, image, imageDir, accel, cpus, memoryMiB, nics, netns, args, stallTimeout, bootBudget, restartBudget, seed, sshKey, limits, mergeMemory, firmware);
    }

    public NodeSpec withTimeouts(Duration stall, Duration budget, int restarts) {
        return new NodeSpec(name, image, imageDir, accel, cpus, memoryMiB, nics, netns, extraArgs, stall, budget, restarts, seed, sshKey, limits, mergeMemory, firmware);
    }

    /** The same spec with {@code drive} attached read-only as a second virtio disk (a NoCloud seed). */
    public NodeSpec withSeed(Path drive) {
        return new NodeSpec(name, image, imageDir, accel, cpus, memoryMiB, nics, netns, extraArgs, stallTimeout, bootBudget, restartBudget, drive, sshKey, limits, mergeMemory, firmware);
    }

    /** The same spec with an SSH public key that a cloud image's seed authorises for root. */
    public NodeSpec withSshKey(String publicKey) {
        return new NodeSpec(name, image, imageDir, accel, cpus, memoryMiB, nics, netns, extraArgs, stallTimeout, bootBudget, restartBudget, seed, publicKey, limits, mergeMemory, firmware);
    }

    /** The same spec with the guest's memory open to same-page merging (KSM) or not. */
    public NodeSpec withMemoryMerging(boolean merge) {
        return new NodeSpec(name, image, imageDir, accel, cpus, memoryMiB, nics, netns, extraArgs, stallTimeout, bootBudget, restartBudget, seed, sshKey, limits, merge, firmware);
    }

    /** The same spec with these files in the guest's firmware configuration (replacing any it had). */
    public NodeSpec withFirmware(List<FirmwareFile> files) {
        return new NodeSpec(name, image, imageDir, accel, cpus, memoryMiB, nics, netns, extraArgs, stallTimeout, bootBudget, restartBudget, seed, sshKey, limits, mergeMemory, files);
    }

    /** The same spec with other exec output and transcript limits. */
    public NodeSpec withLimits(NodeLimits newLimits) {
        return new NodeSpec(name, image, imageDir, accel, cpus, memoryMiB, nics, netns, extraArgs, stallTimeout, bootBudget, restartBudget, seed, sshKey, newLimits, mergeMemory, firmware);
    }
}

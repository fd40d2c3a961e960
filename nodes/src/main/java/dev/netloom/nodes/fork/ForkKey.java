package dev.netloom.nodes.fork;

import dev.netloom.nodes.NodeSpec;
import dev.netloom.nodes.qemu.Accel;
import dev.netloom.nodes.qemu.Arch;
import dev.netloom.nodes.qemu.QemuCommandLine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * What a fork template must share with its forks, field by field: a fork loads the template's device
 * state and maps its RAM, which QEMU accepts only from the same machine with the same devices, and
 * which is the guest the image's fingerprint describes. Two nodes with equal keys fork from one
 * template; any change (image rebuilt, memory, CPUs, NIC count or slots, extra arguments, QEMU
 * upgraded) gives another key and so another template. NIC taps and MACs are not part of it: a
 * fork has its own taps and sets its own MACs; nor are firmware files (NodeSpec.firmware), which are
 * no device and which a fork's guest reads from its own QEMU.
 *
 * @param image       the image's name (for people reading the cache)
 * @param fingerprint the image's fingerprint (its build inputs)
 * @param arch        the guest architecture
 * @param accel       KVM or TCG
 * @param cpus        virtual CPUs
 * @param memoryMiB   guest memory
 * @param nicSlots    the PCI slot of each NIC, in guest order
 * @param extraArgs   extra QEMU arguments
 * @param qemu        the emulator's version line
 * @param humanPort   whether the node has the people's terminal (a device: a serial port or a virtio
 *                    console), which follows the image's capabilities, and an imported image's
 *                    capabilities can change without its files changing
 */
public record ForkKey(String image, String fingerprint, Arch arch, Accel accel, int cpus, int memoryMiB,
                      List<Integer> nicSlots, List<String> extraArgs, String qemu, boolean humanPort) {

    /**
     * Bumped when what a template holds changes (its shell's preparation, its NIC backends, its
     * devices: 2 has no free-page-reporting balloon, 3 has the people's serial port when the image has one,
     * 4 names whether it has the people's terminal and has it on arm64 too).
     */
    static final int FORMAT = 4;

    public ForkKey {
        nicSlots = List.copyOf(nicSlots);
        extraArgs = List.copyOf(extraArgs);
    }

    /** The key of the template {@code spec} would fork from, under the emulator version {@code qemu}. */
    public static ForkKey of(NodeSpec spec, String qemu) {
        return new ForkKey(spec.image().name(), spec.image().fingerprint(), spec.image().arch(), spec.accel(), spec.cpus(),
                spec.memoryMiB(), spec.nics().stream().map(NodeSpec.Nic::pciSlot).toList(), spec.extraArgs(), qemu,
                QemuCommandLine.hasHumanPort(spec));
    }

    /** The template's directory name: the image's name, then a hash of every field. */
    public String id() {
        String all = String.join("\n", "format " + FORMAT, image, fingerprint, arch.name(), accel.name(), String.valueOf(cpus),
                String.valueOf(memoryMiB), nicSlots.toString(), String.join("\u0000", extraArgs), qemu, "human " + humanPort);
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(all.getBytes(StandardCharsets.UTF_8));
            return image + "-" + HexFormat.of().formatHex(hash, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

package dev.netloom.nodes.qemu;

import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.NodePaths;
import dev.netloom.nodes.NodeSpec;
import dev.netloom.nodes.image.ImageManifest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * QEMU's argument list for a node: a pure function of the spec and the node's paths, assembled from
 * small pieces (machine, memory, boot, console, QMP, balloon, NICs) so each can be tested on its own. The
 * image's architecture picks the emulator and the machine: {@code pc} for x86_64, {@code virt} for
 * arm64; the rest (console on the machine's first UART, NICs on fixed slots of its PCI bus) is the same.
 */
public final class QemuCommandLine {

    /** The x86_64 emulator; {@link Arch#qemu()} names each architecture's. */
    public static final String QEMU = Arch.X86_64.qemu();
    /**
     * The CPU of arm64 nodes under TCG: {@code max} emulates pointer authentication with the costly
     * QARMA algorithm and boots the tiny image about 4 times slower; a Cortex-A57 has none of it.
     */
    static final String ARM64_TCG_CPU = "cortex-a57";

    /**
     * TCG's translation cache for the smallest guests, in MiB. QEMU's default is a 1 GiB buffer that
     * becomes resident as it fills and is never given back: a tiny node held 46 MiB of it after booting
     * and 168 MiB after a few hundred short commands. Below 16 MiB the tiny boot and its commands no
     * longer fit and QEMU keeps retranslating (8 MiB: boot twice as long, commands 5 times); see
     * docs/benchmarks.md (memory).
     */
    public static final int TCG_CACHE_MIN_MIB = 16;
    /** The cache never grows past this, however large the guest. */
    public static final int TCG_CACHE_MAX_MIB = 256;
    /** The free PCI slot of both machines' root bus (NICs take 0x03 and up) that the balloon device takes. */
    static final int BALLOON_SLOT = 0x02;
    /** The arm64 virt machine's free root-bus slot (0x00 is its host bridge) that the people's virtio console takes. */
    static final int VIRTIO_SERIAL_SLOT = 0x01;

    /** Options that would take over what netloom owns: the console, QMP, the pidfile, the process itself. */
    private static final Set<String> OWNED_OPTIONS = Set.of("-serial", "-qmp", "-qmp-pretty", "-mon", "-monitor", "-pidfile",
            "-daemonize", "-nographic", "-name", "-kernel", "-initrd", "-append", "-accel");
    /** Ids netloom gives its own chardevs and netdevs, defined or referred to. */
    private static final Pattern OWNED_IDS = Pattern.compile("(^|,)(id|netdev|chardev)=(console|human|qmp|net\\d+)(,|$)");

    private QemuCommandLine() {
    }

    /**
     * Guest RAM in a file instead of anonymous memory: a fork template's RAM ({@code shared}: the guest
     * writes into the file) or a fork's ({@code !shared}: a private copy-on-write mapping of the
     * template's file, so forks share every page they have not written). {@code incoming} starts QEMU
     * paused, waiting for {@code migrate-incoming} to load the template's device state.
     */
    public record RamFile(Path path, boolean shared, boolean incoming) {

        /** The id of the memory backend object, which the machine's {@code memory-backend} names. */
        static final String ID = "ram";
    }

    public static List<String> build(NodeSpec spec, NodePaths paths) {
        return build(spec, paths, null);
    }

    /** The argument list; with {@code ram} the guest RAM is that file (see {@link RamFile}), otherwise anonymous memory. */
    public static List<String> build(NodeSpec spec, NodePaths paths, RamFile ram) {
        List<String> args = new ArrayList<>();
        args.add(spec.image().arch().qemu());
        args.addAll(List.of("-name", spec.name()));
        args.addAll(withMemoryBackend(machine(spec, ram != null && ram.incoming()), ram));
        args.addAll(List.of("-smp", String.valueOf(spec.cpus()), "-m", spec.memoryMiB() + "M"));
        args.addAll(ramFile(spec, ram));
        args.addAll(List.of("-nodefaults", "-no-user-config", "-display", "none", "-no-reboot"));
        args.addAll(boot(spec, paths));
        args.addAll(seed(spec));
        args.addAll(console(paths));
        args.addAll(humanConsole(spec, paths));
        args.addAll(qmp(paths));
        // no balloon when the RAM is a fork template's file: QEMU 7.2 gives reported free pages back by
        // punching holes in the RAM's file even where a fork maps it privately, which zeroes pages
        // under every other fork of the template (seen as init's code read back as zeros)
        args.addAll(ram == null ? balloon(spec) : List.of());
        for (int i = 0; i < spec.nics().size(); i++) {
            args.addAll(nic(i, spec.nics().get(i)));
        }
        args.addAll(firmware(spec));
        args.addAll(List.of("-pidfile", paths.pidfile().toString()));
        args.addAll(checkExtraArgs(spec.extraArgs()));
        if (ram != null && ram.incoming()) {
            args.addAll(List.of("-incoming", "defer"));
        }
        return args;
    }

    /** The machine option with {@code memory-backend=ram} appended when the RAM is a file. */
    static List<String> withMemoryBackend(List<String> machine, RamFile ram) {
        if (ram == null) {
            return machine;
        }
        List<String> args = new ArrayList<>(machine);
        int i = args.indexOf("-machine") + 1;
        args.set(i, args.get(i) + ",memory-backend=" + RamFile.ID);
        return args;
    }

    /** The memory backend object for a RAM file; none for anonymous memory. */
    static List<String> ramFile(NodeSpec spec, RamFile ram) {
        if (ram == null) {
            return List.of();
        }
        String path = ram.path().toAbsolutePath().toString();
        if (path.contains(",")) {
            throw new BadInputException("guest RAM file " + path + " contains a comma, which QEMU's option syntax cannot take:"
                    + " use a cache directory without commas (XDG_CACHE_HOME)");
        }
        return List.of("-object", "memory-backend-file,id=" + RamFile.ID + ",size=" + spec.memoryMiB() + "M,mem-path=" + path
                + ",share=" + (ram.shared() ? "on" : "off"));
    }

    /** The QEMU machine that nodes of {@code arch} run on: pc or virt. */
    public static String machineName(Arch arch) {
        return switch (arch) {
            case X86_64 -> "pc";
            case ARM64 -> "virt";
        };
    }

    /**
     * The machine, accelerator and CPU. arm64 runs on {@code virt}, whose PL011 UART is what
     * {@code -serial} connects (the guest's ttyAMA0) and whose PCIe host bridge takes the NICs on the
     * same fixed slots as x86's {@code pc}. Under TCG the translation cache is sized for the guest
     * ({@link #tcgCacheMiB}); {@code mem-merge=off} keeps the guest's memory out of KSM.
     */
    static List<String> machine(NodeSpec spec) {
        return machine(spec, false);
    }

    /** As above, for a fork of a template when {@code fork} (its translation cache: {@link #forkTcgCacheMiB}). */
    static List<String> machine(NodeSpec spec, boolean fork) {
        return machine(spec.image().arch(), spec.accel(), spec.memoryMiB(), spec.mergeMemory(), fork);
    }

    /** The machine, accelerator and CPU for a guest of {@code arch} with {@code memoryMiB} under {@code accel}, memory merging allowed. */
    public static List<String> machine(Arch arch, Accel accel, int memoryMiB) {
        return machine(arch, accel, memoryMiB, true);
    }

    static List<String> machine(Arch arch, Accel accel, int memoryMiB, boolean mergeMemory) {
        return machine(arch, accel, memoryMiB, mergeMemory, false);
    }

    private static List<String> machine(Arch arch, Accel accel, int memoryMiB, boolean mergeMemory, boolean fork) {
        boolean kvm = accel == Accel.KVM;
        String machine = machineName(arch) + (kvm && arch == Arch.ARM64 ? ",gic-version=host" : "") + (mergeMemory ? "" : ",mem-merge=off");
        List<String> args = new ArrayList<>(List.of("-machine", machine,
                "-accel", kvm ? "kvm" : "tcg,tb-size=" + (fork ? forkTcgCacheMiB(memoryMiB) : tcgCacheMiB(memoryMiB))));
        if (kvm) {
            args.addAll(List.of("-cpu", "host"));
        } else if (arch == Arch.ARM64) {
            args.addAll(List.of("-cpu", ARM64_TCG_CPU));
        }
        return args;
    }

    /**
     * The TCG translation cache for a guest of {@code memoryMiB}: a sixth of its memory, at least
     * {@link #TCG_CACHE_MIN_MIB} and at most {@link #TCG_CACHE_MAX_MIB}. Larger guests run more
     * software and need more translated code at once; the cache is resident memory on top of the guest's.
     */
    public static int tcgCacheMiB(int memoryMiB) {
        return Math.max(TCG_CACHE_MIN_MIB, Math.min(TCG_CACHE_MAX_MIB, memoryMiB / 6));
    }

    /**
     * A fork's translation cache: twice a booted node's ({@link #tcgCacheMiB}), at most
     * {@link #TCG_CACHE_MAX_MIB}. A fork starts with an empty cache and translates in its first second
     * what a booted node translated over its boot: a tiny fork's resume, identity and configuration
     * came to about 18 MiB of translated code, so a 16 MiB cache was flushed during the configuration
     * and the kernel's paths for every program and file were translated again (the configuration took
     * 1.7 times the CPU; docs/benchmarks.md, fork). The cache is resident only as far as it has filled.
     */
    public static int forkTcgCacheMiB(int memoryMiB) {
        return Math.min(TCG_CACHE_MAX_MIB, 2 * tcgCacheMiB(memoryMiB));
    }

    /** Direct kernel boot when the image has a kernel; a disk always runs on the node's qcow2 overlay. */
    static List<String> boot(NodeSpec spec, NodePaths paths) {
        ImageManifest image = spec.image();
        List<String> args = new ArrayList<>();
        if (image.kernel() != null) {
            args.addAll(List.of("-kernel", spec.imageDir().resolve(image.kernel()).toString()));
            if (image.initrd() != null) {
                args.addAll(List.of("-initrd", spec.imageDir().resolve(image.initrd()).toString()));
            }
            String kernelArgs = image.kernelArgs() == null ? "" : image.kernelArgs().strip() + " ";
            args.addAll(List.of("-append", kernelArgs + "netloom.hostname=" + spec.name()));
        }
        if (image.disk() != null) {
            args.addAll(List.of("-drive", "file=" + paths.overlay() + ",format=qcow2,if=virtio,cache=unsafe"));
        }
        return args;
    }

    /**
     * The NoCloud seed as a read-only second virtio disk. QEMU realises {@code -drive if=virtio} after the
     * {@code -device} NICs, so the root disk takes the first free PCI slot (the guest's vda) and the seed
     * the next one (vdb); the NICs keep their fixed slots.
     */
    static List<String> seed(NodeSpec spec) {
        if (spec.seed() == null) {
            return List.of();
        }
        return List.of("-drive", "file=" + spec.seed() + ",format=raw,if=virtio,readonly=on");
    }

    /**
     * A virtio balloon that only reports free pages ({@code free-page-reporting=on}): the guest tells
     * QEMU which of its pages are free and QEMU gives them back to the host. It is never inflated. Only
     * for images that say their guest has the driver ({@link ImageManifest#FREE_PAGE_REPORTING}) and have
     * no disk (a disk takes the first free slot, which is the balloon's).
     */
    static List<String> balloon(NodeSpec spec) {
        if (!spec.image().has(ImageManifest.FREE_PAGE_REPORTING) || spec.image().disk() != null) {
            return List.of();
        }
        return List.of("-device", "virtio-balloon-pci,free-page-reporting=on,addr=" + String.format("0x%x", BALLOON_SLOT));
    }

    static List<String> console(NodePaths paths) {
        return List.of("-chardev", "socket,id=console,path=" + paths.consoleSocket() + ",server=on,wait=off",
                "-serial", "chardev:console");
    }

    /**
     * The people's terminal, on which an image with {@link ImageManifest#HUMAN_CONSOLE} keeps a login
     * shell for people: on x86_64 the second serial port (the guest's ttyS1); on arm64, whose virt
     * machine has one UART, a virtio console (the guest's hvc0) on a virtio-serial device of one port
     * (no multiport: the guest's virtio_console adds the port as it probes the device, so hvc0 is
     * there once the module is loaded), on the root bus's free slot {@link #VIRTIO_SERIAL_SLOT}.
     */
    static List<String> humanConsole(NodeSpec spec, NodePaths paths) {
        if (!hasHumanPort(spec)) {
            return List.of();
        }
        List<String> chardev = List.of("-chardev", "socket,id=human,path=" + paths.humanSocket() + ",server=on,wait=off");
        List<String> args = new ArrayList<>(chardev);
        if (spec.image().arch() == Arch.X86_64) {
            args.addAll(List.of("-serial", "chardev:human"));
        } else {
            args.addAll(List.of("-device", "virtio-serial-pci,max_ports=1,addr=" + String.format("0x%x", VIRTIO_SERIAL_SLOT),
                    "-device", "virtconsole,chardev=human"));
        }
        return args;
    }

    /** Whether a node of {@code spec} has the people's terminal ({@link #humanConsole}). */
    public static boolean hasHumanPort(NodeSpec spec) {
        return spec.image().has(ImageManifest.HUMAN_CONSOLE);
    }

    /** The guest's device of the people's terminal ({@link #humanConsole}): /dev/ttyS1 on x86_64, /dev/hvc0 on arm64. */
    public static String humanTty(NodeSpec spec) {
        return spec.image().arch() == Arch.X86_64 ? "/dev/ttyS1" : "/dev/hvc0";
    }

    static List<String> qmp(NodePaths paths) {
        return List.of("-chardev", "socket,id=qmp,path=" + paths.qmpSocket() + ",server=on,wait=off",
                "-mon", "chardev=qmp,mode=control");
    }

    /**
     * A tap joined to a virtio NIC on a fixed PCI slot; {@code romfile=} skips the iPXE ROM nodes never
     * use. The slot is on the machine's root bus (pc's PCI bus, virt's pcie.0), which the guest's
     * kernel enumerates in slot order on both, so eth0, eth1, ... follow the spec's NIC order. A NIC
     * without a tap gets a hub port that leads nowhere.
     */
    static List<String> nic(int index, NodeSpec.Nic nic) {
        String id = "net" + index;
        String backend = nic.tap() == null
                ? "hubport,id=" + id + ",hubid=" + index // no host side: a fork template's NIC, whose backend is not part of its state
                : "tap,id=" + id + ",ifname=" + nic.tap() + ",script=no,downscript=no";
        return List.of("-netdev", backend,
                "-device", "virtio-net-pci,netdev=" + id + ",mac=" + nic.mac() + ",addr=" + String.format("0x%x", nic.pciSlot()) + ",romfile=");
    }

    /**
     * The spec's firmware files ({@link NodeSpec.FirmwareFile}), each {@code -fw_cfg name=NAME,file=PATH}
     * with the path's commas doubled, as QEMU's option syntax escapes them. Not a device: a fork may have
     * files its template had not (the guest lists them again when its fw_cfg driver is bound again).
     */
    static List<String> firmware(NodeSpec spec) {
        List<String> args = new ArrayList<>();
        for (NodeSpec.FirmwareFile f : spec.firmware()) {
            args.addAll(List.of("-fw_cfg", "name=" + f.name() + ",file=" + f.file().toAbsolutePath().toString().replace(",", ",,")));
        }
        return args;
    }

    /** The user's extra arguments, unless one of them would override what netloom owns. */
    static List<String> checkExtraArgs(List<String> extra) {
        for (String arg : extra) {
            String option = arg.startsWith("--") ? arg.substring(1) : arg;
            if (OWNED_OPTIONS.contains(option)) {
                throw new BadInputException("extra QEMU argument " + arg + " is not allowed: netloom owns the console, QMP, the pidfile and the boot"
                        + " (remove it; attach to the console with `netloom console NODE`)");
            }
            if (!arg.startsWith("-") && OWNED_IDS.matcher(arg).find()) {
                throw new BadInputException("extra QEMU argument '" + arg + "' reuses an id netloom owns (console, human, qmp, net0, net1, ...): pick another id");
            }
        }
        return extra;
    }
}

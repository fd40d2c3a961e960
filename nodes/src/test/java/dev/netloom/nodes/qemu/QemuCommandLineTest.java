package dev.netloom.nodes.qemu;

import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.NodePaths;
import dev.netloom.nodes.NodeSpec;
import dev.netloom.nodes.image.ImageManifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QemuCommandLineTest {

    private static final Path IMAGE_DIR = Path.of("/images/tiny");
    private static final NodePaths PATHS = new NodePaths(Path.of("/run/nl/r1"));

    private static ImageManifest kernelImage(String kernelArgs) {
        return new ImageManifest("tiny", "tiny", "vmlinuz", "initrd.img", null, null, kernelArgs, 96,
                "boot complete", null, null, null, null, "# $", List.of("guest-netem"), "f");
    }

    private static ImageManifest diskImage() {
        return new ImageManifest("deb", "debian", null, null, "disk.qcow2", "qcow2", null, 512,
                "login:", "login: $", "root", null, null, "# $", List.of(), "f");
    }

    /** Everything after the NICs' place: the pidfile. */
    private static List<String> tail() {
        return List.of("-pidfile", "/run/nl/r1/qemu.pid");
    }

    private static List<String> consoleAndQmp() {
        return List.of(
                "-chardev", "socket,id=console,path=/run/nl/r1/console.sock,server=on,wait=off",
                "-serial", "chardev:console",
                "-chardev", "socket,id=qmp,path=/run/nl/r1/qmp.sock,server=on,wait=off",
                "-mon", "chardev=qmp,mode=control");
    }

    @Test
    void build_kernelImageWithoutNicsUnderTcg_givesTheExactArguments() {
        NodeSpec spec = NodeSpec.of("r1", kernelImage("console=ttyS0 quiet panic=-1"), IMAGE_DIR, Accel.TCG);

        List<String> expected = new ArrayList<>(List.of(
                "qemu-system-x86_64",
                "-name", "r1",
                "-machine", "pc", "-accel", "tcg,tb-size=16",
                "-smp", "1", "-m", "96M",
                "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
                "-kernel", "/images/tiny/vmlinuz",
                "-initrd", "/images/tiny/initrd.img",
                "-append", "console=ttyS0 quiet panic=-1 netloom.hostname=r1"));
        expected.addAll(consoleAndQmp());
        expected.addAll(tail());
        assertThat(QemuCommandLine.build(spec, PATHS)).containsExactlyElementsOf(expected);
    }

    @Test
    void build_forkTemplate_putsRamInASharedFileAndItsNicsOnHubPorts() {
        NodeSpec spec = NodeSpec.of("template", kernelImage("console=ttyS0"), IMAGE_DIR, Accel.TCG)
                .withNics(List.of(new NodeSpec.Nic(null, "52:54:00:00:00:03", 3)));
        List<String> args = QemuCommandLine.build(spec, PATHS, new QemuCommandLine.RamFile(Path.of("/cache/t/ram"), true, false));

        List<String> expected = new ArrayList<>(List.of(
                "qemu-system-x86_64",
                "-name", "template",
                "-machine", "pc,memory-backend=ram", "-accel", "tcg,tb-size=16",
                "-smp", "1", "-m", "96M",
                "-object", "memory-backend-file,id=ram,size=96M,mem-path=/cache/t/ram,share=on",
                "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
                "-kernel", "/images/tiny/vmlinuz",
                "-initrd", "/images/tiny/initrd.img",
                "-append", "console=ttyS0 netloom.hostname=template"));
        expected.addAll(consoleAndQmp());
        expected.addAll(List.of("-netdev", "hubport,id=net0,hubid=0",
                "-device", "virtio-net-pci,netdev=net0,mac=52:54:00:00:00:03,addr=0x3,romfile="));
        expected.addAll(tail());
        assertThat(args).containsExactlyElementsOf(expected);
    }

    @Test
    void build_fork_mapsTheTemplateRamPrivatelyAndWaitsForItsState() {
        NodeSpec spec = NodeSpec.of("r1", kernelImage("console=ttyS0"), IMAGE_DIR, Accel.TCG)
                .withNics(List.of(new NodeSpec.Nic("nl1-r1-0", "52:54:00:00:01:00", 3)));
        List<String> args = QemuCommandLine.build(spec, PATHS, new QemuCommandLine.RamFile(Path.of("/cache/t/ram"), false, true));

        assertThat(args).containsSequence("-machine", "pc,memory-backend=ram", "-accel", "tcg,tb-size=32")
                .containsSequence("-object", "memory-backend-file,id=ram,size=96M,mem-path=/cache/t/ram,share=off")
                .containsSequence("-netdev", "tap,id=net0,ifname=nl1-r1-0,script=no,downscript=no")
                .endsWith("-incoming", "defer");
        // the same devices as booting, in the same order: only the memory backend, the translation cache and -incoming differ
        List<String> booted = QemuCommandLine.build(spec, PATHS);
        List<String> stripped = new ArrayList<>(args);
        stripped.removeAll(List.of("-object", "memory-backend-file,id=ram,size=96M,mem-path=/cache/t/ram,share=off", "-incoming", "defer"));
        stripped.set(stripped.indexOf("pc,memory-backend=ram"), "pc");
        stripped.set(stripped.indexOf("tcg,tb-size=32"), "tcg,tb-size=16");
        assertThat(stripped).containsExactlyElementsOf(booted);
    }

    @Test
    void build_firmwareFiles_areHandedOverByName_withTheirPathsCommasDoubled() {
        NodeSpec spec = NodeSpec.of("r1", kernelImage("console=ttyS0"), IMAGE_DIR, Accel.TCG)
                .withFirmware(List.of(new NodeSpec.FirmwareFile("opt/dev.netloom/hosts", Path.of("/run/labs/a,b/hosts"))));
        assertThat(QemuCommandLine.build(spec, PATHS)).containsSequence("-fw_cfg", "name=opt/dev.netloom/hosts,file=/run/labs/a,,b/hosts");
        assertThat(QemuCommandLine.build(spec.withFirmware(List.of()), PATHS)).doesNotContain("-fw_cfg");
        for (String bad : List.of("etc/hosts", "opt/hosts", "opt/dev.netloom/a,b", "opt/dev.netloom/" + "x".repeat(40), "opt/Dev/hosts")) {
            assertThatThrownBy(() -> new NodeSpec.FirmwareFile(bad, Path.of("/f"))).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("opt/DOMAIN/NAME");
        }
    }

    @Test
    void build_ramFileWithAComma_isRefused() {
        NodeSpec spec = NodeSpec.of("r1", kernelImage("console=ttyS0"), IMAGE_DIR, Accel.TCG);
        assertThatThrownBy(() -> QemuCommandLine.build(spec, PATHS, new QemuCommandLine.RamFile(Path.of("/cache/a,b/ram"), false, true)))
                .isInstanceOf(BadInputException.class).hasMessageContaining("comma");
    }

    @Test
    void build_withTwoNicsUnderKvm_putsThemOnFixedSlotsWithoutRom() {
        NodeSpec spec = NodeSpec.of("r1", kernelImage("console=ttyS0"), IMAGE_DIR, Accel.KVM)
                .withResources(2, 256)
                .withNics(List.of(new NodeSpec.Nic("nl1-r1-0", "52:54:00:00:01:00", 3),
                        new NodeSpec.Nic("nl1-r1-1", "52:54:00:00:01:01", 16)));

        List<String> expected = new ArrayList<>(List.of(
                "qemu-system-x86_64",
                "-name", "r1",
                "-machine", "pc", "-accel", "kvm", "-cpu", "host",
                "-smp", "2", "-m", "256M",
                "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
                "-kernel", "/images/tiny/vmlinuz",
                "-initrd", "/images/tiny/initrd.img",
                "-append", "console=ttyS0 netloom.hostname=r1"));
        expected.addAll(consoleAndQmp());
        expected.addAll(List.of(
                "-netdev", "tap,id=net0,ifname=nl1-r1-0,script=no,downscript=no",
                "-device", "virtio-net-pci,netdev=net0,mac=52:54:00:00:01:00,addr=0x3,romfile=",
                "-netdev", "tap,id=net1,ifname=nl1-r1-1,script=no,downscript=no",
                "-device", "virtio-net-pci,netdev=net1,mac=52:54:00:00:01:01,addr=0x10,romfile="));
        expected.addAll(tail());
        assertThat(QemuCommandLine.build(spec, PATHS)).containsExactlyElementsOf(expected);
    }

    @Test
    void machine_tcgAndKvm_differOnlyInAccelAndCpu() {
        ImageManifest image = kernelImage(null);
        assertThat(QemuCommandLine.machine(NodeSpec.of("r1", image, IMAGE_DIR, Accel.TCG)))
                .containsExactly("-machine", "pc", "-accel", "tcg,tb-size=16");
        assertThat(QemuCommandLine.machine(NodeSpec.of("r1", image, IMAGE_DIR, Accel.KVM)))
                .containsExactly("-machine", "pc", "-accel", "kvm", "-cpu", "host");
    }

    @Test
    void machine_withoutMemoryMerging_turnsQemusMemMergeOff() {
        NodeSpec spec = NodeSpec.of("r1", kernelImage(null), IMAGE_DIR, Accel.TCG).withMemoryMerging(false);
        assertThat(QemuCommandLine.machine(spec)).containsExactly("-machine", "pc,mem-merge=off", "-accel", "tcg,tb-size=16");
        assertThat(QemuCommandLine.machine(spec.withMemoryMerging(true))).containsExactly("-machine", "pc", "-accel", "tcg,tb-size=16");
    }

    @Test
    void machine_arm64UnderKvm_usesTheHostsGicAndCpu() {
        assertThat(QemuCommandLine.machine(Arch.ARM64, Accel.KVM, 96))
                .containsExactly("-machine", "virt,gic-version=host", "-accel", "kvm", "-cpu", "host");
    }

    @ParameterizedTest
    @CsvSource({"16, 16", "96, 16", "128, 21", "512, 85", "1024, 170", "2048, 256", "65536, 256"})
    void tcgCacheMiB_isASixthOfTheGuestWithinItsBounds(int memoryMiB, int cacheMiB) {
        assertThat(QemuCommandLine.tcgCacheMiB(memoryMiB)).isEqualTo(cacheMiB);
        assertThat(QemuCommandLine.forkTcgCacheMiB(memoryMiB)).isEqualTo(Math.min(QemuCommandLine.TCG_CACHE_MAX_MIB, 2 * cacheMiB));
        assertThat(QemuCommandLine.machine(Arch.X86_64, Accel.TCG, memoryMiB)).contains("tcg,tb-size=" + cacheMiB);
    }

    private static ImageManifest reportingImage(String disk) {
        return new ImageManifest("tiny", "tiny", disk == null ? "vmlinux" : null, disk == null ? "initrd.img" : null, disk, disk == null ? null : "qcow2",
                null, 96, "boot complete", null, null, null, null, "# $", List.of("guest-netem", ImageManifest.FREE_PAGE_REPORTING), "f");
    }

    @Test
    void build_imageThatReportsFreePages_getsTheBalloonOnSlotTwoBeforeTheNics() {
        NodeSpec spec = NodeSpec.of("r1", reportingImage(null), IMAGE_DIR, Accel.TCG)
                .withNics(List.of(new NodeSpec.Nic("t1x0", "52:54:00:00:01:00", 3)));
        assertThat(QemuCommandLine.build(spec, PATHS)).containsSubsequence(
                "-mon", "chardev=qmp,mode=control",
                "-device", "virtio-balloon-pci,free-page-reporting=on,addr=0x2",
                "-netdev", "tap,id=net0,ifname=t1x0,script=no,downscript=no");
    }

    @Test
    void balloon_neverWhenTheRamIsATemplatesFile() {
        NodeSpec spec = NodeSpec.of("r1", reportingImage(null), IMAGE_DIR, Accel.TCG);
        assertThat(QemuCommandLine.build(spec, PATHS)).contains("virtio-balloon-pci,free-page-reporting=on,addr=0x2");
        // QEMU 7.2 punches holes in the RAM file for reported pages, even under a fork's private mapping
        assertThat(QemuCommandLine.build(spec, PATHS, new QemuCommandLine.RamFile(Path.of("/cache/t/ram"), true, false)))
                .noneMatch(a -> a.contains("balloon"));
        assertThat(QemuCommandLine.build(spec, PATHS, new QemuCommandLine.RamFile(Path.of("/cache/t/ram"), false, true)))
                .noneMatch(a -> a.contains("balloon"));
    }

    @Test
    void balloon_onlyForImagesThatReportFreePagesAndHaveNoDisk() {
        assertThat(QemuCommandLine.balloon(NodeSpec.of("r1", kernelImage(null), IMAGE_DIR, Accel.TCG))).isEmpty();
        assertThat(QemuCommandLine.balloon(NodeSpec.of("r1", reportingImage("disk.qcow2"), IMAGE_DIR, Accel.TCG))).isEmpty();
        assertThat(QemuCommandLine.balloon(NodeSpec.of("r1", reportingImage(null), IMAGE_DIR, Accel.KVM)))
                .containsExactly("-device", "virtio-balloon-pci,free-page-reporting=on,addr=0x2");
    }

    @Test
    void humanConsole_onlyForImagesWithIt_aSerialPortOnX86_aVirtioConsoleOnArm64() {
        ImageManifest human = new ImageManifest("tiny", "tiny", "vmlinuz", "initrd.img", null, null, "console=ttyS0", 96,
                "boot complete", null, null, null, null, "# $", List.of(ImageManifest.HUMAN_CONSOLE), "f");
        assertThat(QemuCommandLine.humanConsole(NodeSpec.of("r1", human, IMAGE_DIR, Accel.TCG), PATHS)).containsExactly(
                "-chardev", "socket,id=human,path=/run/nl/r1/human.sock,server=on,wait=off", "-serial", "chardev:human");
        assertThat(QemuCommandLine.build(NodeSpec.of("r1", human, IMAGE_DIR, Accel.TCG), PATHS))
                .containsSubsequence("chardev:console", "chardev:human");
        assertThat(QemuCommandLine.humanConsole(NodeSpec.of("r1", kernelImage("console=ttyS0"), IMAGE_DIR, Accel.TCG), PATHS)).isEmpty();
        ImageManifest arm = new ImageManifest("tiny-arm64", "tiny", "vmlinuz", "initrd.img", null, null, "console=ttyAMA0", 96,
                "boot complete", null, null, null, null, "# $", List.of(ImageManifest.HUMAN_CONSOLE), "f", Arch.ARM64);
        NodeSpec armNode = NodeSpec.of("r1", arm, IMAGE_DIR, Accel.TCG);
        assertThat(QemuCommandLine.hasHumanPort(armNode)).isTrue();
        assertThat(QemuCommandLine.humanConsole(armNode, PATHS)).containsExactly(
                "-chardev", "socket,id=human,path=/run/nl/r1/human.sock,server=on,wait=off",
                "-device", "virtio-serial-pci,max_ports=1,addr=0x1", "-device", "virtconsole,chardev=human");
        assertThat(QemuCommandLine.humanTty(armNode)).isEqualTo("/dev/hvc0");
        assertThat(QemuCommandLine.humanTty(NodeSpec.of("r1", human, IMAGE_DIR, Accel.TCG))).isEqualTo("/dev/ttyS1");
    }

    private static ImageManifest arm64Image() {
        return new ImageManifest("tiny-arm64", "tiny", "vmlinuz", "initrd.img", null, null, "console=ttyAMA0 quiet panic=-1", 96,
                "boot complete", null, null, null, null, "# $", List.of("guest-netem"), "f", Arch.ARM64);
    }

    @Test
    void build_arm64NodeWithTwoNicsUnderTcg_runsVirtWithACortexA57AndTheNicsOnFixedSlots() {
        NodeSpec spec = NodeSpec.of("a1", arm64Image(), Path.of("/images/tiny-arm64"), Accel.TCG)
                .withNics(List.of(new NodeSpec.Nic("nl1-a1-0", "52:54:00:00:02:00", 3),
                        new NodeSpec.Nic("nl1-a1-1", "52:54:00:00:02:01", 4)));

        List<String> expected = new ArrayList<>(List.of(
                "qemu-system-aarch64",
                "-name", "a1",
                "-machine", "virt", "-accel", "tcg,tb-size=16", "-cpu", "cortex-a57",
                "-smp", "1", "-m", "96M",
                "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
                "-kernel", "/images/tiny-arm64/vmlinuz",
                "-initrd", "/images/tiny-arm64/initrd.img",
                "-append", "console=ttyAMA0 quiet panic=-1 netloom.hostname=a1"));
        expected.addAll(consoleAndQmp());
        expected.addAll(List.of(
                "-netdev", "tap,id=net0,ifname=nl1-a1-0,script=no,downscript=no",
                "-device", "virtio-net-pci,netdev=net0,mac=52:54:00:00:02:00,addr=0x3,romfile=",
                "-netdev", "tap,id=net1,ifname=nl1-a1-1,script=no,downscript=no",
                "-device", "virtio-net-pci,netdev=net1,mac=52:54:00:00:02:01,addr=0x4,romfile="));
        expected.addAll(tail());
        assertThat(QemuCommandLine.build(spec, PATHS)).containsExactlyElementsOf(expected);
    }

    @Test
    void machine_eachArchitecture_hasItsOwnMachine() {
        assertThat(QemuCommandLine.machineName(Arch.X86_64)).isEqualTo("pc");
        assertThat(QemuCommandLine.machineName(Arch.ARM64)).isEqualTo("virt");
        assertThat(QemuCommandLine.machine(NodeSpec.of("a1", arm64Image(), IMAGE_DIR, Accel.TCG)))
                .containsExactly("-machine", "virt", "-accel", "tcg,tb-size=16", "-cpu", "cortex-a57");
    }

    @Test
    void boot_withoutKernelArgs_appendsOnlyTheHostname() {
        NodeSpec spec = NodeSpec.of("r1", kernelImage(null), IMAGE_DIR, Accel.TCG);
        assertThat(QemuCommandLine.boot(spec, PATHS)).containsExactly(
                "-kernel", "/images/tiny/vmlinuz",
                "-initrd", "/images/tiny/initrd.img",
                "-append", "netloom.hostname=r1");
    }

    @Test
    void boot_diskImage_runsOnTheNodesOverlayWithVirtio() {
        NodeSpec spec = NodeSpec.of("r1", diskImage(), Path.of("/images/deb"), Accel.TCG);
        assertThat(QemuCommandLine.boot(spec, PATHS)).containsExactly(
                "-drive", "file=/run/nl/r1/overlay.qcow2,format=qcow2,if=virtio,cache=unsafe");
        assertThat(QemuCommandLine.build(spec, PATHS))
                .doesNotContain("-kernel", "-initrd", "-append")
                .containsSubsequence("-m", "512M", "-drive", "file=/run/nl/r1/overlay.qcow2,format=qcow2,if=virtio,cache=unsafe",
                        "-chardev");
    }

    @Test
    void build_withAllowedExtraArgs_putsThemLast() {
        NodeSpec spec = NodeSpec.of("r1", kernelImage(null), IMAGE_DIR, Accel.TCG)
                .withExtraArgs(List.of("-rtc", "base=utc"));
        List<String> args = QemuCommandLine.build(spec, PATHS);
        assertThat(args.subList(args.size() - 4, args.size()))
                .containsExactly("-pidfile", "/run/nl/r1/qemu.pid", "-rtc", "base=utc");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-serial", "-qmp", "-pidfile", "-mon", "-monitor", "-daemonize", "--serial", "-kernel", "-append"})
    void checkExtraArgs_ownedOption_isRejectedByName(String option) {
        assertThatThrownBy(() -> QemuCommandLine.checkExtraArgs(List.of(option, "x")))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining(option);
    }

    @ParameterizedTest
    @ValueSource(strings = {"socket,id=console,path=/tmp/c.sock,server=on", "tap,id=net0,ifname=x", "socket,id=qmp,path=/tmp/q",
            "id=net12"})
    void checkExtraArgs_reusedId_isRejectedByName(String value) {
        assertThatThrownBy(() -> QemuCommandLine.checkExtraArgs(List.of("-chardev", value)))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining(value);
    }

    @Test
    void checkExtraArgs_netdevTapReusingNet0_isRejected() {
        assertThatThrownBy(() -> QemuCommandLine.checkExtraArgs(List.of("-netdev", "tap,id=net0,ifname=evil")))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("tap,id=net0,ifname=evil")
                .hasMessageContaining("net0");
    }

    @Test
    void build_withOwnedExtraArg_fails() {
        NodeSpec spec = NodeSpec.of("r1", kernelImage(null), IMAGE_DIR, Accel.TCG)
                .withExtraArgs(List.of("-serial", "stdio"));
        assertThatThrownBy(() -> QemuCommandLine.build(spec, PATHS))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("-serial");
    }

    @Test
    void checkExtraArgs_harmlessArgsAndLookalikeIds_areAllowed() {
        List<String> extra = List.of("-rtc", "base=utc", "-chardev", "socket,id=mine,path=/tmp/m.sock",
                "-netdev", "user,id=net0x", "-object", "rng-random,id=rng0,filename=/dev/urandom");
        assertThat(QemuCommandLine.checkExtraArgs(extra)).isEqualTo(extra);
        assertThat(QemuCommandLine.checkExtraArgs(List.of())).isEmpty();
    }

    @Test
    void build_cloudImageWithSeed_attachesItReadOnlyAfterTheRootDisk() {
        ImageManifest cloud = new ImageManifest("bookworm", "cloud", null, null, "disk.qcow2", "qcow2", null, 512,
                "netloom-cloud: boot complete", null, null, null, null, "# $", List.of(), "f");
        NodeSpec spec = NodeSpec.of("r1", cloud, Path.of("/images/bookworm"), Accel.TCG)
                .withNics(List.of(new NodeSpec.Nic("nl1-r1-0", "52:54:00:00:01:00", 3)))
                .withSeed(Path.of("/run/nl/r1/seed.iso"));

        List<String> expected = new ArrayList<>(List.of(
                "qemu-system-x86_64",
                "-name", "r1",
                "-machine", "pc", "-accel", "tcg,tb-size=85",
                "-smp", "1", "-m", "512M",
                "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
                "-drive", "file=/run/nl/r1/overlay.qcow2,format=qcow2,if=virtio,cache=unsafe",
                "-drive", "file=/run/nl/r1/seed.iso,format=raw,if=virtio,readonly=on"));
        expected.addAll(consoleAndQmp());
        expected.addAll(List.of(
                "-netdev", "tap,id=net0,ifname=nl1-r1-0,script=no,downscript=no",
                "-device", "virtio-net-pci,netdev=net0,mac=52:54:00:00:01:00,addr=0x3,romfile="));
        expected.addAll(tail());
        assertThat(QemuCommandLine.build(spec, PATHS)).containsExactlyElementsOf(expected);
    }

    @Test
    void seed_withoutOne_addsNothing() {
        NodeSpec spec = NodeSpec.of("r1", diskImage(), Path.of("/images/deb"), Accel.TCG);
        assertThat(QemuCommandLine.seed(spec)).isEmpty();
        assertThat(QemuCommandLine.build(spec, PATHS)).noneMatch(a -> a.contains("readonly=on"));
    }

    @Test
    void seed_withKernelImage_comesAfterTheDirectBootArguments() {
        NodeSpec spec = NodeSpec.of("r1", kernelImage("console=ttyS0"), IMAGE_DIR, Accel.TCG).withSeed(Path.of("/tmp/s.iso"));
        assertThat(QemuCommandLine.build(spec, PATHS)).containsSubsequence(
                "-append", "console=ttyS0 netloom.hostname=r1",
                "-drive", "file=/tmp/s.iso,format=raw,if=virtio,readonly=on",
                "-chardev");
    }
}

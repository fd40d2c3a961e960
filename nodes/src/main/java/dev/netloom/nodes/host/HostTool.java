package dev.netloom.nodes.host;

import java.util.LinkedHashSet;
import java.util.List;

/**
 * One host program netloom runs, the Debian package that provides it and what needs it. {@link #ALL}
 * is the one table: {@code doctor} checks it, {@code setup} installs it, and a test keeps it in step
 * with every program the sources start and with the README's package list.
 *
 * @param program    the program as netloom runs it (looked up on PATH, plus /usr/sbin and /sbin); for a package
 *                   whose files another program uses, an absolute path to an executable it installs
 * @param pkg        the Debian package that provides it
 * @param neededFor  the netloom commands or features that run it, for doctor's lines
 * @param core       true when labs or image builds need it: every command that needs the host installs
 *                   the missing core tools (as root); the others (benchmarks, SVG graphs, the GRUB example image)
 *                   only {@code setup} does
 */
public record HostTool(String program, String pkg, String neededFor, boolean core) {

    public static final List<HostTool> ALL = List.of(
            new HostTool("qemu-system-x86_64", "qemu-system-x86", "every node", true),
            new HostTool("qemu-system-aarch64", "qemu-system-arm", "arm64 nodes (tiny-arm64)", false),
            new HostTool("qemu-img", "qemu-utils", "disk overlays, image import and builds", true),
            new HostTool("ip", "iproute2", "lab wiring, network namespaces", true),
            new HostTool("tc", "iproute2", "lab wiring (the redirects joining a link's taps), host impairments (netem, tbf)", true),
            new HostTool("depmod", "kmod", "tiny image build (module order)", true),
            new HostTool("modprobe", "kmod", "loading tun, bridge, sch_ingress, cls_u32, act_mirred and sch_netem (doctor's remedies)", true),
            new HostTool("readelf", "binutils", "tiny image build (shared libraries)", true),
            new HostTool("zstd", "zstd", "tiny image build (initramfs), benchmarks", true),
            new HostTool("dpkg-deb", "dpkg", "tiny image build (unpacking .debs)", true),
            new HostTool("apt-get", "apt", "tiny image build (downloads), setup", true),
            new HostTool("apt-cache", "apt", "tiny image build (dependencies)", true),
            new HostTool("mmdebstrap", "mmdebstrap", "debian images and recipes", true),
            new HostTool("mkfs.ext4", "e2fsprogs", "debian and cloud-test images (ext4 disk)", true),
            new HostTool("unshare", "util-linux", "recipe commands (isolated chroot), labs without root (their user namespace)", true),
            new HostTool("nsenter", "util-linux", "labs without root (ip, tc, tcpdump and QEMU enter the lab's user namespace)", true),
            new HostTool("chroot", "coreutils", "recipe commands", true),
            new HostTool("setsid", "util-linux", "netloom up (detached controller)", true),
            new HostTool("stty", "coreutils", "netloom console (raw terminal)", true),
            new HostTool("env", "coreutils", "running apt-get non-interactively", true),
            new HostTool("genisoimage", "genisoimage", "cloud images (NoCloud seed; xorriso also works)", true),
            new HostTool("renice", "bsdutils", "ksmd's priority while labs run KSM", true),
            new HostTool("tcpdump", "tcpdump", "netloom capture, link.capture and the flight recorder (\"capture\" in a scenario)", false),
            new HostTool("tshark", "tshark", "reading captures (tshark -r FILE.pcapng; the capture tests)", false),
            new HostTool("cpio", "cpio", "benchmarks (bare initramfs)", false),
            new HostTool("bridge", "iproute2", "benchmarks (wiring: the VLAN-bridge design, where the kernel has VLAN filtering)", false),
            new HostTool("dot", "graphviz", "netloom graph --format svg", false),
            new HostTool("grub-mkrescue", "grub-common", "the GRUB example image (images/grub/make-iso)", false),
            // grub-pc-bin has no program of its own: GRUB's BIOS modules, which grub-mkrescue copies into the ISO
            new HostTool("/usr/lib/grub/i386-pc/grub-bios-setup", "grub-pc-bin", "the GRUB example image (GRUB's BIOS modules)", false),
            new HostTool("xorriso", "xorriso", "the GRUB example image (grub-mkrescue writes the ISO with it)", false),
            new HostTool("setfacl", "acl", "the rootless lab test (lets its user open /dev/net/tun while it runs)", false),
            new HostTool("zsh", "zsh", "the zsh completion test (netloom completion zsh, completed in a real zsh)", false),
            new HostTool("promtool", "prometheus", "the metrics test (promtool check metrics on the --metrics page)", false),
            new HostTool("busybox", "busybox", "the hosts-file test (the tiny image's shell, BusyBox ash, run on the host)", false),
            new HostTool("tmux", "tmux", "the console tests (netloom console driven in a real terminal)", false),
            new HostTool("chromium", "chromium", "the web view test (headless Chromium drives the page; docs/web.md)", false));

    /** Every package of the table, once each, in table order. */
    public static List<String> packages() {
        return List.copyOf(new LinkedHashSet<>(ALL.stream().map(HostTool::pkg).toList()));
    }

    /** True when the program is on this host. */
    public boolean present() {
        return Proc.onPath(program);
    }
}

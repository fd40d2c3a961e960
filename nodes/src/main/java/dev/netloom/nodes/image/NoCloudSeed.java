package dev.netloom.nodes.image;

import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.host.Proc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The cloud-init NoCloud seed that turns an unmodified cloud image into a netloom node: an ISO 9660
 * volume labelled {@code cidata} with {@code meta-data} (instance id, hostname), {@code user-data}
 * (root auto-login on ttyS0, and on the people's terminal when the node has one; the boot marker, an
 * optional SSH key) and {@code network-config}
 * (networking off: netloom configures the interfaces itself). Made with genisoimage or xorriso, no mounting.
 *
 * @param hostname   the node's name, which becomes the guest's hostname
 * @param instanceId unique per boot of a node, so cloud-init runs its per-instance modules on every start
 * @param sshKey     an SSH public key authorised for root, or null
 * @param macs       the node's NIC MAC addresses in guest order: the interface with the i-th one is renamed ethI
 * @param humanTty   the guest's device of the people's terminal (ttyS1, or hvc0 on arm64; docs/consoles.md),
 *                   on which root is logged in too, or null when the node has none
 */
public record NoCloudSeed(String hostname, String instanceId, String sshKey, List<String> macs, String humanTty) {

    /** What the user-data prints on ttyS0 once the system has finished booting. */
    public static final String BOOT_MARKER = "netloom-cloud: boot complete";
    /** Tools that can write the ISO, in order of preference, each with the Debian package that has it. */
    static final List<List<String>> ISO_TOOLS = List.of(
            List.of("genisoimage", "genisoimage"),
            List.of("xorriso", "xorriso"),
            List.of("mkisofs", "genisoimage"));

    /** The automation's console, where root is logged in. */
    private static final String CONSOLE_TTY = "ttyS0";

    public NoCloudSeed {
        if (hostname == null || !hostname.matches("[a-z][a-z0-9-]{0,62}")) {
            throw new IllegalArgumentException("bad hostname for a NoCloud seed: " + hostname);
        }
        if (instanceId == null || !instanceId.matches("[A-Za-z0-9._-]{1,128}")) {
            throw new IllegalArgumentException("bad instance id for a NoCloud seed: " + instanceId);
        }
        if (sshKey != null && (sshKey.isBlank() || sshKey.chars().anyMatch(c -> c < 0x20))) {
            throw new IllegalArgumentException("an SSH public key must be one line");
        }
        if (humanTty != null && !humanTty.matches("(ttyS|hvc)[0-9]")) {
            throw new IllegalArgumentException("bad tty for the people's console in a NoCloud seed: " + humanTty);
        }
        macs = macs == null ? List.of() : List.copyOf(macs);
        for (String mac : macs) {
            if (!mac.matches("[0-9a-f]{2}(:[0-9a-f]{2}){5}")) {
                throw new IllegalArgumentException("bad MAC address for a NoCloud seed: " + mac);
            }
        }
    }

    /** The seed for node {@code node}; {@code nonce} (new for every start) makes the instance id unique. */
    public static NoCloudSeed forNode(String node, String nonce, String sshKey, List<String> macs) {
        return forNode(node, nonce, sshKey, macs, null);
    }

    /** The seed for node {@code node} with a root shell for people on {@code humanTty} too (null: none). */
    public static NoCloudSeed forNode(String node, String nonce, String sshKey, List<String> macs, String humanTty) {
        return new NoCloudSeed(node, node + "-" + nonce, sshKey == null ? null : sshKey.strip(), macs, humanTty);
    }

    public String metaData() {
        return "instance-id: " + instanceId + "\n"
                + "local-hostname: " + hostname + "\n";
    }

    /**
     * The #cloud-config. The auto-login drop-in is written by write_files (init stage) and takes effect
     * with the getty restart in runcmd (final stage). The people's getty (serial-getty@ttyS1: not one
     * systemd starts by itself, since the kernel's console is ttyS0) gets the same drop-in and is
     * started there, before the marker, so it is up once the node is READY. The marker waits (bounded) until systemd has
     * finished booting and quietens the kernel's console log first, so that no boot message lands in
     * the middle of a command's output later.
     */
    public String userData() {
        StringBuilder y = new StringBuilder();
        y.append("#cloud-config\n");
        y.append("# netloom NoCloud seed for node ").append(hostname).append(": root shell on ttyS0, hostname, boot marker\n");
        y.append("hostname: ").append(hostname).append('\n');
        y.append("preserve_hostname: false\n");
        if (sshKey != null) {
            y.append("disable_root: false\n");
            y.append("ssh_authorized_keys:\n");
            y.append("  - ").append(yamlString(sshKey)).append('\n');
        }
        if (!macs.isEmpty()) {
            y.append("bootcmd:\n");
            y.append("  - [sh, -c, ").append(yamlString(renameScript())).append(", netloom-ifnames, ")
                    .append(String.join(", ", macs.stream().map(NoCloudSeed::yamlString).toList())).append("]\n"); // quoted: YAML 1.1 reads 52:54:00:00:01:00 as a number
        }
        List<String> ttys = humanTty == null ? List.of(CONSOLE_TTY) : List.of(CONSOLE_TTY, humanTty);
        y.append("write_files:\n");
        for (String tty : ttys) {
            y.append("  - path: /etc/systemd/system/serial-getty@").append(tty).append(".service.d/netloom-autologin.conf\n");
            y.append("    permissions: '0644'\n");
            y.append("    content: |\n");
            y.append("      [Service]\n");
            y.append("      ExecStart=\n");
            y.append("      ExecStart=-/sbin/agetty --autologin root --noclear --keep-baud 115200,57600,38400,9600 %I $TERM\n");
        }
        y.append("runcmd:\n");
        y.append("  - [systemctl, daemon-reload]\n");
        y.append("  - [systemctl, restart, serial-getty@ttyS0.service]\n");
        if (humanTty != null) {
            y.append("  - [systemctl, restart, serial-getty@").append(humanTty).append(".service]\n");
        }
        y.append("  - [systemd-run, --no-block, --unit=netloom-ready, --, /bin/sh, -c, ")
                .append(yamlString("timeout 40 systemctl is-system-running --wait >/dev/null 2>&1; dmesg -n 1;"
                        + " echo \"" + BOOT_MARKER + " on $(hostname)\" > /dev/ttyS0"))
                .append("]\n");
        return y.toString();
    }

    /**
     * Renames the NICs to eth0, eth1, ... in the order of their MACs (the arguments), as netloom's guest
     * configuration expects, whatever names the image's udev gave them (ens3, enp0s4, ...): first all
     * to temporary names, so that no rename collides. Runs in bootcmd, while the links are still down.
     */
    static String renameScript() {
        return "i=0; for mac; do for d in /sys/class/net/*; do"
                + " [ \"$(cat \"$d/address\" 2>/dev/null)\" = \"$mac\" ] && ip link set dev \"${d##*/}\" name nltmp$i; done; i=$((i+1)); done;"
                + " i=0; for mac; do [ -e /sys/class/net/nltmp$i ] && ip link set dev nltmp$i name eth$i; i=$((i+1)); done; true";
    }

    /** Networking off: cloud-init neither renders a config nor runs DHCP; netloom owns ethX. */
    public String networkConfig() {
        return "config: disabled\n";
    }

    /**
     * Writes the seed to {@code target} (an ISO 9660 image with Rock Ridge and Joliet names, volume
     * id {@code cidata}), through a scratch directory beside it that is removed again.
     */
    public Path writeIso(Path target) {
        List<String> tool = isoTool();
        Path files = target.resolveSibling(target.getFileName() + ".d");
        try {
            ImageStore.deleteTree(files);
            Files.createDirectories(files);
            Files.writeString(files.resolve("meta-data"), metaData());
            Files.writeString(files.resolve("user-data"), userData());
            Files.writeString(files.resolve("network-config"), networkConfig());
            Files.deleteIfExists(target);
            Proc.run(isoCommand(tool.get(0), files, target), Duration.ofMinutes(1)).orThrow();
            return target;
        } catch (IOException e) {
            throw new NetloomException("cannot write the NoCloud seed " + target + ": " + e.getMessage(), e);
        } finally {
            ImageStore.deleteTree(files);
        }
    }

    /** The argument list that writes {@code dir}'s files into an ISO labelled cidata. */
    static List<String> isoCommand(String tool, Path dir, Path target) {
        List<String> cmd = new ArrayList<>();
        cmd.add(tool);
        if (tool.equals("xorriso")) {
            cmd.addAll(List.of("-as", "mkisofs"));
        }
        cmd.addAll(List.of("-quiet", "-volid", "cidata", "-joliet", "-rock", "-output", target.toString(), dir.toString()));
        return cmd;
    }

    /** The first ISO tool on the PATH (name and package), or an error that says what to install. */
    static List<String> isoTool() {
        for (List<String> t : ISO_TOOLS) {
            if (Proc.onPath(t.get(0))) {
                return t;
            }
        }
        throw new NetloomException("cloud images need a NoCloud seed, written with genisoimage or xorriso, and neither is installed:"
                + " install one with `apt-get install genisoimage`");
    }

    /**
     * Makes sure a tool that writes the seed is installed: as root it installs genisoimage with
     * apt-get (and says so); otherwise it throws with the command to run.
     */
    public static void ensureTool(java.util.function.Consumer<String> say) {
        if (ISO_TOOLS.stream().anyMatch(t -> Proc.onPath(t.get(0)))) {
            return;
        }
        if (!dev.netloom.nodes.host.HostSetup.isRoot()) {
            isoTool(); // throws with the install command
        }
        say.accept("installing genisoimage, which writes the NoCloud seed of cloud images");
        List<String> install = List.of("env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "--no-install-recommends", "genisoimage");
        if (!Proc.run(install, null, null, Duration.ofMinutes(10)).ok()) {
            Proc.run(List.of("apt-get", "update", "-q"), Duration.ofMinutes(10));
            Proc.run(install, null, null, Duration.ofMinutes(10)).orThrow();
        }
    }

    /** A YAML double-quoted scalar. */
    static String yamlString(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> b.append(c);
            }
        }
        return b.append('"').toString();
    }
}

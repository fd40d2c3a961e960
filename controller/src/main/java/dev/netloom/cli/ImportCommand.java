package dev.netloom.cli;

import dev.netloom.nodes.host.HostSetup;
import dev.netloom.nodes.image.ImageImporter;
import dev.netloom.nodes.image.ImageKinds;
import dev.netloom.nodes.image.ImageStore;
import dev.netloom.nodes.image.ImportRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code netloom images import KIND FILE}: brings a disk image made elsewhere into the image store. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Import a disk image into the image store (as qcow2, next to its manifest).",
                "generic: any image with a shell on its serial console (ttyS0); say how its console looks with --boot-pattern and --prompt"
                        + " (and --login-pattern/--username/--password-pattern/--password when it asks for a login).",
                "openwrt: OpenWrt's x86-64 combined image (openwrt-*-x86-64-generic-ext4-combined.img.gz), as downloaded.",
                "cloud: an unmodified cloud image with cloud-init (e.g. debian-12-genericcloud-amd64.qcow2); each node gets a NoCloud seed"
                        + " that logs root in on ttyS0 and sets the hostname.",
                "gzip-compressed files are decompressed; other disk formats qemu-img reads (raw, vmdk, vdi, vhdx, ...) are converted;"
                        + " a hybrid ISO (grub-mkrescue's) is a raw disk and boots as a hard disk.",
                "Patterns are Java regexes, matched against the console's text with terminal control sequences removed (colours,"
                        + " a shell's cursor query after its prompt), so '[#$] $' matches a BusyBox prompt."},
        footer = {"", "Examples:",
                "  netloom images import openwrt openwrt-23.05.5-x86-64-generic-ext4-combined.img.gz",
                "  netloom images import cloud debian-12-genericcloud-amd64.qcow2 --name bookworm",
                "  netloom images import generic alpine.qcow2 --boot-pattern 'Welcome to Alpine' --prompt '# $' \\",
                "      --login-pattern 'login: $' --username root",
                "  images/grub/make-iso VMLINUZ INITRD grub-tiny.iso    # a GRUB-booted disk (docs/images.md)",
                "  netloom images import generic grub-tiny.iso --boot-pattern 'netloom-tiny: boot complete' \\",
                "      --prompt '[#$] (\\x1b\\[6n)?$' --memory 96M --capability guest-netem",
                "Docs: docs/images.md"})
final class ImportCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "KIND", description = "${COMPLETION-CANDIDATES}", completionCandidates = Kinds.class)
    String kind;

    @Parameters(index = "1", paramLabel = "FILE", description = "the disk image (may be .gz)")
    Path file;

    @Option(names = "--name", paramLabel = "N", description = "image name in the store (default: from the file name; openwrt for OpenWrt)")
    String name;

    @Option(names = "--boot-pattern", paramLabel = "REGEX", description = "console line that says the system is up (required for generic)")
    String bootPattern;

    @Option(names = "--prompt", paramLabel = "REGEX", description = "the root shell prompt (required for generic)")
    String prompt;

    @Option(names = "--login-pattern", paramLabel = "REGEX", description = "login prompt, when the console is not logged in by itself")
    String loginPattern;

    @Option(names = "--username", paramLabel = "U", description = "user to log in as (with --login-pattern)")
    String username;

    @Option(names = "--password-pattern", paramLabel = "REGEX", description = "password prompt (with --login-pattern)")
    String passwordPattern;

    @Option(names = "--password", paramLabel = "P", description = "password (with --password-pattern; stored in the manifest)")
    String password;

    @Option(names = "--kernel", paramLabel = "K", description = "kernel for direct boot (default: the disk boots with its own bootloader)")
    Path kernel;

    @Option(names = "--initrd", paramLabel = "I", description = "initramfs for direct boot (with --kernel)")
    Path initrd;

    @Option(names = "--append", paramLabel = "ARGS", description = "kernel command line for direct boot, e.g. 'root=/dev/vda console=ttyS0 net.ifnames=0'")
    String append;

    @Option(names = "--memory", paramLabel = "SIZE", description = "default guest memory, e.g. 256M or 1G (default: 256M generic, 128M openwrt, 512M cloud)")
    String memory;

    @Option(names = "--capability", paramLabel = "CAP", description = "what the guest offers: guest-netem (it has tc and sch_netem), human-console (a root shell for people on its second serial port, ttyS1: netloom console's own terminal; cloud images get it by default); repeatable")
    List<String> capabilities = new ArrayList<>();

    @Option(names = "--force", description = "replace an image of the same name")
    boolean force;

    @Override
    public Integer call() {
        ImportRequest request = new ImportRequest(kind, file.toAbsolutePath(), name,
                memory == null ? null : ImportRequest.parseMemory(memory), bootPattern, prompt, loginPattern, username,
                passwordPattern, password, kernel == null ? null : kernel.toAbsolutePath(), initrd == null ? null : initrd.toAbsolutePath(),
                append, capabilities, force);
        request.manifest(); // every option checked before anything is installed or written
        HostSetup.ensure(Say::line);
        ImageKinds.forImport(kind).ensureHostTools(Say::line);
        new ImageImporter(ImageStore.fromEnvironment(), Say::line).importImage(request);
        return 0;
    }

    static final class Kinds implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return ImageKinds.importableNames().iterator();
        }
    }
}

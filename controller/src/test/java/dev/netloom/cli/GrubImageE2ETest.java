package dev.netloom.cli;

import dev.netloom.fabric.Fabric;
import dev.netloom.lab.Cleanup;
import dev.netloom.nodes.host.HostTool;
import dev.netloom.nodes.host.Proc;
import dev.netloom.nodes.image.ImageManifest;
import dev.netloom.nodes.image.ImageStore;
import dev.netloom.nodes.image.TinyImageBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * An image that boots with its own bootloader, made and used the way docs/images.md tells a user to:
 * images/grub/make-iso puts the tiny image's kernel and initramfs behind GRUB in a hybrid rescue ISO
 * (nothing mounted), `images import generic` takes it as a disk, and a lab of three such nodes is
 * addressed, routed, shaped (guest netem) and pings all.
 */
@Tag("e2e")
class GrubImageE2ETest {

    private static final String LAB = "grubline";
    private static final String IMAGE = "grub-e2e-" + ProcessHandle.current().pid();
    private static final Path MAKE_ISO = Path.of("..", "images", "grub", "make-iso").toAbsolutePath().normalize();

    private static Path work;
    private static ImageStore store;

    @BeforeAll
    static void tools() throws Exception {
        List<String> missing = HostTool.ALL.stream().filter(t -> t.neededFor().contains("GRUB example image") && !t.present())
                .map(HostTool::pkg).distinct().toList();
        assumeTrue(missing.isEmpty(), "the GRUB example image needs the Debian packages " + String.join(" ", missing)
                + ": ./netloom setup installs them (as root)");
        store = ImageStore.fromEnvironment();
        new TinyImageBuilder(store, line -> System.err.println("tiny image: " + line)).build(false);
        work = Files.createTempDirectory("grube2e");
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (Cleanup.labs().stream().anyMatch(l -> l.name().equals(LAB))) {
            CliRun.of("down", LAB);
            Cleanup.labs().stream().filter(l -> l.name().equals(LAB)).forEach(l -> Cleanup.clean(l, System.err::println));
        }
        if (store != null) {
            ImageStore.deleteTree(store.dir(IMAGE));
        }
        if (work != null) {
            ImageStore.deleteTree(work);
        }
    }

    @Test
    void grubRescueIso_importedAsGenericDisk_labOfThreePingsAll() throws Exception {
        ImageManifest tiny = store.require(TinyImageBuilder.NAME);
        Path tinyDir = store.dir(TinyImageBuilder.NAME);
        Path iso = work.resolve("grub-tiny.iso");

        long t0 = System.nanoTime();
        // GRUB boots the bzImage (vmlinuz), which the tiny image keeps beside the ELF its nodes boot through PVH
        Proc.Result made = Proc.run(List.of(MAKE_ISO.toString(), "-a", tiny.kernelArgs(),
                tinyDir.resolve("vmlinuz").toString(), tinyDir.resolve(tiny.initrd()).toString(), iso.toString()), Duration.ofMinutes(5));
        assertThat(made.ok()).as(made.stderr()).isTrue();
        System.err.printf("grub: make-iso in %d ms, %d MB%n", millisSince(t0), Files.size(iso) / 1_000_000);

        long t1 = System.nanoTime();
        CliRun imported = CliRun.of("images", "import", "generic", iso.toString(), "--name", IMAGE,
                "--boot-pattern", tiny.bootPattern(), "--prompt", tiny.promptPattern(), "--memory", "96M", "--capability", "guest-netem");
        assertThat(imported.exitCode()).as(imported.err()).isZero();
        assertThat(imported.err()).contains("hybrid ISO 9660");
        ImageManifest m = store.require(IMAGE);
        assertThat(m.kernel()).as("the disk boots with its own bootloader").isNull();
        assertThat(m.disk()).isEqualTo("disk.qcow2");
        System.err.printf("grub: import in %d ms%n", millisSince(t1));

        Path scenario = Files.writeString(work.resolve("grub.json"), """
                { "name": "%s", "defaults": { "image": "%s", "memory": "96M" },
                  "nodes": ["a", "b", "c"],
                  "links": [ {"between": ["a", "b"]}, {"between": ["b", "c"], "delay": "10ms"} ],
                  "routing": "static",
                  "checks": [ {"ping": "all"} ] }
                """.formatted(LAB, IMAGE));
        long t2 = System.nanoTime();
        CliRun up = CliRun.of("up", scenario.toString());
        assertThat(up.exitCode()).as(up.err()).isZero();
        assertThat(up.err()).contains("checks passed: 6/6");
        System.err.printf("grub: lab of 3 up (READY, configured, ping all) in %d ms%n", millisSince(t2));

        // GRUB booted the kernel: its `linux` command puts BOOT_IMAGE first; QEMU's -kernel would not
        CliRun cmdline = CliRun.of("exec", "--lab", LAB, "b", "--", "cat", "/proc/cmdline");
        assertThat(cmdline.exitCode()).as(cmdline.err()).isZero();
        assertThat(cmdline.out()).startsWith("BOOT_IMAGE=/boot/vmlinuz ").contains("console=ttyS0,115200").doesNotContain("netloom.hostname");

        // a -> c crosses b-c's 10 ms each way (guest netem on b and c)
        CliRun ping = CliRun.of("exec", "--lab", LAB, "a", "--", "ping", "-c", "3", "-w", "10", "c");
        assertThat(ping.exitCode()).as(ping.out()).isZero();
        assertThat(minRtt(ping.out())).as(ping.out()).isGreaterThanOrEqualTo(20.0);

        CliRun down = CliRun.of("down", LAB);
        assertThat(down.exitCode()).as(down.err()).isZero();
        assertThat(Cleanup.labs()).noneMatch(l -> l.name().equals(LAB));
        assertThat(Fabric.exists("nl-" + LAB)).isFalse();
    }

    private static double minRtt(String pingOutput) {
        Matcher m = Pattern.compile("min/avg/max = ([0-9.]+)/").matcher(pingOutput);
        assertThat(m.find()).as(pingOutput).isTrue();
        return Double.parseDouble(m.group(1));
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}

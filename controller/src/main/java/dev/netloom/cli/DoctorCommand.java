package dev.netloom.cli;

import dev.netloom.nodes.Install;
import dev.netloom.fabric.Fabric;
import dev.netloom.lab.MemoryMerging;
import dev.netloom.nodes.host.HostSetup;
import dev.netloom.nodes.host.HostTool;
import dev.netloom.nodes.host.Netns;
import dev.netloom.nodes.host.Proc;
import dev.netloom.nodes.host.Rootless;
import dev.netloom.nodes.image.ImageStore;
import dev.netloom.nodes.image.TinyImageBuilder;
import dev.netloom.nodes.qemu.Accel;
import dev.netloom.nodes.qemu.AccelProbe;
import dev.netloom.nodes.qemu.Arch;
import dev.netloom.nodes.qemu.QemuCommandLine;
import dev.netloom.scenario.Names;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/** Checks that this host can run labs, one line per check, with a remedy where one fails. */
@Command(name = "doctor", mixinStandardHelpOptions = true, header = "Check that this host can run labs.",
        description = {"Check the host: every host program netloom runs (with the Debian package for each missing one),",
                "QEMU, acceleration (a real KVM test boot), /dev/net/tun, whether labs run without root (and why not),",
                "bridges, taps and tc mirred in a scratch network namespace, host netem, ip and tc, and which guest",
                "architectures (x86_64, arm64) this host can run.",
                "Exit 0 if netloom can run labs here, 1 otherwise.",
                "As root, missing core packages are installed first. The KVM probe boots the tiny image;",
                "doctor builds it first when it is missing (as root)."})
final class DoctorCommand implements Callable<Integer> {

    @Mixin
    AccelOption accel;

    @Option(names = "--reprobe", description = "Forget the cached acceleration verdict and probe again.")
    boolean reprobe;

    private boolean ok = true;

    @Override
    public Integer call() {
        Accel requested = accel.requested();
        if (!programs()) {
            System.out.println("netloom cannot run labs on this host yet: install the packages marked FAIL (as root: " + Install.cli() + " setup)");
            return 1;
        }
        qemu();
        architectures(acceleration(requested));
        tun();
        ksm();
        rootless();
        namespace();
        tools();
        System.out.println(ok ? "netloom can run labs on this host" : "netloom cannot run labs on this host yet: fix the lines marked FAIL");
        return ok ? 0 : 1;
    }

    /**
     * One line per host program of {@link HostTool#ALL}; as root, missing core packages are installed
     * first (and said). False when a core program is still missing: the checks after this need them.
     */
    private boolean programs() {
        if (HostSetup.isRoot() && !HostSetup.missingPackages().isEmpty()) {
            HostSetup.ensure(Say::line);
        }
        boolean coreOk = true;
        for (HostTool t : HostTool.ALL) {
            if (t.present()) {
                line("OK", t.program(), t.pkg() + ": " + t.neededFor());
            } else if (t.core()) {
                check(false, t.program(), "missing (" + t.neededFor() + ")", "apt-get install " + t.pkg());
                coreOk = false;
            } else {
                line("WARN", t.program(), "missing; needed only for " + t.neededFor() + " -> apt-get install " + t.pkg() + " (" + Install.cli() + " setup does)");
            }
        }
        return coreOk;
    }

    private void qemu() {
        Proc.Result r = Proc.run(List.of(QemuCommandLine.QEMU, "--version"), Duration.ofSeconds(20));
        check(r.ok(), "qemu", r.stdout().lines().findFirst().orElse(""), "install it: apt-get install qemu-system-x86");
        Proc.Result img = Proc.run(List.of("qemu-img", "--version"), Duration.ofSeconds(20));
        check(img.ok(), "qemu-img", img.stdout().lines().findFirst().orElse(""), "install it: apt-get install qemu-utils");
    }

    private AccelProbe.Verdict acceleration(Accel requested) {
        ImageStore store = ImageStore.fromEnvironment();
        if (requested == Accel.AUTO && store.find(TinyImageBuilder.NAME).isEmpty() && HostSetup.isRoot()) {
            Say.line("building the tiny image, which the KVM probe boots");
            new TinyImageBuilder(store, Say::line).build(false);
        }
        AccelProbe probe = AccelProbe.forHost();
        if (reprobe) {
            probe.forget();
        }
        Path tiny = store.find(TinyImageBuilder.NAME).isPresent() ? store.dir(TinyImageBuilder.NAME) : null;
        AccelProbe.Verdict v = probe.resolve(requested, tiny);
        line("OK", "acceleration", v.accel().qemuName().toUpperCase() + ": " + v.reason());
        return v;
    }

    /**
     * One line per guest architecture: whether its emulator is here and runs (its machine help lists
     * the machine netloom boots), and how its guests run. The host's own architecture's emulator is
     * needed for every lab (FAIL); another's only for nodes of it (WARN).
     */
    private void architectures(AccelProbe.Verdict hostVerdict) {
        for (Arch a : Arch.values()) {
            String what = "arch " + a;
            boolean needed = a.isHost() || (Arch.host().isEmpty() && a == Arch.X86_64);
            if (!Proc.onPath(a.qemu())) {
                if (needed) {
                    check(false, what, a.qemu() + " missing", "apt-get install " + a.qemuPackage());
                } else {
                    line("WARN", what, a.qemu() + " missing: no " + a + " nodes -> apt-get install " + a.qemuPackage() + " (" + Install.cli() + " setup does)");
                }
                continue;
            }
            String machine = QemuCommandLine.machineName(a);
            Proc.Result help = Proc.run(List.of(a.qemu(), "-machine", "help"), Duration.ofSeconds(20));
            boolean works = help.ok() && help.stdout().lines().anyMatch(l -> l.startsWith(machine + " "));
            Accel runs = a.accel(hostVerdict.accel());
            String detail = a.qemu() + " runs machine " + machine + "; " + a + " nodes run under " + runs.qemuName().toUpperCase()
                    + (a.isHost() ? "" : " (KVM runs only the host's own architecture)");
            if (works) {
                line("OK", what, detail);
            } else if (needed) {
                check(false, what, a.qemu() + " does not run machine " + machine + ": " + Proc.lastLine(help.stderr()), "reinstall " + a.qemuPackage());
            } else {
                line("WARN", what, a.qemu() + " does not run machine " + machine + ": " + Proc.lastLine(help.stderr())
                        + " -> reinstall " + a.qemuPackage());
            }
        }
    }

    private void tun() {
        Path tun = Rootless.TUN;
        boolean opens;
        try {
            new RandomAccessFile(tun.toFile(), "rw").close();
            opens = true;
        } catch (IOException e) {
            opens = false;
        }
        check(opens, "/dev/net/tun", opens ? "opens" : "missing or not openable",
                Files.exists(tun) ? Rootless.tunObstacle(HostSetup.isRoot()).orElse("run netloom as root") : "load the tun module: modprobe tun");
    }

    /** Whether ordinary users can run labs here (as root: for them; otherwise: for this user), and why not. */
    private void rootless() {
        List<String> obstacles = Rootless.obstacles();
        String who = HostSetup.isRoot() ? "ordinary users" : System.getProperty("user.name");
        if (obstacles.isEmpty()) {
            line("OK", "rootless", who + " can run labs without root (in user namespaces of their own; KSM stays off for them)");
        } else if (HostSetup.isRoot()) {
            line("WARN", "rootless", who + " cannot run labs here: " + String.join("; ", obstacles));
        } else {
            check(false, "rootless", "labs without root do not work here: " + String.join("; ", obstacles), "fix that, or run netloom as root");
        }
    }

    /** Same-page merging: whether it runs or netloom can turn it on, and what it saves now (a host without it still runs labs, with more memory per node). */
    private void ksm() {
        MemoryMerging merging = MemoryMerging.host();
        line(merging.decide(true).merges() ? "OK" : "WARN", "ksm", merging.describe());
    }

    /**
     * Creates a bridge and taps in a scratch namespace (an ordinary user's in a user namespace of its
     * own, as a lab's), joins two taps as a lab joins a link's, tries host netem there, and removes it all.
     */
    private void namespace() {
        String ns = Names.scratchNamespace(Names.DOCTOR, String.valueOf(ProcessHandle.current().pid()));
        Netns netns;
        try {
            netns = Netns.create(ns);
        } catch (RuntimeException e) {
            check(false, "namespace", e.getMessage(), Netns.rootless() ? "see the rootless line, or run netloom as root"
                    : "run netloom as root on a kernel with network namespaces");
            return;
        }
        line("OK", "namespace", "created " + netns);
        try {
            Proc.Result wiring = Proc.run(netns.tool("ip", List.of("-batch", "-")), null,
                    ("link add nl-br0 type bridge\n"
                            + "tuntap add dev nl-tap0 mode tap\n"
                            + "link set nl-tap0 master nl-br0\n"
                            + "link set nl-br0 up\n"
                            + "tuntap add dev nl-tap1 mode tap\n"
                            + "tuntap add dev nl-tap2 mode tap\n"
                            + "link add nl-veth0 type veth peer name nl-veth1\n"
                            + "link set nl-veth0 up\n").getBytes(), Duration.ofSeconds(20));
            check(wiring.ok(), "bridge+tap", wiring.ok() ? "a bridge and a tap work in a network namespace" : Proc.lastLine(wiring.stderr()),
                    "load the bridge and tun modules (modprobe bridge tun)");
            Proc.Result mirred = Proc.run(netns.tool("tc", List.of("-batch", "-")), null,
                    (Fabric.redirect("nl-tap1", "nl-tap2") + Fabric.redirect("nl-tap2", "nl-tap1")).getBytes(), Duration.ofSeconds(20));
            check(mirred.ok(), "tc mirred", mirred.ok() ? "two taps joined by tc redirects, as a lab joins a link's" : Proc.lastLine(mirred.stderr()),
                    "load the ingress qdisc, u32 classifier and mirred action (modprobe sch_ingress cls_u32 act_mirred)");
            Proc.Result netem = Proc.run(netns.tool("tc", List.of("qdisc", "add", "dev", "nl-veth0", "root", "netem", "delay", "1ms")), Duration.ofSeconds(20));
            line("OK", "host netem", netem.ok() ? "available: impairments run on the host's taps"
                    : "not available (" + Proc.lastLine(netem.stderr()) + "): impairments run inside the guests (guest netem)");
            Proc.Result tbf = Proc.run(netns.tool("tc", List.of("qdisc", "replace", "dev", "nl-veth0", "root", "tbf", "rate", "1mbit", "burst", "32kbit", "latency", "50ms")),
                    Duration.ofSeconds(20));
            line("OK", "host tbf", tbf.ok() ? "available (rate limits on the host)" : "not available: " + Proc.lastLine(tbf.stderr()));
        } finally {
            try {
                netns.delete();
                line("OK", "namespace", "removed " + ns);
            } catch (RuntimeException e) {
                check(false, "namespace", e.getMessage(), "remove it by hand: ip netns del " + ns);
            }
        }
    }

    private void tools() {
        Proc.Result ip = Proc.run(List.of("ip", "-V"), Duration.ofSeconds(20));
        check(ip.ok(), "ip", ip.stdout().strip(), "install it: apt-get install iproute2");
        Proc.Result tc = Proc.run(List.of("tc", "-V"), Duration.ofSeconds(20));
        check(tc.ok(), "tc", tc.stdout().strip(), "install it: apt-get install iproute2");
    }

    private boolean check(boolean passed, String what, String detail, String remedy) {
        line(passed ? "OK" : "FAIL", what, passed ? detail : detail + " -> " + remedy);
        ok &= passed;
        return passed;
    }

    private static void line(String status, String what, String detail) {
        System.out.printf("%-4s %-18s %s%n", status, what, detail);
    }
}

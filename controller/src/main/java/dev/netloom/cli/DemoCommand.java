package dev.netloom.cli;

import dev.netloom.nodes.ExecResult;
import dev.netloom.nodes.NodeSpec;
import dev.netloom.nodes.QemuNode;
import dev.netloom.nodes.host.HostSetup;
import dev.netloom.nodes.image.ImageManifest;
import dev.netloom.nodes.image.ImageStore;
import dev.netloom.nodes.image.TinyImageBuilder;
import dev.netloom.nodes.qemu.Accel;
import dev.netloom.nodes.qemu.AccelProbe;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** The one-command tour: builds the tiny image if missing, boots a node, runs commands in it, stops it. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Boot a tiny node, run a few commands in it over its serial console, and stop it.",
                "Installs what is missing and builds the tiny image first when needed."})
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--accel", defaultValue = "auto", description = "kvm, tcg or auto (default: ${DEFAULT-VALUE}).")
    String accel;

    @Override
    public Integer call() {
        Accel requested = Accel.parse(accel);
        HostSetup.ensure(Say::line);
        ImageStore store = ImageStore.fromEnvironment();
        ImageManifest image = new TinyImageBuilder(store, Say::line).build(false);
        AccelProbe.Verdict verdict = AccelProbe.forHost().resolve(requested, store.dir(TinyImageBuilder.NAME));
        Say.line("booting node demo1 (" + verdict.accel().qemuName() + ")");
        NodeSpec spec = NodeSpec.of("demo1", image, store.dir(TinyImageBuilder.NAME), verdict.accel());
        try (QemuNode node = QemuNode.start(spec)) {
            node.awaitReady();
            Say.line("node demo1 is READY after " + node.bootTime().toMillis() + " ms");
            for (String command : new String[]{"uname -sr", "ip -o link", "tc qdisc add dev lo root netem delay 5ms && ping -c 3 -q 127.0.0.1"}) {
                ExecResult r = node.exec(command);
                System.out.println("demo1# " + command);
                System.out.print(r.output());
                System.out.println("(exit " + r.exitCode() + ", " + r.duration().toMillis() + " ms)");
                if (r.exitCode() != 0) {
                    return 1;
                }
            }
        }
        Say.line("node demo1 stopped; nothing left behind");
        return 0;
    }
}

package dev.netloom.cli;

import dev.netloom.nodes.qemu.Accel;
import picocli.CommandLine.Option;

/** --accel: the acceleration QEMU runs (or doctor checks) with. */
final class AccelOption {

    @Option(names = "--accel", paramLabel = "<accel>", defaultValue = "auto", description = "kvm, tcg or auto (default: ${DEFAULT-VALUE}).")
    String text;

    /** The acceleration asked for; an unknown one is bad input listing the choices. */
    Accel requested() {
        return Accel.parse(text);
    }
}

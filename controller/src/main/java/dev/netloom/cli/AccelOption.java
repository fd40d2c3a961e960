package dev.netloom.cli;

import dev.netloom.nodes.Config;
import dev.netloom.nodes.qemu.Accel;
import picocli.CommandLine.Option;

/** --accel: the acceleration QEMU runs (or doctor checks) with; without it, the configured default (see `netloom config show`). */
final class AccelOption {

    @Option(names = "--accel", paramLabel = "<accel>",
            description = "kvm, tcg or auto (default: $NETLOOM_ACCEL, else \"accel\" in the config file, else auto).")
    String text;

    /** The acceleration asked for; an unknown one is bad input listing the choices. */
    Accel requested() {
        return Config.current().accel(text);
    }
}

package dev.netloom.cli;

import dev.netloom.lab.Cleanup;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** Removes what crashed labs left behind. */
@Command(name = "cleanup", mixinStandardHelpOptions = true, header = "Remove what crashed labs left behind.",
        description = {"Remove what crashed labs left behind: their QEMU processes (checked to be that lab's QEMU by",
                "pid and command line), network namespaces and run directories, as their journals record them.",
                "Labs whose controller still runs are left alone. Nothing not recorded in a journal is touched."})
final class CleanupCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        int n = Cleanup.run(Say::line);
        Say.line(n == 0 ? "nothing to clean up" : "cleaned up " + n + " lab" + (n == 1 ? "" : "s"));
        return 0;
    }
}

package dev.netloom.cli;

import dev.netloom.api.ApiClient;
import dev.netloom.nodes.host.Proc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;

/** Attaches the terminal to a node's serial console. */
@Command(name = "console", mixinStandardHelpOptions = true, header = "Attach this terminal to a node's serial console (Ctrl-] detaches).",
        description = {"Attach this terminal to a node's serial console (shared with netloom's automation: typing while a",
                "command of netloom runs on that node can disturb it). Detach with Ctrl-] (0x1d)."})
final class ConsoleCommand implements Callable<Integer> {

    @Mixin
    LabOption lab;

    @Parameters(paramLabel = "NODE", description = "Node name.")
    String node;

    @Override
    public Integer call() throws IOException {
        boolean tty = System.console() != null;
        try (ApiClient api = lab.connect()) {
            Say.line("attached to " + node + "'s console; detach with Ctrl-]");
            if (tty) {
                stty("raw", "-echo");
            }
            try {
                api.console(node, System.in, System.out);
            } finally {
                if (tty) {
                    stty("sane");
                }
            }
        }
        System.err.println();
        Say.line("detached from " + node);
        return 0;
    }

    /** Sets the controlling terminal's mode (stty reads the terminal from its stdin; its output is not read). */
    private static void stty(String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("stty"));
        cmd.addAll(List.of(args));
        try {
            Proc.start(cmd, ProcessBuilder.Redirect.from(new File("/dev/tty")), ProcessBuilder.Redirect.PIPE).waitFor();
        } catch (IOException | InterruptedException e) {
            Say.line("cannot set the terminal mode: " + e.getMessage());
        }
    }
}

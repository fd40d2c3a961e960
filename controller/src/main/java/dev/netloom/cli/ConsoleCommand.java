package dev.netloom.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netloom.api.ApiClient;
import dev.netloom.nodes.Json;
import dev.netloom.nodes.host.Proc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** Attaches the terminal to a node's console for people (docs/consoles.md). */
@Command(name = "console", mixinStandardHelpOptions = true, header = "Attach this terminal to a node's console (Ctrl-] detaches).",
        description = {"Attach this terminal to a node's console. Nodes whose image has a console for people (tiny) give you a login"
                + " shell of your own, with echo, line editing and this terminal's size, which netloom's automation never types on;"
                + " other images share the automation's shell (no echo). Several people may watch; one holds the keyboard."
                + " Detach with Ctrl-] (0x1d)."})
final class ConsoleCommand implements Callable<Integer> {

    @Mixin
    LabOption lab;

    @Parameters(paramLabel = "NODE", description = "Node name.")
    String node;

    @Option(names = "--history", paramLabel = "N", description = "Lines of the console's history shown first (default: one screen).")
    Integer history;

    @Option(names = "--read-only", description = "Watch without taking the keyboard.")
    boolean readOnly;

    @Override
    public Integer call() throws IOException {
        if (history != null && (history < 0 || history > 10_000)) {
            throw new dev.netloom.nodes.BadInputException("--history " + history + " is out of range: give 0 to 10000 lines");
        }
        boolean tty = System.console() != null;
        int[] size = tty ? terminalSize() : null;
        ObjectNode options = Json.MAPPER.createObjectNode().put("name", System.getProperty("user.name", "someone"));
        if (readOnly) {
            options.put("readOnly", true);
        }
        if (size != null) {
            options.put("rows", size[0]).put("cols", size[1]);
        }
        if (history != null) {
            options.put("history", history);
        }
        try (ApiClient api = lab.connect()) {
            Say.line("attached to " + node + "'s console" + (readOnly ? " read-only" : "") + "; detach with Ctrl-]");
            if (tty) {
                stty("raw", "-echo");
                followResizes(api);
            }
            try {
                api.console(node, options, System.in, System.out);
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

    /** On SIGWINCH, tells the node the terminal's new size. */
    @SuppressWarnings("restriction")
    private static void followResizes(ApiClient api) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("WINCH"), signal -> {
                int[] size = terminalSize();
                if (size != null) {
                    api.consoleResize(size[0], size[1]);
                }
            });
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            Say.line("this terminal's resizes will not reach the node: " + e.getMessage());
        }
    }

    /** The controlling terminal's rows and columns, or null when stty cannot tell. */
    static int[] terminalSize() {
        try {
            Process p = Proc.start(List.of("stty", "size"), ProcessBuilder.Redirect.from(new File("/dev/tty")), ProcessBuilder.Redirect.PIPE);
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
            p.waitFor();
            return parseSize(out);
        } catch (IOException | InterruptedException e) {
            return null;
        }
    }

    /** {@code stty size}'s "ROWS COLS", or null when it is not a usable size. */
    static int[] parseSize(String sttySize) {
        String[] parts = sttySize.strip().split("\\s+");
        if (parts.length != 2 || !parts[0].matches("\\d{1,4}") || !parts[1].matches("\\d{1,4}")) {
            return null;
        }
        int rows = Integer.parseInt(parts[0]);
        int cols = Integer.parseInt(parts[1]);
        return rows < 1 || cols < 1 || rows > 1000 || cols > 1000 ? null : new int[]{rows, cols};
    }

    /** Sets the controlling terminal's mode (stty reads the terminal from its stdin; its output is not read). */
    private static void stty(String... args) {
        List<String> cmd = new ArrayList<>(List.of("stty"));
        cmd.addAll(List.of(args));
        try {
            Proc.start(cmd, ProcessBuilder.Redirect.from(new File("/dev/tty")), ProcessBuilder.Redirect.PIPE).waitFor();
        } catch (IOException | InterruptedException e) {
            Say.line("cannot set the terminal mode: " + e.getMessage());
        }
    }
}

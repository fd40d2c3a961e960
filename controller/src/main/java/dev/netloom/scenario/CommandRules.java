package dev.netloom.scenario;

import dev.netloom.nodes.console.ExecFraming;
import java.util.ArrayList;
import java.util.List;

/**
 * Shell commands in a scenario (node and scenario-level "commands", timeline "exec") are typed into
 * a serial console; they are held to what the console takes ({@link ExecFraming#problem}: one line,
 * no control characters, at most {@link ExecFraming#MAX_COMMAND_BYTES}) at load time, so that `run`
 * cannot fail on one halfway through bring-up.
 */
final class CommandRules {

    private CommandRules() {
    }

    /** A list of commands, or none when {@code at} is absent. */
    static List<String> list(SourceValue at) {
        if (at == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (SourceValue el : at.elements("shell commands")) {
            out.add(command(el, "remove it or write a shell command"));
        }
        return out;
    }

    /** One command; {@code emptyFix} says what to do with an empty one. */
    static String command(SourceValue at, String emptyFix) {
        String command = at.text("a shell command");
        if (command.isBlank()) {
            throw at.error("empty command; " + emptyFix);
        }
        String problem = ExecFraming.problem(command);
        if (problem != null) {
            throw at.error(problem);
        }
        return command;
    }
}

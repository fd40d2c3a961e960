package dev.netloom.nodes.console;

import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which commands exec may run in the console's shell itself, without the subshell that isolates the
 * others ({@link ExecFraming}): those that cannot change the shell they run in.
 */
public final class InShellCommands {

    /**
     * One simple command of plain words: no quotes, expansions ({@code $ ` ~ * ? [ {}}), operators,
     * redirections, comments or assignments before the program.
     */
    private static final Pattern SIMPLE_COMMAND = Pattern.compile("([A-Za-z0-9_./-]+)( +[A-Za-z0-9_./:,@%+=-]+)* *");
    /**
     * Builtins and reserved words of bash, dash and BusyBox ash, less the few that cannot change the
     * shell: any of these could (cd, exit, exec, set, read, trap, printf -v, command cd, ...), so a
     * command starting with one runs in a subshell.
     */
    private static final Set<String> SHELL_WORDS = Set.of(
            ".", ":", "alias", "bg", "bind", "break", "builtin", "caller", "cd", "chdir", "command", "compgen",
            "complete", "compopt", "continue", "declare", "dirs", "disown", "enable", "eval", "exec", "exit",
            "export", "fc", "fg", "getopts", "hash", "help", "history", "jobs", "kill", "let", "local", "login",
            "logout", "mapfile", "newgrp", "popd", "printf", "pushd", "read", "readarray", "readonly", "return",
            "set", "setvar", "shift", "shopt", "source", "suspend", "times", "trap", "type", "typeset", "ulimit",
            "umask", "unalias", "unset", "wait",
            "if", "then", "else", "elif", "fi", "case", "esac", "for", "select", "while", "until", "do", "done",
            "in", "function", "time", "coproc");

    private InShellCommands() {
    }

    /**
     * True when {@code command} cannot change the shell it runs in, so that it may run in the
     * console's shell without a subshell: one simple command of plain words (see
     * {@link #SIMPLE_COMMAND}) whose program is not a shell builtin or reserved word other than
     * {@code true}, {@code false}, {@code echo}, {@code test} and {@code pwd}. Without quotes or
     * expansions the words are what the program gets, so nothing can assign a variable, define a
     * function, redirect the shell or end it; an external program runs in a child either way.
     */
    public static boolean runsInShell(String command) {
        Matcher m = SIMPLE_COMMAND.matcher(command);
        return m.matches() && !SHELL_WORDS.contains(m.group(1));
    }
}

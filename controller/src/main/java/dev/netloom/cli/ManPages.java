package dev.netloom.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Man pages (roff, section 1) rendered from the picocli command definitions, the same ones --help
 * prints: netloom.1 and one page per command (netloom-images-build.1). Hidden commands get none.
 */
final class ManPages {

    private ManPages() {
    }

    /** Every page of {@code root}'s command tree: file name to roff text. */
    static Map<String, String> render(CommandLine root, String version) {
        Map<String, String> pages = new LinkedHashMap<>();
        walk(root, version, pages);
        return pages;
    }

    private static void walk(CommandLine cl, String version, Map<String, String> pages) {
        CommandSpec spec = cl.getCommandSpec();
        if (spec.usageMessage().hidden() || spec.userObject() instanceof CommandLine.HelpCommand) {
            return;
        }
        pages.put(pageName(spec) + ".1", page(spec, version));
        for (CommandLine sub : new java.util.LinkedHashSet<>(cl.getSubcommands().values())) {
            walk(sub, version, pages);
        }
    }

    /** "netloom images build" -> "netloom-images-build". */
    static String pageName(CommandSpec spec) {
        return spec.qualifiedName("-");
    }

    static String page(CommandSpec spec, String version) {
        CommandLine.Help help = new CommandLine.Help(spec, CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
        StringBuilder out = new StringBuilder();
        String name = pageName(spec);
        out.append(".TH ").append(escape(name.toUpperCase(java.util.Locale.ROOT))).append(" 1 \"\" \"")
                .append(escape(version)).append("\" \"netloom manual\"\n");
        out.append(".SH NAME\n").append(escape(name)).append(" \\- ").append(escape(summary(spec))).append('\n');
        out.append(".SH SYNOPSIS\n").append(".nf\n").append(lines(help.synopsis(0).strip())).append(".fi\n");
        List<String> description = new ArrayList<>(List.of(spec.usageMessage().description()));
        if (!description.isEmpty()) {
            out.append(".SH DESCRIPTION\n");
            for (String line : description) {
                out.append(line.startsWith("  ") ? ".br\n" + escape(format(line).strip()) + "\n" : lines(line));
            }
        }
        List<PositionalParamSpec> params = spec.positionalParameters().stream().filter(p -> !p.hidden()).toList();
        if (!params.isEmpty()) {
            out.append(".SH ARGUMENTS\n");
            for (PositionalParamSpec p : params) {
                out.append(".TP\n.I ").append(escape(p.paramLabel())).append('\n').append(lines(String.join(" ", p.description())));
            }
        }
        List<OptionSpec> options = spec.options().stream().filter(o -> !o.hidden()).toList();
        if (!options.isEmpty()) {
            out.append(".SH OPTIONS\n");
            for (OptionSpec o : options) {
                String names = String.join(", ", o.names()) + (o.arity().max() > 0 ? " " + o.paramLabel() : "");
                out.append(".TP\n.B ").append(escape(names)).append('\n').append(lines(String.join(" ", o.description())));
            }
        }
        List<CommandLine> subs = new java.util.LinkedHashSet<>(spec.subcommands().values()).stream()
                .filter(c -> !c.getCommandSpec().usageMessage().hidden() && !(c.getCommandSpec().userObject() instanceof CommandLine.HelpCommand))
                .toList();
        if (!subs.isEmpty()) {
            out.append(".SH COMMANDS\n");
            for (CommandLine c : subs) {
                out.append(".TP\n.B ").append(escape(c.getCommandName())).append('\n')
                        .append(lines(summary(c.getCommandSpec()) + " See " + pageName(c.getCommandSpec()) + "(1).")).append('\n');
            }
        }
        out.append(".SH EXIT STATUS\n0: done; 1: the work failed; 2: bad input (the message names the problem and the fix).\n");
        out.append(".SH SEE ALSO\n");
        out.append(spec.parent() == null ? "netloom-COMMAND(1) for each command; README.md and docs/ in the netloom repository.\n"
                : escape(pageName(spec.root())) + "(1)\n");
        return out.toString();
    }

    /** A command's one-line summary: its header, else the first line of its description. */
    static String summary(CommandSpec spec) {
        String[] header = spec.usageMessage().header();
        if (header.length > 0) {
            return header[0];
        }
        String[] description = spec.usageMessage().description();
        return description.length > 0 ? description[0] : spec.name();
    }

    /** Text as roff lines: formatted as --help formats it (%% is %), escaped, no line starting with a control character. */
    static String lines(String text) {
        StringBuilder out = new StringBuilder();
        for (String line : format(text).split("\n", -1)) {
            out.append(escape(line)).append('\n');
        }
        return out.toString();
    }

    /** picocli passes help text through String.format (%% for %, %n for a new line); so do the pages. */
    static String format(String text) {
        try {
            return String.format(text);
        } catch (java.util.IllegalFormatException e) {
            return text;
        }
    }

    /** Escapes roff: backslashes, hyphens (as \-), and a leading '.' or '\'' (as \&amp;.). */
    static String escape(String text) {
        String s = text.replace("\\", "\\e").replace("-", "\\-");
        if (s.startsWith(".") || s.startsWith("'")) {
            s = "\\&" + s;
        }
        return s;
    }
}

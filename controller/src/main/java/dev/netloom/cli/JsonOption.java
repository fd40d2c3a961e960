package dev.netloom.cli;

import picocli.CommandLine.Option;

/** --json: print the command's result as JSON on stdout instead of text. */
final class JsonOption {

    @Option(names = "--json", description = "Print the summary as JSON on stdout.")
    boolean enabled;
}

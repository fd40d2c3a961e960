package dev.netloom.cli;

import picocli.CommandLine.Option;

/** --no-fork: every node boots its kernel, none starts as a fork of a template (docs/fork.md). */
final class ForkOption {

    @Option(names = "--no-fork", description = "Boot every node; none starts as a fork of a saved template (see docs/fork.md).")
    boolean noFork;

    /** Whether nodes may start as forks. */
    boolean allowed() {
        return !noFork;
    }
}

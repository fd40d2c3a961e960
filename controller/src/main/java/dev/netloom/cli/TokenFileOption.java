package dev.netloom.cli;

import dev.netloom.agent.SharedToken;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** --token-file: the shared token of a lab spread over hosts, for its agents and its coordinator (docs/scale-out.md). */
final class TokenFileOption {

    @Option(names = "--token-file", required = true, paramLabel = "FILE", description = "The lab's shared token: a file of mode 0600, the same for every agent and the coordinator.")
    Path file;

    /** The token ({@link SharedToken#read}). */
    String read() {
        return SharedToken.read(file);
    }
}

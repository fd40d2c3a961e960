package dev.netloom.cli;

import dev.netloom.api.ApiClient;
import picocli.CommandLine.Option;

/** --lab: the running lab a command talks to, for every command that reaches a lab through its API. */
final class LabOption {

    @Option(names = "--lab", paramLabel = "LAB", description = "The lab (default: the only one running).")
    String name;

    /** The API of the lab named, or of the only one running. */
    ApiClient connect() {
        return LabApi.connect(name);
    }
}

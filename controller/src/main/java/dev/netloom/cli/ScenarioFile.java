package dev.netloom.cli;

import dev.netloom.scenario.Scenario;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;

/** FILE: the scenario file of every command that reads one. */
final class ScenarioFile {

    @Parameters(paramLabel = "FILE", description = "Scenario file (JSON; see docs/scenarios.md).")
    Path path;

    /** The loaded scenario; bad input fails here, before the host is touched. */
    Scenario load() {
        return Scenarios.load(path);
    }
}

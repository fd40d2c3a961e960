package dev.netloom.cli;

import dev.netloom.scenario.Scenario;
import picocli.CommandLine.Option;

/** --no-ksm: keeps the host's same-page merging away from the lab's nodes, as "ksm": false in the scenario does. */
final class KsmOption {

    @Option(names = "--no-ksm", description = "Do not let KSM merge the nodes' memory (and do not turn KSM on for this lab); as \"ksm\": false in the scenario.")
    boolean off;

    /** The scenario with merging off when --no-ksm was given; else as the file says. */
    Scenario apply(Scenario scenario) {
        return off ? scenario.withKsm(false) : scenario;
    }
}

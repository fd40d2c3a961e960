package dev.netloom.cli;

import dev.netloom.lab.Cleanup;
import dev.netloom.nodes.BadInputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** Tears a lab down from another terminal. */
@Command(name = "down", mixinStandardHelpOptions = true,
        description = {"Tear a lab down: ask its controller to stop it (it stops the nodes, deletes the namespace and the",
                "run directory); if the controller is gone, remove what it left. LAB may be left out when one lab runs."})
final class DownCommand implements Callable<Integer> {

    @Parameters(paramLabel = "LAB", arity = "0..1", description = "Lab name (see `netloom status`).")
    String name;

    @Override
    public Integer call() {
        List<Cleanup.LabEntry> labs = Cleanup.labs();
        Cleanup.LabEntry lab;
        if (name == null) {
            if (labs.size() != 1) {
                throw new BadInputException(labs.isEmpty() ? "no lab is running" : "several labs run: name one of "
                        + labs.stream().map(Cleanup.LabEntry::name).collect(Collectors.joining(", ")));
            }
            lab = labs.get(0);
        } else {
            lab = labs.stream().filter(l -> l.name().equals(name)).findFirst().orElseThrow(() -> new BadInputException("no lab named '" + name + "'"
                    + (labs.isEmpty() ? "; no lab is running" : "; labs: " + labs.stream().map(Cleanup.LabEntry::name).collect(Collectors.joining(", ")))));
        }
        if (lab.controllerAlive() && Cleanup.stopController(lab, Duration.ofSeconds(60))) {
            Say.line("lab " + lab.name() + " is down");
            return 0;
        }
        Cleanup.clean(lab, Say::line);
        return 0;
    }
}

package dev.netloom.cli;

import dev.netloom.api.ApiClient;
import dev.netloom.lab.Cleanup;
import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.NetloomException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/** How CLI commands reach a running lab: its journal names it, its socket serves the API. */
final class LabApi {

    private LabApi() {
    }

    /** The lab named, or the only one running. */
    static Cleanup.LabEntry find(String name) {
        List<Cleanup.LabEntry> labs = Cleanup.labs();
        if (name == null) {
            if (labs.size() != 1) {
                throw new BadInputException(labs.isEmpty() ? "no lab is running (start one with `netloom up FILE` or `netloom run FILE`)"
                        : "several labs run: name one with --lab (" + labs.stream().map(Cleanup.LabEntry::name).collect(Collectors.joining(", ")) + ")");
            }
            return labs.get(0);
        }
        return labs.stream().filter(l -> l.name().equals(name)).findFirst().orElseThrow(() -> new BadInputException("no lab named '" + name + "'"
                + (labs.isEmpty() ? "; no lab is running" : "; running: " + labs.stream().map(Cleanup.LabEntry::name).collect(Collectors.joining(", ")))));
    }

    static Path socket(Cleanup.LabEntry lab) {
        return lab.paths().apiSocket();
    }

    static ApiClient connect(String name) {
        if (name != null && dev.netloom.scenario.Names.LAB.matcher(name).matches()) {
            Path coordinator = dev.netloom.lab.LabPaths.coordinator(name).apiSocket();
            if (Files.exists(coordinator)) { // a lab spread over hosts: its coordinator runs here (docs/scale-out.md)
                return ApiClient.connect(coordinator, Duration.ofSeconds(5));
            }
        }
        Cleanup.LabEntry lab = find(name);
        Path socket = socket(lab);
        if (!lab.controllerAlive() || !Files.exists(socket)) {
            throw new NetloomException("lab " + lab.name() + " has no live controller (it crashed?): `netloom cleanup` removes what it left");
        }
        return ApiClient.connect(socket, Duration.ofSeconds(5));
    }
}

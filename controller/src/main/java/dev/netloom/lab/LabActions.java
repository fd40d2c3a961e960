package dev.netloom.lab;

import dev.netloom.impairment.Impairment;
import dev.netloom.mobility.Position;
import dev.netloom.nodes.ExecResult;
import dev.netloom.scenario.Scenario;
import dev.netloom.topology.Plan;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * What a scenario's checks and timeline do to a lab ({@link Checks}, {@link Timeline}, {@link Fidelity}):
 * a {@link Lab} on this host, or a lab spread over hosts through its coordinator (docs/scale-out.md),
 * which sends each action to the agents that hold the node or the link.
 */
public interface LabActions {

    Scenario scenario();

    /** The whole lab's plan. */
    Plan plan();

    /** Runs a command on a node and waits for it. */
    ExecResult exec(String node, String command, Duration timeout);

    /** Queues a command on a node. */
    CompletableFuture<ExecResult> execAsync(String node, String command, Duration timeout);

    /** What a link direction (or a LAN member's sending side) has now. */
    Impairment impairment(String segment, String direction);

    void setImpairment(String segment, String direction, Impairment impairment);

    void setLinkState(String segment, String direction, boolean up);

    /** Moves nodes (a lab with a link model); returns what changed. */
    String move(Map<String, Position> positions);

    /** Goes to a topology step (null: the next); returns what changed. */
    String step(Integer index);

    /** stop, start or restart a node. */
    void nodeAction(String node, String action);

    /** Whether a flight recorder runs, so that a failed check can save its evidence. */
    boolean recording();

    /** Saves the flight recorder's rings of {@code segments} for the failed check {@code check}; returns the files. */
    List<String> saveEvidence(String check, List<String> segments);

    /** Publishes an event of the lab. */
    void event(LabEvent.Kind kind, String subject, String detail);
}

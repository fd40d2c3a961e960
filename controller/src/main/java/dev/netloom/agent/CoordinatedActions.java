package dev.netloom.agent;

import dev.netloom.api.EventHub;
import dev.netloom.api.LabOps;
import dev.netloom.impairment.Impairment;
import dev.netloom.lab.LabActions;
import dev.netloom.lab.LabEvent;
import dev.netloom.mobility.Position;
import dev.netloom.nodes.ExecResult;
import dev.netloom.nodes.NetloomException;
import dev.netloom.scenario.Scenario;
import dev.netloom.topology.Plan;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A scenario's checks and timeline played on a lab spread over hosts (docs/scale-out.md): each exec
 * on the agent that runs the node, each link change on the agents that hold its ends (and every agent
 * for a link's state, since each reroutes its own nodes), results as the lab's events. Mobility and
 * flight-recorder evidence stay with single-host labs.
 */
final class CoordinatedActions implements LabActions {

    private final Coordinator coordinator;
    private final Scenario scenario;
    private final Plan plan;
    private final EventHub hub;

    CoordinatedActions(Coordinator coordinator, Scenario scenario, Plan plan, EventHub hub) {
        this.coordinator = coordinator;
        this.scenario = scenario;
        this.plan = plan;
        this.hub = hub;
    }

    @Override
    public Scenario scenario() {
        return scenario;
    }

    @Override
    public Plan plan() {
        return plan;
    }

    @Override
    public ExecResult exec(String node, String command, Duration timeout) {
        try {
            return execAsync(node, command, timeout).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    @Override
    public CompletableFuture<ExecResult> execAsync(String node, String command, Duration timeout) {
        return coordinator.exec(node, command, timeout);
    }

    /** As the sender's host has it. */
    @Override
    public Impairment impairment(String segment, String direction) {
        for (LabOps.LinkInfo l : coordinator.links()) {
            if (l.name().equals(segment)) {
                Impairment imp = l.impairments().get(direction);
                return imp == null ? Impairment.NONE : imp;
            }
        }
        throw new NetloomException("no link or LAN " + segment);
    }

    @Override
    public void setImpairment(String segment, String direction, Impairment impairment) {
        coordinator.setImpairment(segment, direction, impairment);
    }

    @Override
    public void setLinkState(String segment, String direction, boolean up) {
        coordinator.setLinkState(segment, direction, up);
    }

    @Override
    public String move(Map<String, Position> positions) {
        throw new NetloomException("mobility is not played on a lab spread over hosts: run it on one host");
    }

    @Override
    public String step(Integer index) {
        throw new NetloomException("topology steps are not played on a lab spread over hosts: run it on one host");
    }

    @Override
    public void nodeAction(String node, String action) {
        coordinator.nodeAction(node, action);
    }

    @Override
    public boolean recording() {
        return false; // each host's flight recorder is its own; evidence across hosts is not put together
    }

    @Override
    public List<String> saveEvidence(String check, List<String> segments) {
        return List.of();
    }

    @Override
    public void event(LabEvent.Kind kind, String subject, String detail) {
        hub.publish(LabEvent.of(kind, subject, detail));
    }
}

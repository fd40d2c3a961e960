package dev.netloom.topology;

import dev.netloom.nodes.BadInputException;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Everything a lab needs to wire and configure its nodes, computed once from a scenario by
 * {@link Planner#plan}: per node its interfaces, addresses and routes, per link or LAN its taps (and
 * a LAN's bridge) and impairments. Pure data; the same scenario always gives an equal plan.
 *
 * @param lab      lab name
 * @param nodes    nodes in scenario order ({@link NodePlan#index()} is the position)
 * @param segments links in scenario order, then LANs in scenario order ({@link SegmentPlan#index()} is the position)
 */
public record Plan(String lab, List<NodePlan> nodes, List<SegmentPlan> segments) {

    public Plan {
        nodes = List.copyOf(nodes);
        segments = List.copyOf(segments);
    }

    public Optional<NodePlan> findNode(String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst();
    }

    public Optional<SegmentPlan> findSegment(String name) {
        return segments.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** Every node's name to the addresses of its eth0, as each node's {@link NodePlan#hosts()} has it (the same for all). */
    public java.util.Map<String, List<String>> hosts() {
        return nodes.isEmpty() ? java.util.Map.of() : nodes.get(0).hosts();
    }

    /** The node of that name; a BadInputException listing the nodes otherwise. */
    public NodePlan node(String name) {
        return findNode(name).orElseThrow(() -> new BadInputException("unknown node '" + name + "' in lab " + lab
                + "; nodes: " + nodes.stream().map(NodePlan::name).collect(Collectors.joining(", "))));
    }

    /** The link or LAN of that name; a BadInputException listing them otherwise. */
    public SegmentPlan segment(String name) {
        return findSegment(name).orElseThrow(() -> new BadInputException("unknown link or LAN '" + name + "' in lab " + lab
                + "; links and LANs: " + segments.stream().map(SegmentPlan::name).collect(Collectors.joining(", "))));
    }
}

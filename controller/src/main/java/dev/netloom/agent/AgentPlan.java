package dev.netloom.agent;

import dev.netloom.fabric.Tunnel;
import dev.netloom.lab.Lab;
import dev.netloom.lab.LabPart;
import dev.netloom.nodes.BadInputException;
import dev.netloom.partition.HostSpec;
import dev.netloom.partition.Partition;
import dev.netloom.partition.Partitioner;
import dev.netloom.scenario.Scenario;
import dev.netloom.topology.Plan;
import dev.netloom.topology.SegmentPlan;

import java.util.ArrayList;
import java.util.List;

/**
 * What one host of a lab spread over several runs (docs/scale-out.md), computed alike by every agent
 * and the coordinator from the same scenario and hosts: the partition, this host's nodes, and a
 * VXLAN tunnel for the far end of each link that crosses to another host. Pure.
 *
 * @param scenario  the scenario under this host's lab name ({@link #labName})
 * @param plan      the whole lab's plan (under the scenario's own name)
 * @param partition which host runs which node
 * @param host      this host
 * @param part      this host's nodes and tunnels, for {@link Lab}
 */
public record AgentPlan(Scenario scenario, Plan plan, Partition partition, HostSpec host, LabPart part) {

    /**
     * This host's share of {@code scenario} over {@code hosts}. {@code underlay} (the device tunnels
     * use, or null) and {@code hostNetns} (the namespace that plays the host, or null) go into every
     * tunnel. A LAN whose members would run on different hosts, or a crossing link whose hosts have
     * no address, is bad input.
     */
    public static AgentPlan of(Scenario scenario, List<HostSpec> hosts, String me, String underlay, String hostNetns) {
        Plan plan = Lab.planOf(scenario);
        Partition partition = Partitioner.partition(plan, hosts, scenario.ksm());
        HostSpec host = partition.host(me);
        List<Tunnel> tunnels = new ArrayList<>();
        for (Partition.Crossing c : partition.crossings(plan)) {
            boolean a = c.hostA().equals(me);
            if (!a && !c.hostB().equals(me)) {
                continue;
            }
            HostSpec other = partition.host(a ? c.hostB() : c.hostA());
            if (host.address() == null || other.address() == null) {
                throw new BadInputException("link " + c.link() + " crosses from host " + c.hostA() + " to " + c.hostB()
                        + ", and its tunnel needs both hosts' addresses: write them as NAME@ADDRESS in --hosts");
            }
            SegmentPlan s = plan.segment(c.link());
            String remoteTap = s.member(a ? c.nodeB() : c.nodeA()).tap();
            tunnels.add(new Tunnel(remoteTap, c.vni(), host.address(), other.address(), underlay, hostNetns));
        }
        return new AgentPlan(scenario.withName(labName(scenario.name(), me)), plan, partition, host,
                new LabPart(partition.nodesOn(me), tunnels));
    }

    /**
     * The name of a host's part of a lab: the lab's name, a dash and the host's, the lab's name cut so
     * that the whole fits a lab name (12 characters). Hosts differ, so parts on one machine (tests, or
     * several agents per host) never share a namespace or a run directory.
     */
    public static String labName(String lab, String host) {
        int keep = Math.min(lab.length(), 11 - host.length());
        return lab.substring(0, Math.max(1, keep)) + "-" + host;
    }
}

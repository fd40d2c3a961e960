package dev.netloom.cli;

import dev.netloom.lab.Lab;
import dev.netloom.nodes.Json;
import dev.netloom.partition.Partition;
import dev.netloom.partition.Partitioner;
import dev.netloom.scenario.Scenario;
import dev.netloom.topology.Plan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** Shows how a scenario would be spread over several hosts: which host runs which node, and the links that cross. */
@Command(name = "plan", mixinStandardHelpOptions = true, header = "Show how a lab would be spread over several hosts.",
        description = {"Assign a scenario's nodes to hosts so that each host's memory admission holds, the nodes are shared",
                "by the hosts' speed, and few links cross hosts (each crossing link becomes a VXLAN tunnel). Nothing is started.",
                "See docs/scale-out.md."})
final class PlanCommand implements Callable<Integer> {

    @Mixin
    ScenarioFile file;

    @Mixin
    HostsOption hosts;

    @Mixin
    JsonOption json;

    @Override
    public Integer call() throws Exception {
        Scenario scenario = file.load();
        Plan plan = Lab.planOf(scenario);
        Partition p = Partitioner.partition(plan, hosts.hosts(null), scenario.ksm());
        if (json.enabled) {
            System.out.println(Json.PRETTY.writeValueAsString(p.toMap(plan)));
        } else {
            System.out.print(p.describe(plan));
        }
        return 0;
    }
}

package dev.netloom.cli;

import dev.netloom.lab.HostMemory;
import dev.netloom.lab.MemoryMerging;
import dev.netloom.lab.Lab;
import dev.netloom.scenario.Scenario;
import dev.netloom.topology.Plan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** Checks a scenario file without creating anything. */
@Command(name = "validate", mixinStandardHelpOptions = true, header = "Check a scenario file without creating anything.",
        description = {"Check a scenario file and compute its plan (interfaces, addresses, routes) without creating anything.",
                "Also compares the memory its nodes need with this host's: a lab this host could never run is refused.",
                "Exit 0 when it is valid, 2 with the field, line:column and fix when it is not."})
final class ValidateCommand implements Callable<Integer> {

    @Mixin
    ScenarioFile file;

    @Mixin
    KsmOption ksm;

    @Override
    public Integer call() {
        Scenario scenario = ksm.apply(file.load());
        Plan plan = Lab.planOf(scenario);
        boolean merged = MemoryMerging.host().decide(scenario.ksm()).merges();
        HostMemory.requirePossible(plan, merged); // what `run` would refuse on this host, refused here too
        long interfaces = plan.nodes().stream().mapToLong(n -> n.interfaces().size()).sum();
        System.out.println(file.path + ": valid: lab " + scenario.name() + ", " + plan.nodes().size() + " nodes, "
                + scenario.links().size() + " links, " + scenario.lans().size() + " LANs, " + interfaces + " interfaces, "
                + scenario.checks().size() + " checks, " + scenario.timeline().size() + " timeline events");
        Scenario.Addressing addressing = scenario.addressing();
        System.out.println("addresses: " + (addressing.ipv4() ? "IPv4 from " + addressing.pool() : "no IPv4")
                + (addressing.ipv6() ? ", IPv6 from " + addressing.pool6() : ", no IPv6")
                + (addressing.loopback() != null ? "; loopbacks from " + addressing.loopback() : "")
                + (addressing.loopback6() != null ? (addressing.loopback() != null ? " and " : "; loopbacks from ") + addressing.loopback6() : ""));
        System.out.println("memory: " + HostMemory.fit(plan, merged).describe());
        System.out.println("KSM: " + MemoryMerging.host().describe());
        return 0;
    }
}

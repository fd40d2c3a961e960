package dev.netloom.cli;

import dev.netloom.nodes.BadInputException;
import dev.netloom.partition.HostSpec;
import picocli.CommandLine.Option;

import java.util.List;

/** --hosts: the hosts a lab is spread over (docs/scale-out.md), the same grammar in plan, agent, coordinate and k8s. */
final class HostsOption {

    @Option(names = "--hosts", paramLabel = "N|HOST[,HOST...]",
            description = {"The hosts: a number N (hosts h1..hN without limits), or NAME[@ADDRESS][:memory=SIZE][:cores=N][:kvm=yes|no][:api=ADDRESS][:port=N]",
                    "separated by commas, e.g. a@10.9.0.1:memory=8G,b@10.9.0.2:memory=4G; give every agent and the coordinator the same list."})
    String text;

    /** The hosts given, or {@code fallback} (null: --hosts is required). */
    List<HostSpec> hosts(String fallback) {
        String t = text != null ? text : fallback;
        if (t == null) {
            throw new BadInputException("--hosts is missing: name the hosts, e.g. --hosts 2 or --hosts a@10.9.0.1,b@10.9.0.2");
        }
        return HostSpec.parseList(t);
    }
}

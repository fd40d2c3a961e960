package dev.netloom.cli;

import dev.netloom.agent.LabCertificates;
import dev.netloom.partition.HostSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** netloom certs create: the certificates of a lab spread over hosts, for `agent` and `coordinate` (docs/scale-out.md). */
@Command(name = "certs", mixinStandardHelpOptions = true, header = "Make the certificates of a lab spread over several hosts.",
        description = "The coordinator and the agents talk over mutual TLS: see `netloom certs create --help` and docs/scale-out.md.",
        subcommands = {CertsCommand.Create.class})
final class CertsCommand {

    @Command(name = "create", mixinStandardHelpOptions = true, header = "Make a CA, and a key and certificate for the coordinator and each host.",
            description = {"Writes into DIR (made with mode 0700; every file mode 0600):",
                    "  ca.crt                 the lab's CA (its key is not kept)",
                    "  coordinator.crt/.key   for `netloom coordinate --tls-dir DIR`",
                    "  agent-HOST.crt/.key    for `netloom agent --host HOST --tls-dir DIR`",
                    "Copy ca.crt and a host's pair to that host, ca.crt and the coordinator's",
                    "pair to the coordinator's. An agent lets in only the coordinator's",
                    "certificate of its set; the coordinator accepts on host h only h's.",
                    "A new set replaces a set whole. `netloom k8s render|up` make their own.",
                    "",
                    "Example: netloom certs create ring-certs --hosts a@10.9.0.1,b@10.9.0.2"})
    static final class Create implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "DIR", description = "Where to write (an empty or new directory).")
        Path dir;

        @Mixin
        HostsOption hosts;

        @Override
        public Integer call() {
            List<String> names = hosts.hosts(null).stream().map(HostSpec::name).toList();
            List<Path> written = LabCertificates.write(dir, names);
            written.forEach(p -> System.out.println(p));
            return 0;
        }
    }
}

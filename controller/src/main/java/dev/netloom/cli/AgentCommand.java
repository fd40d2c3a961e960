package dev.netloom.cli;

import dev.netloom.agent.AgentPlan;
import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.host.HostSetup;
import dev.netloom.nodes.image.ImageStore;
import dev.netloom.nodes.qemu.Accel;
import dev.netloom.partition.HostSpec;
import dev.netloom.scenario.Scenario;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.util.concurrent.Callable;

/**
 * One host's share of a lab spread over several (docs/scale-out.md): its nodes and local links with
 * the same Lab code, VXLAN tunnels for the links that cross to other hosts, its API on TCP behind
 * mutual TLS with the lab's shared token, until the coordinator (lab.down) or a signal ends it.
 */
@Command(name = "agent", mixinStandardHelpOptions = true, header = "Run one host's part of a lab spread over several hosts.",
        description = {"Run the nodes `netloom plan FILE --hosts HOSTS` gives this host, join the links that cross to other hosts",
                "with VXLAN tunnels (one VNI per link), and serve the lab's API on TCP for the coordinator, behind mutual TLS",
                "(--tls-dir: only the coordinator's certificate of the same set is let in) and the shared token. See docs/scale-out.md."})
final class AgentCommand implements Callable<Integer> {

    /** The line the agent prints once its part is READY. */
    static final String READY_LINE = "netloom-agent: READY";

    @Mixin
    ScenarioFile file;

    @Mixin
    HostsOption hosts;

    @Option(names = "--host", required = true, paramLabel = "NAME", description = "Which of --hosts this is.")
    String host;

    @Mixin
    TokenFileOption tokenFile;

    @Mixin
    TlsDirOption tlsDir;

    @Option(names = "--api-address", paramLabel = "ADDRESS:PORT", description = "Where the API listens (default: the host's api= or @ADDRESS, port= or 7400).")
    String listen;

    @Option(names = "--underlay", paramLabel = "DEV", description = "The device tunnels go out of (default: the host's routes choose).")
    String underlay;

    @Option(names = "--host-netns", paramLabel = "NAME", hidden = true,
            description = "Make the tunnels in this network namespace, which plays the host's network (tests play two hosts on one machine).")
    String hostNetns;

    @Mixin
    AccelOption accel;

    @Mixin
    ForkOption fork;

    @Mixin
    KsmOption ksm;

    @Override
    public Integer call() throws Exception {
        Accel requested = accel.requested();
        String token = tokenFile.read();
        Scenario scenario = ksm.apply(file.load());
        AgentPlan share = AgentPlan.of(scenario, hosts.hosts(null), host, underlay, hostNetns);
        io.netty.handler.ssl.SslContext tls = tlsDir.load(host).server(); // after the plan: --host is one of --hosts
        InetSocketAddress tcp = listen != null ? address(listen) : share.host().apiAddress();
        if (tcp == null) {
            throw new BadInputException("host " + host + " has no address to listen on: give it NAME@ADDRESS in --hosts, or --api-address ADDRESS:PORT");
        }
        HostSetup.ensure(Say::line);
        Scenarios.ensureEmulators(scenario);
        ImageStore store = ImageStore.fromEnvironment();
        Accel resolved = Scenarios.accel(requested, store);
        try (LabSession session = LabSession.startAgent(share.scenario(), resolved, store, new Progress(false), fork.allowed(), share.part(), tcp, token, tls)) {
            System.err.println(READY_LINE + " lab " + session.lab().name() + " host " + host + " nodes " + share.part().nodes().size()
                    + " tunnels " + share.part().tunnels().size() + " tcp " + session.api().tcpPort());
            System.err.flush();
            session.downAsked().join(); // until the coordinator's lab.down or a signal
            return 0;
        }
    }

    /** ADDRESS:PORT with an IP address literal ({@code [v6]:port} for IPv6). */
    static InetSocketAddress address(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            throw new BadInputException("bad --api-address '" + text + "': write ADDRESS:PORT, e.g. 10.9.0.1:7400");
        }
        HostSpec parsed = HostSpec.parse("x@" + text.substring(0, colon) + ":port=" + text.substring(colon + 1));
        return parsed.apiAddress();
    }
}

package dev.netloom.cli;

import dev.netloom.lab.Checks;
import dev.netloom.nodes.host.HostSetup;
import dev.netloom.nodes.image.ImageStore;
import dev.netloom.nodes.qemu.Accel;
import dev.netloom.scenario.Scenario;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The detached controller that `netloom up` starts: brings the lab up, serves the socket API, plays
 * the timeline, and runs until `netloom down` (API lab.down or SIGTERM).
 */
@Command(name = "serve", hidden = true, mixinStandardHelpOptions = true,
        description = "Run a lab's controller in the foreground until it is taken down (what `netloom up` starts in the background).")
final class ServeCommand implements Callable<Integer> {

    /** The line `up` waits for on the controller's output. */
    static final String READY_LINE = "netloom-controller: READY";

    @Mixin
    ScenarioFile file;

    @Mixin
    AccelOption accel;

    @Mixin
    ListenOption listen;

    @Mixin
    ObserveOptions observe;

    @Mixin
    KsmOption ksm;

    @Override
    public Integer call() throws Exception {
        Accel requested = accel.requested();
        java.net.InetSocketAddress tcp = listen.address();
        observe.check();
        Scenario scenario = ksm.apply(file.load());
        HostSetup.ensure(Say::line);
        Scenarios.ensureEmulators(scenario);
        ImageStore store = ImageStore.fromEnvironment();
        Accel resolved = Scenarios.accel(requested, store);
        try (LabSession session = LabSession.start(scenario, resolved, store, new Progress(false), tcp, observe)) {
            List<Checks.Result> checks = session.runChecks();
            long failed = checks.stream().filter(c -> !c.ok()).count();
            System.err.println(READY_LINE + " lab " + session.lab().name() + " api " + session.api().socket()
                    + (tcp == null ? "" : " tcp " + session.api().tcpPort())
                    + (session.metrics() == null ? "" : " metrics " + session.metrics().address().getPort()) + " checks " + (checks.size() - failed) + "/" + checks.size());
            System.err.flush();
            session.playTimeline(Instant.now());
            session.downAsked().join(); // until `netloom down` (API lab.down) or a signal
            return 0;
        }
    }
}

package dev.netloom.cli;

import dev.netloom.api.ApiServer;
import dev.netloom.observe.EventsFile;
import dev.netloom.observe.LabStats;
import dev.netloom.observe.MetricsServer;
import dev.netloom.lab.Checks;
import dev.netloom.lab.Lab;
import dev.netloom.lab.LabPart;
import dev.netloom.lab.LabEvent;
import dev.netloom.lab.Timeline;
import dev.netloom.nodes.QemuNode;
import dev.netloom.nodes.fork.Templates;
import dev.netloom.nodes.image.ImageStore;
import dev.netloom.nodes.qemu.Accel;
import dev.netloom.scenario.Scenario;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A running lab as `run` and the controller of `up` both have it: brought up with its teardown
 * armed first (SIGTERM or SIGINT at any moment, also before READY, runs {@link Lab#down()}), its
 * socket API served, its checks and timeline played. Closing it stops the API and takes the lab down.
 */
final class LabSession implements AutoCloseable {

    private final Lab lab;
    private final Thread hook;
    private final CompletableFuture<Void> downAsked;
    private ApiServer api;
    private MetricsServer metrics;
    private EventsFile events;

    private LabSession(Lab lab, Thread hook, CompletableFuture<Void> downAsked) {
        this.lab = lab;
        this.hook = hook;
        this.downAsked = downAsked;
    }

    /** Brings the lab up and serves its API (on loopback TCP with a token too when {@code tcp} is set). */
    static LabSession start(Scenario scenario, Accel accel, ImageStore store, Consumer<LabEvent> progress, InetSocketAddress tcp) {
        return start(scenario, accel, store, progress, tcp, null, true);
    }

    /**
     * As above, with --events written from the start and --metrics served once the lab is up ({@code observe}
     * may be null); {@code fork} false is --no-fork (every node boots).
     */
    static LabSession start(Scenario scenario, Accel accel, ImageStore store, Consumer<LabEvent> progress, InetSocketAddress tcp,
                            ObserveOptions observe, boolean fork) {
        return start(scenario, accel, store, progress, observe, fork, LabPart.WHOLE,
                // the token is written also without TCP: the web view, started now or later (`netloom web`), needs it
                (lab, onDown) -> ApiServer.start(lab, lab.paths().apiSocket(), QemuNode.sharedLoops(), tcp, lab.paths().apiToken(), onDown));
    }

    /**
     * An agent's part of a lab spread over hosts (docs/scale-out.md): {@code part} of it brought up,
     * its API served on {@code tcp} (any address) behind mutual TLS ({@code tls}) with the lab's shared token.
     */
    static LabSession startAgent(Scenario scenario, Accel accel, ImageStore store, Consumer<LabEvent> progress, boolean fork, LabPart part,
                                 InetSocketAddress tcp, String token, io.netty.handler.ssl.SslContext tls) {
        return start(scenario, accel, store, progress, null, fork, part,
                (lab, onDown) -> ApiServer.startAgent(lab, lab.paths().apiSocket(), QemuNode.sharedLoops(), tcp, lab.paths().apiToken(), token, tls, onDown));
    }

    /** {@code serve} makes the API of the lab once it is up; its lab.down completes {@link #downAsked}. */
    private static LabSession start(Scenario scenario, Accel accel, ImageStore store, Consumer<LabEvent> progress, ObserveOptions observe,
                                    boolean fork, LabPart part, java.util.function.BiFunction<Lab, Runnable, ApiServer> serve) {
        InetSocketAddress metricsAt = observe == null ? null : observe.metricsAddress();
        EventsFile events = observe == null ? null : observe.openEvents();
        Lab lab;
        try {
            lab = Lab.create(scenario, accel, store, ObserveOptions.both(progress, events), fork, Templates.inCache(), part);
        } catch (RuntimeException e) {
            if (events != null) {
                events.close();
            }
            throw e;
        }
        CompletableFuture<Void> downAsked = new CompletableFuture<>();
        Thread hook = new Thread(() -> {
            lab.down();
            downAsked.complete(null);
        }, "netloom-down");
        Runtime.getRuntime().addShutdownHook(hook);
        LabSession session = new LabSession(lab, hook, downAsked);
        session.events = events;
        try {
            lab.up();
            session.api = lab.creatingInRunDir(() -> serve.apply(lab, () -> downAsked.complete(null)));
            String web = observe == null ? null : observe.webAddress();
            if (web != null) {
                Say.line("web: " + session.api.startWeb(web));
            }
            if (metricsAt != null) {
                session.metrics = MetricsServer.start(metricsAt, () -> List.of(LabStats.sample(lab)));
                InetSocketAddress at = session.metrics.address();
                Say.line("metrics: http://" + (at.getAddress() instanceof java.net.Inet6Address ? "[" + at.getHostString() + "]" : at.getHostString())
                        + ":" + at.getPort() + "/metrics");
            }
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
        return session;
    }

    Lab lab() {
        return lab;
    }

    ApiServer api() {
        return api;
    }

    /** The metrics server, or null without --metrics. */
    MetricsServer metrics() {
        return metrics;
    }

    /** Completes when the API's lab.down (`netloom down`) or a signal asks the lab to end. */
    CompletableFuture<Void> downAsked() {
        return downAsked;
    }

    List<Checks.Result> runChecks() {
        return Checks.run(lab, lab.scenario().checks());
    }

    List<Timeline.Played> playTimeline(Instant start) throws InterruptedException {
        return Timeline.play(lab, lab.scenario().timeline(), start);
    }

    /** Stops the API, takes the lab down (if it is not already) and disarms the signal handler. */
    @Override
    public void close() {
        try {
            if (metrics != null) {
                metrics.close();
            }
            if (api != null) {
                api.close();
            }
        } finally {
            lab.down();
            if (events != null) {
                events.close(); // after down: the file has the lab's last events
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down (a signal): the hook runs down() anyway
            }
        }
    }
}

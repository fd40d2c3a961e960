package dev.netloom.nodes;

import dev.netloom.nodes.console.BootDetector;
import dev.netloom.nodes.host.RunQueueWait;
import dev.netloom.nodes.console.BootResult;
import dev.netloom.nodes.console.BootSpec;
import dev.netloom.nodes.console.ConsoleSession;
import dev.netloom.nodes.console.ShellSession;
import dev.netloom.nodes.console.BootPhase;
import dev.netloom.nodes.image.ForkIdentity;
import dev.netloom.nodes.image.ImageKind;
import dev.netloom.nodes.image.ImageKinds;
import dev.netloom.nodes.image.ImageManifest;
import dev.netloom.nodes.qmp.Migration;
import dev.netloom.nodes.qmp.QmpClient;
import io.netty.channel.EventLoopGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The boot of one launched QEMU, in order: connect the console (retried while QEMU creates its
 * socket), connect QMP in the background, detect the boot on the console, prepare the shell. The
 * node decides, under its own lock, whether each connection still belongs to it ({@link Node}).
 */
final class BootPipeline {

    private static final Logger log = LoggerFactory.getLogger(BootPipeline.class);
    static final Duration CONNECT_BUDGET = Duration.ofSeconds(15);
    static final Duration IDENTITY_TIMEOUT = Duration.ofSeconds(30);

    /**
     * What the pipeline hands to its node; the node decides under its own lock.
     *
     * @param keepConsole keeps the console of a process, or says false when that process is no longer the node's live one
     * @param keepQmp     keeps the QMP client of a process, or says false when that process is no longer the node's live one
     * @param console     the node's console now (null once closed)
     * @param keepShell   keeps the shell made on the node's console
     */
    record Node(BiPredicate<Process, ConsoleSession> keepConsole, BiPredicate<Process, QmpClient> keepQmp,
                Supplier<ConsoleSession> console, Consumer<ShellSession> keepShell) {
    }

    private BootPipeline() {
    }

    /** Runs the boot of process {@code p}; completes with the boot result once the shell is prepared. */
    static CompletableFuture<BootResult> run(Process p, NodeSpec spec, NodePaths paths, EventLoopGroup loops, Node node) {
        return run(p, spec, paths, loops, node, StartMode.BOOT, new StartSteps(System.nanoTime()));
    }

    /**
     * Runs the start of process {@code p} as {@code mode} says. A node with its RAM in a file (a fork
     * template or a fork) needs QMP before it counts as started: a template to save its state, a fork
     * to load it. A fork does not boot: it loads the template's state, resumes at the template's
     * prompt, resyncs the shell and takes its own identity ({@link ImageKind#forkIdentity}); {@code steps}
     * hears when each of those finished.
     */
    static CompletableFuture<BootResult> run(Process p, NodeSpec spec, NodePaths paths, EventLoopGroup loops, Node node, StartMode mode,
                                             StartSteps steps) {
        long started = System.nanoTime();
        return ConsoleSession.connect(paths.consoleSocket(), paths.transcript(), spec.limits().transcriptCap(), loops, CONNECT_BUDGET)
                .thenCompose(c -> {
                    if (!node.keepConsole().test(p, c)) {
                        c.close();
                        throw new CompletionException(new NetloomException("node " + spec.name() + " stopped while booting"));
                    }
                    CompletableFuture<QmpClient> qmp = QmpClient.connect(paths.qmpSocket(), loops, CONNECT_BUDGET).thenApply(q -> {
                        if (!node.keepQmp().test(p, q)) {
                            q.close();
                            throw new CompletionException(new NetloomException("node " + spec.name() + " stopped while starting"));
                        }
                        return q;
                    });
                    if (mode.forked()) {
                        steps.done("console");
                        return qmp.thenCompose(q -> Migration.load(q, mode.state(), spec.stallTimeout()))
                                .thenCompose(v -> {
                                    steps.done("restored");
                                    return resume(spec, node, started, steps);
                                });
                    }
                    if (mode.ram() != null) {
                        return BootDetector.detect(c, bootSpec(spec), () -> RunQueueWait.nanos(p.pid())).thenCombine(qmp, (boot, q) -> boot)
                                .thenCompose(boot -> prepareShell(spec, node).thenApply(v -> boot));
                    }
                    qmp.exceptionally(e -> {
                        log.debug("node {}: QMP not connected: {}", spec.name(), e.getMessage());
                        return null;
                    });
                    return BootDetector.detect(c, bootSpec(spec), () -> RunQueueWait.nanos(p.pid())).thenCompose(boot -> prepareShell(spec, node).thenApply(v -> boot));
                });
    }

    private static CompletableFuture<Void> prepareShell(NodeSpec spec, Node node) {
        ShellSession s = new ShellSession(node.console().get(), spec.limits().execOutputCap());
        node.keepShell().accept(s);
        return s.prepare();
    }

    /**
     * A fork runs the template's guest from where it was saved: at its shell's prompt. Prepare
     * resyncs the shell (the fork's console is a new connection), then one command gives the guest
     * this node's identity.
     */
    private static CompletableFuture<BootResult> resume(NodeSpec spec, Node node, long started, StartSteps steps) {
        ShellSession s = new ShellSession(node.console().get(), spec.limits().execOutputCap());
        node.keepShell().accept(s);
        String identity = ImageKinds.forBoot(spec.image().kind()).forkIdentity(spec, ForkIdentity.freshSeed(), System.currentTimeMillis());
        return s.prepare(spec.stallTimeout())
                .thenCompose(v -> {
                    steps.done("shell");
                    return s.exec(identity, IDENTITY_TIMEOUT);
                })
                .thenApply(r -> {
                    steps.done("identity");
                    if (!r.ok()) {
                        throw new CompletionException(new NetloomException("node " + spec.name() + ": giving the fork its identity failed (exit "
                                + r.exitCode() + (r.timedOut() ? ", timed out" : "") + "): " + r.output().strip()));
                    }
                    Duration took = Duration.ofNanos(System.nanoTime() - started);
                    return new BootResult(Map.of(BootPhase.PROMPT, took), took, node.console().get().offset());
                });
    }

    /** The boot detector's expectations: the manifest's patterns with the spec's timeouts. */
    static BootSpec bootSpec(NodeSpec spec) {
        ImageManifest m = spec.image();
        BootSpec boot = BootSpec.autoLogin(Pattern.compile(m.bootPattern()), Pattern.compile(m.promptPattern(), Pattern.MULTILINE));
        if (m.loginPattern() != null) {
            boot = boot.withLogin(Pattern.compile(m.loginPattern()), m.username(),
                    m.passwordPattern() == null ? null : Pattern.compile(m.passwordPattern()), m.password());
        }
        return boot.withTimeouts(spec.stallTimeout(), spec.bootBudget());
    }
}

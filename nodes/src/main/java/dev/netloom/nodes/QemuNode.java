package dev.netloom.nodes;

import dev.netloom.nodes.console.BootFailedException;
import dev.netloom.nodes.console.BootResult;
import dev.netloom.nodes.console.ConsoleSession;
import dev.netloom.nodes.console.ExecFraming;
import dev.netloom.nodes.console.ShellSession;
import dev.netloom.nodes.image.ImageKinds;
import dev.netloom.nodes.image.ImageStore;
import dev.netloom.nodes.qmp.Migration;
import dev.netloom.nodes.qmp.QmpClient;
import io.netty.channel.EventLoopGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * One QEMU node: its process, serial console, shell and QMP. {@code start} launches it and returns at
 * once; {@link #awaitReady()} waits until the shell is ready for {@link #exec}; {@link #close()} stops
 * it (QMP quit, then SIGTERM, then SIGKILL, each bounded) and removes what it left on disk.
 * <pre>{@code
 * try (QemuNode node = QemuNode.start(spec)) {
 *     node.awaitReady();
 *     ExecResult r = node.exec("ip -o link");
 * }
 * }</pre>
 */
public final class QemuNode implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(QemuNode.class);
    private static final StopSequence STOP = StopSequence.DEFAULT;
    public static final Duration DEFAULT_EXEC_TIMEOUT = Duration.ofSeconds(60);

    /** A state change, as listeners see it. */
    public record StateChange(String node, NodeState from, NodeState to, String detail) {
    }

    private final NodeSpec spec;
    private final NodePaths paths;
    private final boolean ownsRunDir;
    private final EventLoopGroup loops;
    private final LongConsumer launched;
    private final StartMode mode;
    private final StateListeners listeners = new StateListeners();
    private final CompletableFuture<BootResult> ready = new CompletableFuture<>();

    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private NodeState state = NodeState.DEFINED;              // guarded by this
    private boolean stopRequested;                             // guarded by this
    private boolean failing;                                   // guarded by this
    private Process process;                                   // guarded by this
    private final NodeChannels channels = new NodeChannels();  // guarded by this
    private int restartsLeft;                                  // guarded by this
    private long startNanos;
    private volatile Duration bootTime;

    private QemuNode(NodeSpec spec, NodePaths paths, boolean ownsRunDir, EventLoopGroup loops, LongConsumer launched, StartMode mode) {
        this.spec = spec;
        this.mode = mode;
        this.launched = launched;
        this.paths = paths;
        this.ownsRunDir = ownsRunDir;
        this.loops = loops;
        this.restartsLeft = spec.restartBudget();
    }

    /** Starts a node in a fresh run directory of its own, removed again by {@link #close()}. */
    public static QemuNode start(NodeSpec spec) {
        return start(spec, NodePaths.fresh(spec.name()), true, sharedLoops(), List.of(), pid -> { });
    }

    /**
     * Starts a node in the run directory {@code paths} (a lab owns it and removes it), with its I/O
     * on {@code loops}. {@code listeners} see every state change from STARTING on.
     */
    public static QemuNode start(NodeSpec spec, NodePaths paths, boolean ownsRunDir, EventLoopGroup loops,
                                 List<Consumer<StateChange>> listeners) {
        return start(spec, paths, ownsRunDir, loops, listeners, pid -> { });
    }

    /**
     * As above; {@code launched} gets the pid of every QEMU process the node starts (a restart after a
     * stalled boot starts another), synchronously, before the node does anything else with it, so
     * that a lab can record it before the process could outlive the controller.
     */
    public static QemuNode start(NodeSpec spec, NodePaths paths, boolean ownsRunDir, EventLoopGroup loops,
                                 List<Consumer<StateChange>> listeners, LongConsumer launched) {
        return start(spec, paths, ownsRunDir, loops, listeners, launched, StartMode.BOOT);
    }

    /**
     * As above, started as {@code mode} says: booting, as a fork template, or as a fork of one (READY
     * once it resumed at the template's prompt and took its own identity; see {@link StartMode}).
     */
    public static QemuNode start(NodeSpec spec, NodePaths paths, boolean ownsRunDir, EventLoopGroup loops,
                                 List<Consumer<StateChange>> listeners, LongConsumer launched, StartMode mode) {
        QemuNode node = new QemuNode(spec, paths, ownsRunDir, loops, launched, mode);
        node.listeners.addAll(listeners);
        node.launch();
        return node;
    }

    /** The event loops shared by nodes started without a lab: two daemon threads are plenty for consoles. */
    public static EventLoopGroup sharedLoops() {
        return SharedLoops.GROUP;
    }

    public String name() {
        return spec.name();
    }

    /** How this node started: booted, as a fork template, or forked. */
    public StartMode mode() {
        return mode;
    }

    /**
     * A READY fork template's last act: pauses the guest and writes its device state (not its RAM,
     * which is in the template's RAM file) to {@code state}. Stop the node afterwards.
     */
    public void saveState(Path state, Duration timeout) {
        if (mode.ram() == null || !mode.ram().shared()) {
            throw new IllegalStateException("node " + name() + " is not a fork template");
        }
        QmpClient q;
        synchronized (this) {
            if (state() != NodeState.READY) {
                throw new NetloomException("node " + name() + " is not ready (it is " + this.state + ")");
            }
            q = channels.qmp;
        }
        Futures.await(Migration.save(q, state, timeout), timeout.plusSeconds(5), "saving the state of " + name(), null);
    }

    public NodeSpec spec() {
        return spec;
    }

    public NodePaths paths() {
        return paths;
    }

    public synchronized NodeState state() {
        return state;
    }

    /** The QEMU process id, or -1 before start and after stop. */
    public synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    /** Time from process start to READY, or null before READY. */
    public Duration bootTime() {
        return bootTime;
    }

    public void addStateListener(Consumer<StateChange> listener) {
        listeners.add(listener);
    }

    /** Completes when the node is READY; fails with a NodeFailedException if it fails first. */
    public CompletableFuture<BootResult> ready() {
        return ready;
    }

    /** Blocks until READY; throws a NodeFailedException that says why not. */
    public void awaitReady() {
        Futures.await(ready, null, "waiting for node " + name(), null);
    }

    /** The console session, for readers such as a human attached through the API. */
    public synchronized ConsoleSession console() {
        return channels.console;
    }

    /** The shell netloom's execs run in, for a person who shares it (images without a console of their own). */
    public synchronized ShellSession shell() {
        return channels.shell;
    }

    public synchronized QmpClient qmp() {
        return channels.qmp;
    }

    public ExecResult exec(String command) {
        return exec(command, DEFAULT_EXEC_TIMEOUT);
    }

    /** Runs {@code command} in the node's shell and waits for it (plus a margin for the timeout handling). */
    public ExecResult exec(String command, Duration timeout) {
        return exec(command, timeout, spec.limits().execOutputCap());
    }

    /** Like {@link #exec(String, Duration)}, returning at most {@code outputCap} bytes of output (the result says when it cut). */
    public ExecResult exec(String command, Duration timeout, long outputCap) {
        return Futures.await(execAsync(command, timeout, outputCap), timeout.plusSeconds(30), "running a command on " + name(),
                "node " + name() + ": the console did not come back after a command timed out");
    }

    /**
     * Queues {@code command} on the node's shell; commands run one at a time, in order. A command the
     * console cannot take (a control character, too long: {@link ExecFraming#problem}) fails with a
     * BadInputException whatever the node's state.
     */
    public CompletableFuture<ExecResult> execAsync(String command, Duration timeout) {
        return execAsync(command, timeout, spec.limits().execOutputCap());
    }

    /** Queues {@code command}, keeping at most {@code outputCap} bytes of its output. */
    public CompletableFuture<ExecResult> execAsync(String command, Duration timeout, long outputCap) {
        String problem = ExecFraming.problem(command);
        if (problem != null) {
            return CompletableFuture.failedFuture(new BadInputException("node " + name() + ": " + problem));
        }
        ShellSession s;
        synchronized (this) {
            if (state != NodeState.READY) {
                return CompletableFuture.failedFuture(new NetloomException("node " + name() + " is not ready (it is " + state + ")"));
            }
            s = channels.shell;
        }
        return s.exec(command, timeout, outputCap);
    }

    // ---- start ----

    private void launch() {
        transition(NodeState.STARTING, "starting QEMU");
        try {
            QemuLaunch.Started started = QemuLaunch.start(spec, paths, mode, launched);
            Process p = started.process();
            startNanos = started.startNanos();
            boolean stopping;
            synchronized (this) {
                stopping = stopRequested;
                if (!stopping) {
                    process = p;
                }
            }
            if (stopping) {
                // stop() ran while this (re)start was under way and saw no process: this one must not run on
                StopSequence.kill(p);
                return;
            }
            p.onExit().thenAccept(this::exited);
            log.debug("node {}: QEMU pid {}", name(), p.pid());
        } catch (IOException e) {
            fail("cannot start QEMU: " + e.getMessage(), e);
            return;
        } catch (RuntimeException e) {
            fail(e.getMessage(), e);
            throw e;
        }
        Process p = currentProcess();
        StartSteps steps = new StartSteps(startNanos);
        BootPipeline.run(p, spec, paths, loops, new BootPipeline.Node(this::keepConsole, this::keepQmp, this::console, this::keepShell), mode, steps).whenComplete((boot, error) -> {
            if (error == null) {
                bootTime = Duration.ofNanos(System.nanoTime() - startNanos);
                String detail = steps.describe();
                if (transition(NodeState.READY, "ready in " + bootTime.toMillis() + " ms" + (detail.isEmpty() ? "" : ": " + detail))) {
                    ready.complete(boot);
                }
            } else {
                bootFailed(p, Futures.cause(error));
            }
        });
    }

    /** Keeps the console of {@code p} unless {@code p} is no longer this node's live process or the node is stopping. */
    private boolean keepConsole(Process p, ConsoleSession c) {
        synchronized (this) {
            if (process != p || state.isFinal() || state == NodeState.STOPPING) {
                return false;
            }
            channels.console = c;
        }
        transition(NodeState.BOOTING, "console connected");
        return true;
    }

    /** Keeps the QMP client of {@code p} unless {@code p} is no longer this node's live process. */
    private synchronized boolean keepQmp(Process p, QmpClient q) {
        boolean current = process == p && !state.isFinal();
        channels.qmp = current ? q : channels.qmp;
        return current;
    }

    private synchronized void keepShell(ShellSession s) {
        channels.shell = s;
    }

    /** A boot failed: retry with a fresh QEMU while the restart budget lasts (only if the process still runs). */
    private void bootFailed(Process p, Throwable error) {
        boolean retry;
        synchronized (this) {
            if (process != p || state.isFinal() || state == NodeState.STOPPING) {
                return;
            }
            retry = error instanceof BootFailedException && p.isAlive() && restartsLeft > 0 && !stopRequested;
            if (retry) {
                restartsLeft--;
                process = null; // the old QEMU's exit, which the kill below causes, is no failure
            }
        }
        if (retry) {
            log.warn("node {}: boot stalled, restarting QEMU ({} restarts left): {}", name(), restartsLeft, NodeDiagnostics.firstLine(error.getMessage()));
            StopSequence.kill(p);
            closeChannels();
            launch();
            return;
        }
        fail("boot failed: " + error.getMessage(), error);
    }

    // ---- exit and failure ----

    private void exited(Process p) {
        synchronized (this) {
            if (process != p || state == NodeState.STOPPING || state.isFinal()) {
                return;
            }
        }
        fail("QEMU exited unexpectedly with code " + p.exitValue(), null);
    }

    private void fail(String reason, Throwable cause) {
        Process p;
        synchronized (this) {
            if (state.isFinal() || failing) {
                return;
            }
            failing = true;
            p = process;
            process = null; // the exit that the kill below causes is part of this failure, not another one
        }
        String message = "node " + name() + ": " + reason + NodeDiagnostics.of(paths, console());
        NodeFailedException failure = cause instanceof NodeFailedException nfe ? nfe : new NodeFailedException(message, cause);
        if (p != null) {
            StopSequence.kill(p);
        }
        release();
        transition(NodeState.FAILED, reason);
        ready.completeExceptionally(failure);
    }

    // ---- stop ----

    /** Stops the node: QMP quit, then SIGTERM, then SIGKILL, each bounded. Idempotent. */
    public void stop() {
        stop(false);
    }

    /**
     * Stops the node; with {@code graceful} it first asks the guest to power down (ACPI) and waits a
     * while. Safe after a crash and when called twice.
     */
    public void stop(boolean graceful) {
        Process p;
        QmpClient q;
        boolean failed;
        boolean alreadyStopping;
        synchronized (this) {
            alreadyStopping = stopRequested;
            stopRequested = true;
            p = process;
            q = channels.qmp;
            failed = state == NodeState.FAILED;
        }
        if (alreadyStopping) {
            // another caller is stopping it (or did): wait for that to finish
            stopped.join();
            return;
        }
        if (!failed) {
            transition(NodeState.STOPPING, graceful ? "powering down" : "stopping");
        }
        if (p != null) {
            STOP.run(p, q == null ? null : q::systemPowerdown, q == null ? null : q::quit, graceful);
        }
        release();
        if (ownsRunDir) {
            ImageStore.deleteTree(paths.dir());
        }
        if (!failed) {
            transition(NodeState.STOPPED, "stopped");
        }
        stopped.complete(null);
        ready.completeExceptionally(new NetloomException("node " + name() + " was stopped before it was ready"));
    }

    @Override
    public void close() {
        stop(false);
    }

    private void closeChannels() {
        NodeChannels open;
        synchronized (this) {
            open = channels.detach();
        }
        open.close();
    }

    /** Closes the connections and removes what the node left in its run directory while it ran. */
    private void release() {
        closeChannels();
        List<Path> files = new ArrayList<>(paths.runtimeFiles());
        files.addAll(ImageKinds.forBoot(spec.image().kind()).launchFiles(paths));
        RunDirs.deleteIfExist(files);
    }

    // ---- state ----

    private synchronized Process currentProcess() {
        return process;
    }

    /** Moves to {@code to} unless the node already reached a final state; tells the listeners. */
    private boolean transition(NodeState to, String detail) {
        NodeState from;
        synchronized (this) {
            if (!state.allows(to)) {
                return false;
            }
            from = state;
            state = to;
        }
        log.debug("node {}: {} -> {} ({})", name(), from, to, detail);
        listeners.fire(new StateChange(name(), from, to, detail));
        return true;
    }
}

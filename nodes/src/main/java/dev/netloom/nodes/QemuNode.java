package dev.netloom.nodes;

import dev.netloom.nodes.console.BootDetector;
import dev.netloom.nodes.console.BootFailedException;
import dev.netloom.nodes.console.BootResult;
import dev.netloom.nodes.console.BootSpec;
import dev.netloom.nodes.console.ConsoleSession;
import dev.netloom.nodes.console.ExecFraming;
import dev.netloom.nodes.console.ShellSession;
import dev.netloom.nodes.image.ImageManifest;
import dev.netloom.nodes.image.ImageStore;
import dev.netloom.nodes.image.NoCloudSeed;
import dev.netloom.nodes.qmp.QmpClient;
import io.netty.channel.EventLoopGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;

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
    static final Duration CONNECT_BUDGET = Duration.ofSeconds(15);
    static final Duration POWERDOWN_WAIT = Duration.ofSeconds(10);
    static final Duration QUIT_WAIT = Duration.ofSeconds(3);
    static final Duration TERM_WAIT = Duration.ofSeconds(3);
    public static final Duration DEFAULT_EXEC_TIMEOUT = Duration.ofSeconds(60);

    private static volatile EventLoopGroup sharedLoops;

    /** A state change, as listeners see it. */
    public record StateChange(String node, NodeState from, NodeState to, String detail) {
    }

    private final NodeSpec spec;
    private final NodePaths paths;
    private final boolean ownsRunDir;
    private final EventLoopGroup loops;
    private final LongConsumer launched;
    private final List<Consumer<StateChange>> listeners = new CopyOnWriteArrayList<>();
    private final CompletableFuture<BootResult> ready = new CompletableFuture<>();

    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private NodeState state = NodeState.DEFINED;              // guarded by this
    private boolean stopRequested;                             // guarded by this
    private boolean failing;                                   // guarded by this
    private Process process;                                   // guarded by this
    private ConsoleSession console;                            // guarded by this
    private ShellSession shell;                                // guarded by this
    private QmpClient qmp;                                     // guarded by this
    private int restartsLeft;                                  // guarded by this
    private long startNanos;
    private volatile Duration bootTime;

    private QemuNode(NodeSpec spec, NodePaths paths, boolean ownsRunDir, EventLoopGroup loops, LongConsumer launched) {
        this.spec = spec;
        this.launched = launched;
        this.paths = paths;
        this.ownsRunDir = ownsRunDir;
        this.loops = loops;
        this.restartsLeft = spec.restartBudget();
    }

    /** Starts a node in a fresh run directory of its own, removed again by {@link #close()}. */
    public static QemuNode start(NodeSpec spec) {
        Path base = RunDirs.base().resolve("nodes");
        try {
            RunDirs.createPrivate(base);
            Path dir = Files.createTempDirectory(base, spec.name() + "-");
            return start(spec, new NodePaths(dir), true, sharedLoops(), List.of(), pid -> { });
        } catch (IOException e) {
            throw new NetloomException("cannot create a run directory under " + base + ": " + e.getMessage(), e);
        }
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
        QemuNode node = new QemuNode(spec, paths, ownsRunDir, loops, launched);
        node.listeners.addAll(listeners);
        node.launch();
        return node;
    }

    /** The event loops shared by nodes started without a lab: two daemon threads are plenty for consoles. */
    public static EventLoopGroup sharedLoops() {
        if (sharedLoops == null) {
            synchronized (QemuNode.class) {
                if (sharedLoops == null) {
                    sharedLoops = ConsoleSession.newEventLoopGroup(2);
                }
            }
        }
        return sharedLoops;
    }

    public String name() {
        return spec.name();
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
        try {
            ready.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NetloomException("interrupted while waiting for node " + name(), e);
        } catch (ExecutionException e) {
            throw unwrap(e.getCause());
        }
    }

    /** The console session, for readers such as a human attached through the API. */
    public synchronized ConsoleSession console() {
        return console;
    }

    public synchronized QmpClient qmp() {
        return qmp;
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
        try {
            return execAsync(command, timeout, outputCap).get(timeout.toMillis() + 30_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NetloomException("interrupted while running a command on " + name(), e);
        } catch (ExecutionException e) {
            throw unwrap(e.getCause());
        } catch (TimeoutException e) {
            throw new NetloomException("node " + name() + ": the console did not come back after a command timed out");
        }
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
            s = shell;
        }
        return s.exec(command, timeout, outputCap);
    }

    // ---- start ----

    private void launch() {
        transition(NodeState.STARTING, "starting QEMU");
        try {
            QemuLaunch.Started started = QemuLaunch.start(spec, paths);
            Process p = started.process();
            startNanos = started.startNanos();
            try {
                launched.accept(p.pid());
            } catch (RuntimeException e) {
                killQuietly(p); // not recorded, so it must not run on
                throw e;
            }
            boolean stopping;
            synchronized (this) {
                stopping = stopRequested;
                if (!stopping) {
                    process = p;
                }
            }
            if (stopping) {
                // stop() ran while this (re)start was under way and saw no process: this one must not run on
                killQuietly(p);
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
        ConsoleSession.connect(paths.consoleSocket(), paths.transcript(), spec.limits().transcriptCap(), loops, CONNECT_BUDGET)
                .thenCompose(c -> {
                    synchronized (this) {
                        if (process != p || state.isFinal() || state == NodeState.STOPPING) {
                            c.close();
                            throw new CompletionException(new NetloomException("node " + name() + " stopped while booting"));
                        }
                        console = c;
                    }
                    transition(NodeState.BOOTING, "console connected");
                    QmpClient.connect(paths.qmpSocket(), loops, CONNECT_BUDGET).thenAccept(q -> {
                        synchronized (this) {
                            if (process == p && !state.isFinal()) {
                                qmp = q;
                                return;
                            }
                        }
                        q.close();
                    }).exceptionally(e -> {
                        log.debug("node {}: QMP not connected: {}", name(), e.getMessage());
                        return null;
                    });
                    return BootDetector.detect(c, bootSpec());
                })
                .thenCompose(boot -> {
                    ShellSession s = new ShellSession(console(), spec.limits().execOutputCap());
                    synchronized (this) {
                        shell = s;
                    }
                    return s.prepare().thenApply(v -> boot);
                })
                .whenComplete((boot, error) -> {
                    if (error == null) {
                        bootTime = Duration.ofNanos(System.nanoTime() - startNanos);
                        if (transition(NodeState.READY, "ready in " + bootTime.toMillis() + " ms")) {
                            ready.complete(boot);
                        }
                    } else {
                        bootFailed(p, unwrapCompletion(error));
                    }
                });
    }

    private BootSpec bootSpec() {
        ImageManifest m = spec.image();
        BootSpec boot = BootSpec.autoLogin(Pattern.compile(m.bootPattern()), Pattern.compile(m.promptPattern(), Pattern.MULTILINE));
        if (m.loginPattern() != null) {
            boot = boot.withLogin(Pattern.compile(m.loginPattern()), m.username(),
                    m.passwordPattern() == null ? null : Pattern.compile(m.passwordPattern()), m.password());
        }
        return boot.withTimeouts(spec.stallTimeout(), spec.bootBudget());
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
            log.warn("node {}: boot stalled, restarting QEMU ({} restarts left): {}", name(), restartsLeft, firstLine(error.getMessage()));
            killQuietly(p);
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
        String message = "node " + name() + ": " + reason + diagnostics();
        NodeFailedException failure = cause instanceof NodeFailedException nfe ? nfe : new NodeFailedException(message, cause);
        if (p != null) {
            killQuietly(p);
        }
        closeChannels();
        removeSockets();
        transition(NodeState.FAILED, reason);
        ready.completeExceptionally(failure);
    }

    /** The tails of QEMU's log and of the console, for failure messages. */
    private String diagnostics() {
        StringBuilder sb = new StringBuilder();
        sb.append("\n--- QEMU log (").append(paths.qemuLog()).append("), last lines:\n").append(tail(paths.qemuLog(), 10));
        ConsoleSession c = console();
        if (c != null) {
            sb.append("\n--- console (").append(paths.transcript()).append("), last lines:\n").append(c.lastLines(30));
        }
        return sb.toString();
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
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
            q = qmp;
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
        if (p != null && p.isAlive()) {
            if (graceful && q != null) {
                q.systemPowerdown();
                waitFor(p, POWERDOWN_WAIT);
            }
            if (p.isAlive() && q != null) {
                q.quit();
                waitFor(p, QUIT_WAIT);
            }
            if (p.isAlive()) {
                p.destroy();
                waitFor(p, TERM_WAIT);
            }
            if (p.isAlive()) {
                killQuietly(p);
            }
        }
        closeChannels();
        removeSockets();
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

    private static void waitFor(Process p, Duration d) {
        try {
            p.waitFor(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void killQuietly(Process p) {
        p.destroyForcibly();
        waitFor(p, Duration.ofSeconds(5));
    }

    private void closeChannels() {
        ShellSession s;
        ConsoleSession c;
        QmpClient q;
        synchronized (this) {
            s = shell;
            c = console;
            q = qmp;
            shell = null;
            console = null;
            qmp = null;
        }
        if (s != null) {
            s.close();
        }
        if (c != null) {
            c.close();
        }
        if (q != null) {
            q.close();
        }
    }

    private void removeSockets() {
        for (Path p : List.of(paths.consoleSocket(), paths.qmpSocket(), paths.pidfile(), paths.overlay(), paths.dir().resolve(NoCloudSeed.FILE))) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    // ---- state ----

    private synchronized Process currentProcess() {
        return process;
    }

    /** Moves to {@code to} unless the node already reached a final state; tells the listeners. */
    private boolean transition(NodeState to, String detail) {
        NodeState from;
        synchronized (this) {
            if (state.isFinal() && to != NodeState.STARTING) {
                return false;
            }
            if (state == NodeState.STOPPING && to != NodeState.STOPPED && to != NodeState.FAILED) {
                return false;
            }
            from = state;
            state = to;
        }
        log.debug("node {}: {} -> {} ({})", name(), from, to, detail);
        StateChange change = new StateChange(name(), from, to, detail);
        for (Consumer<StateChange> l : listeners) {
            try {
                l.accept(change);
            } catch (RuntimeException e) {
                log.warn("node {}: a state listener failed: {}", name(), e.toString());
            }
        }
        return true;
    }

    private static RuntimeException unwrap(Throwable t) {
        Throwable c = unwrapCompletion(t);
        return c instanceof RuntimeException re ? re : new NetloomException(c.getMessage(), c);
    }

    private static Throwable unwrapCompletion(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static String firstLine(String s) {
        int i = s == null ? -1 : s.indexOf('\n');
        return i < 0 ? String.valueOf(s) : s.substring(0, i);
    }
}

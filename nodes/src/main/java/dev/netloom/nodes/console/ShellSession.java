package dev.netloom.nodes.console;

import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.ExecResult;
import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.NodeLimits;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs commands in the logged-in shell on a console and returns their output and exit codes. Commands
 * are queued (one future chain, no threads); each is framed by {@link ExecFraming} with a unique id,
 * through the framing function that {@link #prepare()} and every resync install in the shell (and
 * install again when a command finds the shell without it: the shell was replaced). Output is
 * collected through an attached reader, up to an output cap (the rest is counted and dropped, and the
 * result says so). All state lives on the console's event loop, except an exec's start (below). A
 * person who shares this shell (images without a console of their own, docs/consoles.md) types
 * through {@link #typeBetweenCommands}, which holds their keystrokes while commands run.
 *
 * <p>An exec that finds the queue idle starts on the caller's thread: it types its line into the
 * console's socket from there ({@link ConsoleSession}) and leaves the event loop asleep until the
 * answer arrives, so that a command costs one thread wake-up where handing it to the loop cost three
 * (issue 13). Its timeout is kept by one timer per session that is moved, not replaced, so that such an
 * exec schedules nothing either. Everything else (queued commands, resyncs, the answer) runs on the
 * console's event loop; the fields a starting exec and the loop share are volatile, and the queue
 * keeps two commands from ever starting at once.
 */
public final class ShellSession implements AutoCloseable {

    /** The prompt after {@link #prepare()}; only humans look at it, exec relies on markers. */
    public static final String PROMPT = "nl# ";
    /**
     * Makes the shell deterministic: no echo, a fixed prompt, no pagers, colours or history expansion,
     * no line editing (bash readline would complete on a tab). {@code command set} keeps an option
     * the shell lacks (busybox ash has no +H) from aborting the rest of the line. Every sync types
     * these settings and the framing function ({@link ExecFraming#INSTALL}) ahead of its {@code true}.
     */
    static final String SETTINGS = "stty -echo 2>/dev/null; export PS1='" + PROMPT + "' PS2='' PAGER=cat"
            + " SYSTEMD_PAGER= TERM=dumb NO_COLOR=1 LANG=C; unset PROMPT_COMMAND;"
            + " command set +H 2>/dev/null; command set +o emacs +o vi 2>/dev/null; ";
    /** A sync waits this long for its marker before trying again. */
    static final Duration SYNC_ATTEMPT = Duration.ofSeconds(2);
    static final int SYNC_ATTEMPTS = 3;
    /** A sync's `true` prints nothing; whatever a killed command still prints meanwhile is not kept. */
    private static final long SYNC_OUTPUT_CAP = 4096;
    /** A person's keystrokes held while commands run, at most (a paste into a long command is cut here). */
    static final int MAX_HELD_BYTES = 64 * 1024;

    private final ConsoleSession console;
    private final EventLoop loop;
    private final Attachment attachment;
    private final long defaultOutputCap;
    /** Ids are this nonce, a dot and a counter, both base 36: short, since each exec types its id. */
    private final String nonce = Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36, 36 * 36 * 36), 36);
    private long nextId;                     // by the command that starts, one at a time (the queue)
    private volatile Frame current;          // the frame whose markers the console output is fed to
    private volatile boolean outOfStep;      // a resync failed: the next command resyncs first
    private CompletableFuture<?> tail = CompletableFuture.completedFuture(null); // guarded by this
    private int queued;                                   // steps enqueued and not yet finished; guarded by this
    private final List<Held> held = new ArrayList<>();   // a person's keystrokes waiting for the queue to empty; guarded by this
    private int heldBytes;                                // guarded by this
    private final DeadlineWatchdog<Timed> watchdog; // keeps the running exec's timeout

    /** A session whose commands return at most {@link NodeLimits#DEFAULT_EXEC_OUTPUT_CAP} bytes of output. */
    public ShellSession(ConsoleSession console) {
        this(console, NodeLimits.DEFAULT_EXEC_OUTPUT_CAP);
    }

    /** A session whose commands return at most {@code defaultOutputCap} bytes of output unless an exec says otherwise. */
    public ShellSession(ConsoleSession console, long defaultOutputCap) {
        NodeLimits.checkExecOutputCap(defaultOutputCap);
        this.console = console;
        this.defaultOutputCap = defaultOutputCap;
        this.loop = console.eventLoop();
        this.watchdog = new DeadlineWatchdog<>(loop, console.clock(), t -> !t.frame.done.isDone(),
                t -> timedOut(t.frame, t.started, t.result));
        this.attachment = console.attach(new ConsoleListener() {
            @Override
            public void onData(byte[] chunk) {
                feed(chunk);
            }

            @Override
            public void onClose() {
                closed();
            }
        });
    }

    /**
     * Makes the shell quiet and deterministic ({@link #SETTINGS}), installs the framing function and
     * proves the shell is in step with a framed {@code true}, all in one line. Call once after login.
     */
    public CompletableFuture<Void> prepare() {
        return enqueue(() -> sync(false));
    }

    /**
     * Like {@link #prepare()}, waiting up to {@code firstAnswer} for the shell's first answer: a guest
     * that was just resumed from a saved state (a fork) translates all its code afresh under TCG, and
     * on a loaded host its shell may take seconds to answer the first line.
     */
    public CompletableFuture<Void> prepare(Duration firstAnswer) {
        return enqueue(() -> sync(false, firstAnswer));
    }

    /**
     * Runs {@code command} in the shell. After {@code timeout} it sends Ctrl-C, resyncs the shell and
     * completes with a timeout result holding the partial output; the next command works as usual.
     * Fails with a BadInputException, before anything is typed, for a control character or a command
     * over {@link ExecFraming#MAX_COMMAND_BYTES} ({@link ExecFraming#problem}); with a NetloomException
     * if the console closes.
     */
    public CompletableFuture<ExecResult> exec(String command, Duration timeout) {
        return exec(command, timeout, defaultOutputCap);
    }

    /**
     * Like {@link #exec(String, Duration)}, keeping at most {@code outputCap} bytes of output: a command
     * that prints more runs to its end, and its result is {@code truncated} with the first part.
     */
    public CompletableFuture<ExecResult> exec(String command, Duration timeout, long outputCap) {
        String problem = ExecFraming.problem(command);
        if (problem != null) {
            return CompletableFuture.failedFuture(new BadInputException(problem));
        }
        try {
            NodeLimits.checkExecOutputCap(outputCap);
        } catch (BadInputException e) {
            return CompletableFuture.failedFuture(e);
        }
        return enqueueHere(() -> (outOfStep ? sync(true) : CompletableFuture.<Void>completedFuture(null))
                .thenCompose(v -> run(command, timeout, outputCap, console.clock().getAsLong(), false)));
    }

    /**
     * Types a person's keystrokes on this shell's console: at once when no command is queued or
     * running, otherwise held and typed as soon as the last queued command has finished, so that they
     * never land inside a command's line or its output ({@link ConsoleBroker.Typed#held} says which).
     * Past {@link #MAX_HELD_BYTES} held bytes, more fail with a NetloomException.
     */
    public synchronized ConsoleBroker.Typed typeBetweenCommands(byte[] bytes) {
        if (queued == 0) {
            return new ConsoleBroker.Typed(false, console.send(bytes));
        }
        if (heldBytes + bytes.length > MAX_HELD_BYTES) {
            return new ConsoleBroker.Typed(true, CompletableFuture.failedFuture(new NetloomException("more than " + MAX_HELD_BYTES
                    + " bytes typed on console " + console.name() + " while a command ran; the rest was dropped")));
        }
        Held h = new Held(bytes.clone(), new CompletableFuture<>());
        held.add(h);
        heldBytes += bytes.length;
        return new ConsoleBroker.Typed(true, h.typed());
    }

    /** Detaches from the console; commands still running fail, and so does typing that waits for them. */
    @Override
    public void close() {
        attachment.close();
        loop.execute(() -> fail(new NetloomException("shell session on console " + console.name() + " closed")));
        synchronized (this) {
            held.forEach(h -> h.typed().completeExceptionally(new NetloomException("console " + console.name() + " closed")));
            held.clear();
            heldBytes = 0;
        }
    }

    private <T> CompletableFuture<T> enqueue(Supplier<CompletableFuture<T>> step) {
        synchronized (this) {
            queued++;
            CompletableFuture<T> next = tail.handle((r, e) -> null).thenComposeAsync(x -> step.get(), loop);
            tail = next;
            next.whenComplete((r, e) -> stepDone());
            return next;
        }
    }

    /** A queued step finished; after the last one, a person's held keystrokes are typed, in order. */
    private synchronized void stepDone() {
        if (--queued > 0) {
            return;
        }
        for (Held h : held) {
            console.send(h.bytes()).whenComplete((v, e) -> {
                if (e != null) {
                    h.typed().completeExceptionally(e);
                } else {
                    h.typed().complete(null);
                }
            });
        }
        held.clear();
        heldBytes = 0;
    }

    /**
     * Like {@link #enqueue}, but when nothing is queued or running the step starts at once on this
     * thread instead of on the event loop, which then need not wake up to start it.
     */
    private <T> CompletableFuture<T> enqueueHere(Supplier<CompletableFuture<T>> step) {
        CompletableFuture<T> turn = new CompletableFuture<>();
        synchronized (this) {
            if (!tail.isDone()) {
                return enqueue(step);
            }
            tail = turn; // the queue is ours until the step is done
            queued++;
        }
        turn.whenComplete((r, e) -> stepDone());
        CompletableFuture<T> done;
        try {
            done = step.get();
        } catch (RuntimeException e) {
            done = CompletableFuture.failedFuture(e);
        }
        done.whenComplete((r, e) -> {
            if (e != null) {
                turn.completeExceptionally(e);
            } else {
                turn.complete(r);
            }
        });
        return turn;
    }

    /**
     * Types {@code command} through the framing function. When the shell turns out not to have the
     * function (it was replaced since the last sync), the command has not run: the function is
     * installed again with a sync and the command typed once more ({@code reinstalled}).
     */
    private CompletableFuture<ExecResult> run(String command, Duration timeout, long outputCap, long started, boolean reinstalled) {
        Frame frame = begin(outputCap);
        CompletableFuture<ExecResult> result = new CompletableFuture<>();
        frame.done.whenComplete((parsed, failure) -> {
            if (failure instanceof CancellationException) {
                return; // timed out: timedOut() completes the result after the resync
            }
            if (failure != null) {
                result.completeExceptionally(failure);
            } else if (parsed.functionMissing()) {
                reinstall(command, timeout, outputCap, started, reinstalled, result);
            } else {
                result.complete(new ExecResult(parsed.exitCode(), parsed.output(), since(started), false,
                        parsed.truncated(), parsed.droppedBytes()));
            }
        });
        watchdog.watch(new Timed(frame, started, result), console.clock().getAsLong() + timeout.toNanos());
        send(frame, frame.framing.line(command).getBytes(StandardCharsets.UTF_8));
        return result;
    }

    private void reinstall(String command, Duration timeout, long outputCap, long started, boolean reinstalled,
                           CompletableFuture<ExecResult> result) {
        if (reinstalled) {
            result.completeExceptionally(new NetloomException("the shell on console " + console.name()
                    + " lost netloom's exec function again right after it was installed; last console lines:\n"
                    + console.lastLines(30)));
            return;
        }
        sync(false).thenCompose(v -> run(command, timeout, outputCap, started, true)).whenComplete((r, e) -> {
            if (e != null) {
                result.completeExceptionally(e);
            } else {
                result.complete(r);
            }
        });
    }

    private void timedOut(Frame frame, long started, CompletableFuture<ExecResult> result) {
        if (frame.done.isDone()) {
            return;
        }
        Duration took = since(started);
        String partial = frame.framing.partialOutput();
        long dropped = frame.framing.partialDroppedBytes();
        current = null;
        frame.done.cancel(false);
        sync(true).whenComplete((v, e) -> result.complete(ExecResult.timeout(partial, took, dropped)));
    }

    /**
     * Brings the shell back in step: one line (after Ctrl-C when {@code interrupt}) that applies the
     * {@link #SETTINGS}, installs the framing function and runs {@code true} through it, whose end marker
     * proves every earlier line is done and the function is there. Tries {@link #SYNC_ATTEMPTS} times
     * because a shell handling SIGINT may drop a line typed right behind the Ctrl-C.
     */
    private CompletableFuture<Void> sync(boolean interrupt) {
        return sync(interrupt, SYNC_ATTEMPT);
    }

    /** A sync whose first attempt waits {@code firstWait} (the later ones {@link #SYNC_ATTEMPT}). */
    private CompletableFuture<Void> sync(boolean interrupt, Duration firstWait) {
        CompletableFuture<Void> synced = new CompletableFuture<>();
        syncAttempt(interrupt, 1, firstWait, synced);
        return synced.whenComplete((v, e) -> outOfStep = e != null);
    }

    private void syncAttempt(boolean interrupt, int attempt, Duration wait, CompletableFuture<Void> synced) {
        Frame frame = begin(SYNC_OUTPUT_CAP);
        ScheduledFuture<?> timer = loop.schedule(() -> {
            if (frame.done.cancel(false)) {
                current = null;
                nextSyncAttempt(interrupt, attempt, synced);
            }
        }, wait.toNanos(), TimeUnit.NANOSECONDS);
        frame.done.whenComplete((parsed, failure) -> {
            if (failure instanceof CancellationException) {
                return; // the timer above took over
            }
            timer.cancel(false);
            if (failure != null) {
                synced.completeExceptionally(failure);
            } else if (parsed.functionMissing()) {
                nextSyncAttempt(interrupt, attempt, synced); // the shell did not read the line's start: try again
            } else {
                synced.complete(null);
            }
        });
        String line = frame.framing.installingLine(SETTINGS, "true");
        send(frame, (interrupt ? "\u0003" + line : line).getBytes(StandardCharsets.UTF_8));
    }

    private void nextSyncAttempt(boolean interrupt, int attempt, CompletableFuture<Void> synced) {
        if (attempt < SYNC_ATTEMPTS) {
            syncAttempt(interrupt, attempt + 1, SYNC_ATTEMPT, synced);
        } else {
            synced.completeExceptionally(new NetloomException("the shell on console " + console.name()
                    + " did not answer " + SYNC_ATTEMPTS + " sync markers within "
                    + SYNC_ATTEMPT.toMillis() + " ms each; last console lines:\n" + console.lastLines(30)));
        }
    }

    private Frame begin(long outputCap) {
        Frame frame = new Frame(new ExecFraming(nonce + "." + Long.toString(nextId++, 36), outputCap));
        current = frame;
        return frame;
    }

    private void send(Frame frame, byte[] line) {
        console.send(line).whenComplete((v, e) -> {
            if (e != null) {
                frame.done.completeExceptionally(e);
            }
        });
    }

    private void feed(byte[] chunk) {
        Frame frame = current;
        if (frame != null && frame.framing.feed(chunk, 0, chunk.length)) {
            current = null;
            frame.done.complete(frame.framing);
        }
    }

    private void closed() {
        fail(new NetloomException("console " + console.name() + " closed while a command ran; last console lines:\n"
                + console.lastLines(30)));
    }

    private void fail(NetloomException e) {
        Frame frame = current;
        current = null;
        if (frame != null) {
            frame.done.completeExceptionally(e);
        }
    }

    private Duration since(long startedNanos) {
        return Duration.ofNanos(console.clock().getAsLong() - startedNanos);
    }

    /** Keystrokes a person typed while commands ran, and the future of their typing. */
    private record Held(byte[] bytes, CompletableFuture<Void> typed) {
    }

    /** An exec in flight, for the watchdog: its frame, when it started (console clock), its result. */
    private record Timed(Frame frame, long started, CompletableFuture<ExecResult> result) {
    }

    /** One framed line in flight: its parser, completed with it when the end marker arrives. */
    private record Frame(ExecFraming framing, CompletableFuture<ExecFraming> done) {
        Frame(ExecFraming framing) {
            this(framing, new CompletableFuture<>());
        }
    }
}

package dev.netloom.nodes.console;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * Watches a console until a node has booted as its {@link BootSpec} describes: boot marker, optional
 * login, shell prompt. Fails when the console stalls (prints nothing for the stall timeout) or the
 * overall budget is spent, so a slow but progressing boot never fails and a hung one fails fast.
 * Silence the node spent waiting for a CPU (its QEMU runnable but not running: a host starved by other
 * work) does not count toward a stall: a starved boot is slow, not hung. Timers run on the console's event loop and time comes from the console's clock, so tests can drive both.
 */
public final class BootDetector {

    /**
     * Without a login exchange, a console that stays silent this long after the boot marker gets one
     * newline: some consoles (OpenWrt's "press Enter to activate") show no prompt until a key is pressed.
     * Sent once, and never during a login exchange, where an empty line would be taken as a user name
     * or password. At a shell prompt it only prints another prompt; a getty flushes it.
     */
    static final Duration NUDGE_AFTER = Duration.ofSeconds(1);

    private final ConsoleSession console;
    private final BootSpec spec;
    private final EventLoop loop;
    private final LongSupplier clock;
    private final LongSupplier waited;
    private final CompletableFuture<BootResult> result = new CompletableFuture<>();
    private final Map<BootPhase, Duration> timings = new EnumMap<>(BootPhase.class);
    // all below: event loop only
    private BootPhase phase = BootPhase.BOOT;
    private Pattern pattern;
    private long startNanos;
    private long phaseStartNanos;
    private CompletableFuture<ConsoleMatch> waiting;
    private ScheduledFuture<?> stallTimer;
    private ScheduledFuture<?> budgetTimer;
    private ScheduledFuture<?> nudgeTimer;
    private long silenceSeen;
    private long waitedAtSilence;

    private BootDetector(ConsoleSession console, BootSpec spec, LongSupplier waited) {
        this.console = console;
        this.spec = spec;
        this.loop = console.eventLoop();
        this.clock = console.clock();
        this.waited = waited;
    }

    /**
     * Watches {@code console} from the oldest byte it still holds (so a marker printed before this
     * call counts) until the prompt; fails with a {@link BootFailedException}.
     */
    public static CompletableFuture<BootResult> detect(ConsoleSession console, BootSpec spec) {
        return detect(console, spec, () -> 0);
    }

    /**
     * As {@link #detect(ConsoleSession, BootSpec)}, with {@code waited} the time the node's process has
     * spent so far waiting for a CPU (nanoseconds, growing; {@link dev.netloom.nodes.host.RunQueueWait}): that part of a
     * silence is not counted as a stall.
     */
    public static CompletableFuture<BootResult> detect(ConsoleSession console, BootSpec spec, LongSupplier waited) {
        BootDetector detector = new BootDetector(console, spec, waited);
        if (detector.loop.inEventLoop()) {
            detector.start();
        } else {
            detector.loop.execute(detector::start);
        }
        return detector.result;
    }

    private void start() {
        startNanos = clock.getAsLong();
        silenceSeen = startNanos;
        waitedAtSilence = waited.getAsLong();
        result.whenComplete((r, e) -> loop.execute(this::stopTimers)); // also when the caller cancels
        budgetTimer = schedule(() -> fail("did not finish booting within " + seconds(spec.overallBudget())),
                spec.overallBudget().toNanos());
        stallTimer = schedule(this::checkStall, spec.stallTimeout().toNanos());
        // a console that closes fails the pending expectation, and with it the boot
        await(BootPhase.BOOT, spec.bootPattern(), 0);
    }

    private void await(BootPhase next, Pattern nextPattern, long fromOffset) {
        phase = next;
        pattern = nextPattern;
        phaseStartNanos = clock.getAsLong();
        CompletableFuture<ConsoleMatch> expectation = console.expectText(nextPattern, fromOffset);
        waiting = expectation;
        expectation.whenComplete((match, failure) -> onLoop(() -> matched(next, match, failure)));
    }

    private void matched(BootPhase matchedPhase, ConsoleMatch match, Throwable failure) {
        if (result.isDone() || failure instanceof CancellationException) {
            return;
        }
        if (failure != null) {
            fail("the console closed");
            return;
        }
        timings.put(matchedPhase, Duration.ofNanos(clock.getAsLong() - phaseStartNanos));
        switch (matchedPhase) {
            case BOOT -> {
                if (spec.loginPattern() != null) {
                    await(BootPhase.LOGIN, spec.loginPattern(), match.end());
                } else {
                    await(BootPhase.PROMPT, spec.promptPattern(), match.end());
                    nudgeTimer = schedule(this::checkNudge, NUDGE_AFTER.toNanos());
                }
            }
            case LOGIN -> {
                type(spec.username(), "the user name");
                if (spec.passwordPattern() != null) {
                    await(BootPhase.PASSWORD, spec.passwordPattern(), match.end());
                } else {
                    await(BootPhase.PROMPT, spec.promptPattern(), match.end());
                }
            }
            case PASSWORD -> {
                type(spec.password(), "the password");
                await(BootPhase.PROMPT, spec.promptPattern(), match.end());
            }
            case PROMPT -> result.complete(new BootResult(timings,
                    Duration.ofNanos(clock.getAsLong() - startNanos), match.end()));
        }
    }

    private void checkStall() {
        long silenceStart = Math.max(console.lastOutputNanos(), startNanos);
        long waitedNow = waited.getAsLong();
        if (silenceStart != silenceSeen) { // output since the last check: the wait counts from here on (never more than there was)
            silenceSeen = silenceStart;
            waitedAtSilence = waitedNow;
        }
        long starved = Math.max(0, waitedNow - waitedAtSilence);
        long wall = clock.getAsLong() - silenceStart;
        long idle = wall - starved;
        long stall = spec.stallTimeout().toNanos();
        if (idle >= stall) {
            fail("the console printed nothing for " + seconds(Duration.ofNanos(wall))
                    + (starved > 0 ? " (" + seconds(Duration.ofNanos(starved)) + " of it waiting for a CPU)" : ""));
        } else {
            stallTimer = schedule(this::checkStall, stall - idle);
        }
    }

    private void checkNudge() {
        if (phase != BootPhase.PROMPT || result.isDone()) {
            return;
        }
        long silence = clock.getAsLong() - Math.max(console.lastOutputNanos(), phaseStartNanos);
        if (silence >= NUDGE_AFTER.toNanos()) {
            console.send("\n");
        } else {
            nudgeTimer = schedule(this::checkNudge, NUDGE_AFTER.toNanos() - silence);
        }
    }

    private void type(String text, String what) {
        console.send(text + "\n").whenComplete((v, e) -> {
            if (e != null) {
                onLoop(() -> fail("typing " + what + " failed (" + e.getMessage() + ")"));
            }
        });
    }

    private void fail(String reason) {
        if (result.isDone()) {
            return;
        }
        long elapsed = clock.getAsLong() - startNanos;
        if (waiting != null) {
            waiting.cancel(false);
        }
        result.completeExceptionally(new BootFailedException(phase, "boot failed after "
                + seconds(Duration.ofNanos(elapsed)) + ": " + reason + " (pattern /" + pattern.pattern() + "/)",
                console.lastLines(30)));
    }

    private void stopTimers() {
        for (ScheduledFuture<?> timer : new ScheduledFuture<?>[] {stallTimer, budgetTimer, nudgeTimer}) {
            if (timer != null) {
                timer.cancel(false);
            }
        }
        if (waiting != null) {
            waiting.cancel(false);
        }
    }

    private ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
        return loop.schedule(task, Math.max(delayNanos, 0), TimeUnit.NANOSECONDS);
    }

    private void onLoop(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}

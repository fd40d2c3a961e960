package dev.netloom.nodes.console;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Scripted consoles against boot detection, on hand-driven time. */
class BootDetectorTest {

    private static final Duration STALL = Duration.ofSeconds(60);
    private static final BootSpec TINY = BootSpec.autoLogin(
            Pattern.compile("netloom-tiny: boot complete on \\S+"), Pattern.compile("n1:[^\\n]*# "))
            .withTimeouts(STALL, Duration.ofSeconds(600));

    private final ConsoleFixture node = new ConsoleFixture();

    private BootFailedException failure(CompletableFuture<BootResult> boot) {
        assertThat(boot).isCompletedExceptionally();
        try {
            boot.get();
            throw new AssertionError("boot should have failed");
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(BootFailedException.class);
            return (BootFailedException) e.getCause();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void boot_whenConsoleStalls_failsWithPhaseAndLastLines() {
        CompletableFuture<BootResult> boot = BootDetector.detect(node.console, TINY);
        node.receive("[    0.000000] Linux version 6.1.0\r\n[    1.2] Freeing unused kernel memory\r\n");
        node.advance(STALL.minusSeconds(1));
        assertThat(boot).isNotDone();
        node.advance(Duration.ofSeconds(1));
        BootFailedException e = failure(boot);
        assertThat(e.phase()).isEqualTo(BootPhase.BOOT);
        assertThat(e.getMessage()).contains("printed nothing for 60.0 s", "waiting for the boot marker",
                "Freeing unused kernel memory");
        assertThat(e.lastLines()).endsWith("[    1.2] Freeing unused kernel memory");
    }

    @Test
    void prompt_isMatchedOnTheTextAPersonSees_controlSequencesRemoved() {
        BootSpec busybox = BootSpec.autoLogin(Pattern.compile("Please press Enter to activate this console"), Pattern.compile("[#$] $"))
                .withTimeouts(STALL, Duration.ofSeconds(600));
        CompletableFuture<BootResult> boot = BootDetector.detect(node.console, busybox);
        node.receive("\u001b[0;1mPlease press Enter\u001b[0m to activate this console.\r\n");
        node.receive("\r\n\r\nBusyBox v1.35.0 built-in shell (ash)\r\n\r\n\u001b[1;32mroot@OpenWrt\u001b[0m:/# \u001b[6n");
        assertThat(boot.join().phases()).containsOnlyKeys(BootPhase.BOOT, BootPhase.PROMPT);
    }

    @Test
    void stall_namesThePattern_andShowsControlCharactersInTheLastLines() {
        BootSpec spec = BootSpec.autoLogin(Pattern.compile("boot done"), Pattern.compile("\\$ $")).withTimeouts(STALL, Duration.ofSeconds(600));
        CompletableFuture<BootResult> boot = BootDetector.detect(node.console, spec);
        node.receive("boot done\r\nroot:~# \u001b[6n");
        node.advance(STALL);
        BootFailedException e = failure(boot);
        assertThat(e.getMessage()).contains("/\\$ $/");
        assertThat(e.lastLines()).endsWith("root:~# ^[[6n");
    }

    @Test
    void boot_whenSlowButProgressing_neverStalls() {
        CompletableFuture<BootResult> boot = BootDetector.detect(node.console, TINY);
        for (int i = 0; i < 16; i++) { // 8 stall periods, output every half of one
            node.advance(STALL.dividedBy(2));
            node.receive("[ " + i + "] still going\r\n");
        }
        assertThat(boot).isNotDone();
        node.receive("netloom-tiny: boot complete on n1\r\n").receive("n1:/root# ");
        BootResult result = boot.join();
        assertThat(result.total()).isEqualTo(STALL.multipliedBy(8));
        assertThat(result.phases()).containsOnlyKeys(BootPhase.BOOT, BootPhase.PROMPT);
        assertThat(result.promptEnd()).isEqualTo(node.console.offset());
    }

    @Test
    void silence_spentWaitingForACpu_isNoStall_butSilenceWhileRunnableIs() {
        java.util.concurrent.atomic.AtomicLong waited = new java.util.concurrent.atomic.AtomicLong(5_000_000_000L);
        CompletableFuture<BootResult> boot = BootDetector.detect(node.console, TINY, waited::get);
        node.receive("[    0.000000] Linux version 6.1.0\r\n");
        for (int i = 0; i < 30; i++) { // 5 minutes of silence, 90% of it waiting for a CPU: a starved host
            waited.addAndGet(Duration.ofSeconds(9).toNanos());
            node.advance(Duration.ofSeconds(10));
        }
        assertThat(boot).isNotDone();
        node.advance(STALL); // the wait stops growing: the node runs, and still prints nothing
        BootFailedException e = failure(boot);
        assertThat(e.getMessage()).contains("printed nothing for", "of it waiting for a CPU");
    }

    @Test
    void boot_whenOverallBudgetIsSpent_failsEvenWhileProgressing() {
        CompletableFuture<BootResult> boot = BootDetector.detect(node.console,
                TINY.withTimeouts(STALL, Duration.ofSeconds(100)));
        for (int i = 0; i < 4; i++) {
            node.advance(Duration.ofSeconds(30)).receive("tick\r\n");
        }
        assertThat(failure(boot).getMessage()).contains("within 100.0 s");
    }

    @Test
    void boot_withLoginAndPassword_typesCredentialsAtTheirPrompts() {
        BootSpec spec = BootSpec.autoLogin(Pattern.compile("Debian GNU/Linux 12"), Pattern.compile("root@n1:~# "))
                .withLogin(Pattern.compile("login: $"), "root", Pattern.compile("Password: $"), "secret");
        CompletableFuture<BootResult> boot = BootDetector.detect(node.console, spec);
        node.receive("\r\nDebian GNU/Linux 12 n1 ttyS0\r\n\r\nn1 log");
        assertThat(node.typed()).isEmpty();
        node.receive("in: ");
        assertThat(node.typed()).isEqualTo("root\n");
        node.advance(Duration.ofSeconds(3)); // no nudge during a login exchange
        assertThat(node.typed()).isEmpty();
        node.receive("root\r\nPassword: ");
        assertThat(node.typed()).isEqualTo("secret\n");
        node.receive("\r\nLinux n1 6.1.0\r\nroot@n1:~# ");
        assertThat(boot.join().phases()).containsOnlyKeys(BootPhase.values());
        assertThat(node.typed()).isEmpty();
    }

    @Test
    void boot_whenGarbageBytesPrecedeTheMarker_stillFindsIt() {
        CompletableFuture<BootResult> boot = BootDetector.detect(node.console, TINY);
        node.receive(new byte[] {(byte) 0xff, (byte) 0xfe, (byte) 0xc3, 0x28, 0, 0x1b, (byte) 0x9b});
        node.receive("netloom-tiny: boot complete on n1\r\nn1:/root# ");
        assertThat(boot).isCompleted();
    }

    @Test
    void boot_whenPromptIsSplitAcrossTwoBuffers_completesOnSecond() {
        CompletableFuture<BootResult> boot = BootDetector.detect(node.console, TINY);
        node.receive("netloom-tiny: boot complete on n1\r\nn1:/ro");
        assertThat(boot).isNotDone();
        node.receive("ot# ");
        assertThat(boot).isCompleted();
    }

    @Test
    void boot_whenMarkerArrivesOneByteAtATime_completes() {
        CompletableFuture<BootResult> boot = BootDetector.detect(node.console, TINY);
        for (char c : "noise\r\nnetloom-tiny: boot complete on n1\r\nn1:/root# ".toCharArray()) {
            assertThat(boot).isNotDone();
            node.receive(String.valueOf(c));
        }
        assertThat(boot).isCompleted();
    }

    @Test
    void boot_whenMarkerCameBeforeDetectionStarted_stillCounts() {
        node.receive("netloom-tiny: boot complete on n1\r\n");
        CompletableFuture<BootResult> boot = BootDetector.detect(node.console, TINY);
        node.receive("n1:/root# ");
        assertThat(boot).isCompleted();
    }

    @Test
    void boot_whenPromptNeedsAKey_nudgesOnceAfterSilence() {
        BootSpec openwrt = BootSpec.autoLogin(Pattern.compile("procd: - init complete -"),
                Pattern.compile("root@OpenWrt:/# "));
        CompletableFuture<BootResult> boot = BootDetector.detect(node.console, openwrt);
        node.receive("procd: - init complete -\r\n");
        node.advance(Duration.ofMillis(600)).receive("Please press Enter to activate this console.\r\n");
        node.advance(Duration.ofMillis(600));
        assertThat(node.typed()).isEmpty(); // only 600 ms of silence so far
        node.advance(Duration.ofMillis(400));
        assertThat(node.typed()).isEqualTo("\n");
        node.advance(Duration.ofSeconds(5));
        assertThat(node.typed()).isEmpty(); // once only
        node.receive("\r\nroot@OpenWrt:/# ");
        assertThat(boot).isCompleted();
    }

    @Test
    void boot_whenConsoleCloses_failsAtOnceWithLastLines() {
        CompletableFuture<BootResult> boot = BootDetector.detect(node.console, TINY);
        node.receive("Kernel panic - not syncing: Attempted to kill init!\r\n");
        node.console.close();
        node.runTasks();
        BootFailedException e = failure(boot);
        assertThat(e.getMessage()).contains("console closed", "Attempted to kill init!");
    }
}

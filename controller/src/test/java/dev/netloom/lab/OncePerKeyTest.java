package dev.netloom.lab;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One computation per key, shared by the callers that wait for it; a failure is the first caller's alone. */
class OncePerKeyTest {

    @Test
    void get_whileTheFirstCallerComputes_othersWaitForItsAnswer() throws Exception {
        OncePerKey<String, String> once = new OncePerKey<>();
        AtomicInteger computed = new AtomicInteger();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> once.get("t", () -> {
            computed.incrementAndGet();
            entered.countDown();
            await(release);
            return "tools of t";
        }));
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        List<CompletableFuture<String>> others = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            others.add(CompletableFuture.supplyAsync(() -> once.get("t", () -> {
                computed.incrementAndGet();
                return "probed again";
            })));
        }
        release.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("tools of t");
        for (CompletableFuture<String> o : others) {
            assertThat(o.get(10, TimeUnit.SECONDS)).isEqualTo("tools of t");
        }
        assertThat(computed).hasValue(1);
        assertThat(once.get("t", () -> "later")).isEqualTo("tools of t");
        assertThat(once.get("u", () -> "tools of u")).isEqualTo("tools of u");
    }

    @Test
    void get_whenTheFirstComputationFails_theFirstCallerGetsTheFailureAndTheOthersComputeTheirOwn() throws Exception {
        OncePerKey<String, String> once = new OncePerKey<>();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> once.get("t", () -> {
            entered.countDown();
            await(release);
            throw new IllegalStateException("probe timed out");
        }));
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<String> waiting = CompletableFuture.supplyAsync(() -> once.get("t", () -> "own probe"));
        release.countDown();
        assertThatThrownBy(() -> first.get(10, TimeUnit.SECONDS)).hasRootCauseMessage("probe timed out");
        assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo("own probe");
        assertThat(once.get("t", () -> "computed again")).isIn("own probe", "computed again");
    }

    @Test
    void get_afterAFailure_theNextCallerComputesAgain() {
        OncePerKey<String, String> once = new OncePerKey<>();
        assertThatThrownBy(() -> once.get("t", () -> {
            throw new IllegalStateException("no answer");
        })).hasMessage("no answer");
        assertThat(once.get("t", () -> "second try")).isEqualTo("second try");
        assertThat(once.get("t", () -> "third")).isEqualTo("second try");
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("not released");
            }
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}

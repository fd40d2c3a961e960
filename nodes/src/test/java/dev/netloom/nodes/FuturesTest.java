package dev.netloom.nodes;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Waiting on futures: values, causes, timeouts and interrupts. */
class FuturesTest {

    @Test
    void await_returnsTheValue() {
        assertThat(Futures.await(CompletableFuture.completedFuture("ok"), Duration.ofSeconds(1), "x", "late")).isEqualTo("ok");
        assertThat(Futures.await(CompletableFuture.completedFuture(1), null, "x", null)).isEqualTo(1);
    }

    @Test
    void await_failure_throwsTheCauseItself() {
        BadInputException cause = new BadInputException("bad command");
        assertThatThrownBy(() -> Futures.await(CompletableFuture.failedFuture(new CompletionException(cause)), null, "x", null))
                .isSameAs(cause);
    }

    @Test
    void await_checkedCause_isWrapped() {
        assertThatThrownBy(() -> Futures.await(CompletableFuture.failedFuture(new IOException("gone")), null, "x", null))
                .isInstanceOf(NetloomException.class).hasMessage("gone").hasCauseInstanceOf(IOException.class);
    }

    @Test
    void await_timeout_throwsTheTimeoutMessage() {
        assertThatThrownBy(() -> Futures.await(new CompletableFuture<>(), Duration.ofMillis(1), "x", "the console did not come back"))
                .isInstanceOf(NetloomException.class).hasMessage("the console did not come back");
    }

    @Test
    void await_interrupted_saysDuringWhatAndKeepsTheFlag() {
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> Futures.await(new CompletableFuture<>(), null, "waiting for node a", null))
                    .isInstanceOf(NetloomException.class).hasMessage("interrupted while waiting for node a");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void cause_unwrapsNestedWrappers() {
        IOException io = new IOException("x");
        assertThat(Futures.cause(new CompletionException(new ExecutionException(io)))).isSameAs(io);
    }
}

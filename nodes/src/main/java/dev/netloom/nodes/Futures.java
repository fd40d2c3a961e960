package dev.netloom.nodes;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Unwrapping the exceptions futures wrap, so that callers see the cause that says what went wrong. */
final class Futures {

    private Futures() {
    }

    /** The cause inside CompletionException and ExecutionException wrappers. */
    static Throwable cause(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** The cause as an unchecked exception to rethrow: itself when it is one, else wrapped in a NetloomException. */
    static RuntimeException rethrowable(Throwable t) {
        Throwable c = cause(t);
        return c instanceof RuntimeException re ? re : new NetloomException(c.getMessage(), c);
    }

    /**
     * Waits for {@code f} (at most {@code limit}, or without limit when null) and returns its value; its
     * failure is rethrown as its cause. An interrupt becomes a NetloomException that says it came while
     * {@code during}; running out of time one with {@code timeoutMessage}.
     */
    static <T> T await(Future<T> f, Duration limit, String during, String timeoutMessage) {
        try {
            return limit == null ? f.get() : f.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NetloomException("interrupted while " + during, e);
        } catch (ExecutionException e) {
            throw rethrowable(e.getCause());
        } catch (TimeoutException e) {
            throw new NetloomException(timeoutMessage);
        }
    }
}

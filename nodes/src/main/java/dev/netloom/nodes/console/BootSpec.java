package dev.netloom.nodes.console;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How to tell that a node has booted, as data (it comes from the image manifest): the console line
 * that marks the end of boot, an optional login exchange, and the shell prompt.
 *
 * @param bootPattern     a kernel or init log line that means "booted"
 * @param loginPattern    the login prompt, or null when the console logs in by itself
 * @param username        typed at the login prompt (required with a login pattern)
 * @param passwordPattern the password prompt, or null when there is none
 * @param password        typed at the password prompt (required with a password pattern)
 * @param promptPattern   the shell prompt that means "ready for commands"
 * @param stallTimeout    fail when the console prints nothing for this long (default 60 s)
 * @param overallBudget   fail when the whole boot takes longer than this (default 600 s)
 */
public record BootSpec(Pattern bootPattern, Pattern loginPattern, String username, Pattern passwordPattern,
                       String password, Pattern promptPattern, Duration stallTimeout, Duration overallBudget) {

    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_OVERALL_BUDGET = Duration.ofSeconds(600);

    public BootSpec {
        Objects.requireNonNull(bootPattern, "bootPattern");
        Objects.requireNonNull(promptPattern, "promptPattern");
        if (loginPattern != null && username == null) {
            throw new IllegalArgumentException("a login pattern needs a username");
        }
        if (passwordPattern != null && password == null) {
            throw new IllegalArgumentException("a password pattern needs a password");
        }
        if (passwordPattern != null && loginPattern == null) {
            throw new IllegalArgumentException("a password pattern needs a login pattern");
        }
        stallTimeout = stallTimeout == null ? DEFAULT_STALL_TIMEOUT : stallTimeout;
        overallBudget = overallBudget == null ? DEFAULT_OVERALL_BUDGET : overallBudget;
        if (stallTimeout.isNegative() || stallTimeout.isZero() || overallBudget.isNegative() || overallBudget.isZero()) {
            throw new IllegalArgumentException("boot timeouts must be positive: stall " + stallTimeout
                    + ", budget " + overallBudget);
        }
    }

    /** A console that logs in by itself: boot marker, then prompt, default timeouts. */
    public static BootSpec autoLogin(Pattern bootPattern, Pattern promptPattern) {
        return new BootSpec(bootPattern, null, null, null, null, promptPattern, null, null);
    }

    public BootSpec withLogin(Pattern login, String user, Pattern passwordPrompt, String pass) {
        return new BootSpec(bootPattern, login, user, passwordPrompt, pass, promptPattern, stallTimeout, overallBudget);
    }

    public BootSpec withTimeouts(Duration stall, Duration budget) {
        return new BootSpec(bootPattern, loginPattern, username, passwordPattern, password, promptPattern, stall, budget);
    }
}

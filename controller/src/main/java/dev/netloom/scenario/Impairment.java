package dev.netloom.scenario;

import java.time.Duration;

/**
 * Link impairment in one direction, as netem and TBF understand it. A null field is "not set".
 *
 * @param delay       one-way added delay
 * @param jitter      delay variation (needs a delay)
 * @param lossPercent packet loss, 0..100
 * @param rateBps     rate limit in bits per second
 * @param duplicatePercent packet duplication, 0..100
 * @param corruptPercent   packet corruption, 0..100
 * @param reorderPercent   packet reordering, 0..100 (needs a delay)
 */
public record Impairment(Duration delay, Duration jitter, Double lossPercent, Long rateBps,
                         Double duplicatePercent, Double corruptPercent, Double reorderPercent) {

    public static final Impairment NONE = new Impairment(null, null, null, null, null, null, null);

    public boolean isNone() {
        return equals(NONE);
    }

    /** Only rate is set: the host TBF engine can do it without netem. */
    public boolean rateOnly() {
        return rateBps != null && delay == null && jitter == null && lossPercent == null
                && duplicatePercent == null && corruptPercent == null && reorderPercent == null;
    }

    /** Fields set in {@code other} replace this one's. */
    public Impairment merge(Impairment other) {
        return new Impairment(
                other.delay != null ? other.delay : delay,
                other.jitter != null ? other.jitter : jitter,
                other.lossPercent != null ? other.lossPercent : lossPercent,
                other.rateBps != null ? other.rateBps : rateBps,
                other.duplicatePercent != null ? other.duplicatePercent : duplicatePercent,
                other.corruptPercent != null ? other.corruptPercent : corruptPercent,
                other.reorderPercent != null ? other.reorderPercent : reorderPercent);
    }
}

package dev.netloom.impairment;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Link impairment in one direction, as netem and TBF understand it. A null field is "not set". The
 * fields, their keys, grammar and formatting are {@link Field}s: this record is the value, Field the
 * one place that reads and writes it.
 *
 * @param delay       one-way added delay
 * @param jitter      delay variation (needs a delay)
 * @param lossPercent packet loss, 0..100
 * @param rateBps     rate limit in bits per second
 * @param duplicatePercent packet duplication, 0..100
 * @param corruptPercent   packet corruption, 0..100
 * @param reorderPercent   packet reordering, 0..100 (needs a delay)
 * @param limitPackets     the most packets netem's queue holds (netem's default: 1000); beyond it packets are dropped
 */
public record Impairment(Duration delay, Duration jitter, Double lossPercent, Long rateBps,
                         Double duplicatePercent, Double corruptPercent, Double reorderPercent, Long limitPackets) {

    public static final Impairment NONE = new Impairment(null, null, null, null, null, null, null, null);

    /** An impairment without a queue limit. */
    public Impairment(Duration delay, Duration jitter, Double lossPercent, Long rateBps,
                      Double duplicatePercent, Double corruptPercent, Double reorderPercent) {
        this(delay, jitter, lossPercent, rateBps, duplicatePercent, corruptPercent, reorderPercent, null);
    }

    public boolean isNone() {
        return equals(NONE);
    }

    /** Only rate is set: the host TBF engine can do it without netem. */
    public boolean rateOnly() {
        return rateBps != null && delay == null && jitter == null && lossPercent == null
                && duplicatePercent == null && corruptPercent == null && reorderPercent == null && limitPackets == null;
    }

    /** Fields set in {@code other} replace this one's. */
    public Impairment merge(Impairment other) {
        Impairment out = this;
        for (Field f : Field.values()) {
            if (f.get(other) != null) {
                out = f.with(out, f.get(other));
            }
        }
        return out;
    }

    /**
     * The field that needs a delay this impairment lacks, if any: netem applies jitter and reordering
     * to delayed packets only.
     */
    public Optional<Field> needingDelay() {
        if (delay != null) {
            return Optional.empty();
        }
        return jitter != null ? Optional.of(Field.JITTER) : reorderPercent != null ? Optional.of(Field.REORDER) : Optional.empty();
    }

    /** Why {@code field} (jitter or reorder) needs a delay, and the fix: the one wording of that rule. */
    public static String delayNeeded(Field field) {
        return field.key() + " needs a delay (netem " + (field == Field.JITTER ? "varies the delay it adds"
                : "reorders by sending some packets without the delay") + "); add \"delay\": \"10ms\" beside it";
    }

    /** The set fields as scenario files write them, in key order: {"delay": "10ms", "loss": "1%"}. */
    public Map<String, String> fields() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Field f : Field.values()) {
            Object v = f.get(this);
            if (v != null) {
                out.put(f.key(), f.format(v));
            }
        }
        return out;
    }

    /** For people: "delay 10ms loss 1%", or "none". */
    public String describe() {
        List<String> parts = new ArrayList<>();
        fields().forEach((k, v) -> parts.add(k + " " + v));
        return parts.isEmpty() ? "none" : String.join(" ", parts);
    }
}

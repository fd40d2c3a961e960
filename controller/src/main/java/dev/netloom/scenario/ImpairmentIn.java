package dev.netloom.scenario;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * An impairment as read from the file, with where each of its fields was written, so that a later
 * check (a jitter without a delay, perhaps only once the timeline has changed the link) can point at
 * the field.
 */
record ImpairmentIn(Impairment value, Map<String, SourceValue> fields) {

    /** The impairment keys, allowed in links, LANs, generators and timeline "set" objects. */
    static final List<String> KEYS = List.of("delay", "jitter", "loss", "rate", "duplicate", "corrupt", "reorder");
    static final ImpairmentIn NONE = new ImpairmentIn(Impairment.NONE, Map.of());

    /** {@code own} followed by the impairment keys: the keys of an object that also carries an impairment. */
    static List<String> keysWith(List<String> own) {
        List<String> out = new ArrayList<>(own);
        out.addAll(KEYS);
        return List.copyOf(out);
    }

    /** Reads the impairment keys of {@code at} (an object whose keys were already checked). */
    static ImpairmentIn read(SourceValue at) {
        Map<String, SourceValue> fields = new HashMap<>();
        for (String key : KEYS) {
            if (at.get(key) != null) {
                fields.put(key, at.get(key));
            }
        }
        Function<String, SourceValue> f = fields::get;
        Impairment value = new Impairment(
                f.apply("delay") != null ? ValueRules.duration(f.apply("delay")) : null,
                f.apply("jitter") != null ? ValueRules.duration(f.apply("jitter")) : null,
                f.apply("loss") != null ? ValueRules.percent(f.apply("loss")) : null,
                f.apply("rate") != null ? ValueRules.rate(f.apply("rate")) : null,
                f.apply("duplicate") != null ? ValueRules.percent(f.apply("duplicate")) : null,
                f.apply("corrupt") != null ? ValueRules.percent(f.apply("corrupt")) : null,
                f.apply("reorder") != null ? ValueRules.percent(f.apply("reorder")) : null);
        return new ImpairmentIn(value, fields);
    }

    /**
     * netem applies jitter and reordering to delayed packets only, so both need a delay: when
     * {@code merged} has none, the error points at the jitter or reorder of the last layer that has one.
     */
    static void checkNeedsDelay(Impairment merged, ImpairmentIn... layers) {
        if (merged.delay() != null) {
            return;
        }
        for (String key : List.of("jitter", "reorder")) {
            for (int i = layers.length - 1; i >= 0; i--) {
                SourceValue at = layers[i].fields().get(key);
                if (at != null) {
                    throw at.error(key + " needs a delay (netem " + (key.equals("jitter") ? "varies the delay it adds"
                            : "reorders by sending some packets without the delay") + "); add \"delay\": \"10ms\" beside it");
                }
            }
        }
    }
}

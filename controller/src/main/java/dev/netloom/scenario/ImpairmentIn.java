package dev.netloom.scenario;

import dev.netloom.impairment.Impairment;
import dev.netloom.impairment.Field;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An impairment as read from the file, with where each of its fields was written, so that a later
 * check (a jitter without a delay, perhaps only once the timeline has changed the link) can point at
 * the field.
 */
record ImpairmentIn(Impairment value, Map<String, SourceValue> fields) {

    /** The impairment keys, allowed in links, LANs, generators and timeline "set" objects. */
    static final List<String> KEYS = Field.KEYS;
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
        Impairment value = Impairment.NONE;
        for (Field f : Field.values()) {
            SourceValue v = at.get(f.key());
            if (v != null) {
                fields.put(f.key(), v);
                value = f.with(value, f.count() ? ValueRules.count(v, f.example(), f::parse) : ValueRules.quantity(v, f.example(), f::parse));
            }
        }
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
        for (Field f : List.of(Field.JITTER, Field.REORDER)) {
            for (int i = layers.length - 1; i >= 0; i--) {
                SourceValue at = layers[i].fields().get(f.key());
                if (at != null) {
                    throw at.error(Impairment.delayNeeded(f));
                }
            }
        }
    }
}

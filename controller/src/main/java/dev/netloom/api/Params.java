package dev.netloom.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netloom.nodes.Units;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * One request's params, read with errors that name the method, the param and what it should be
 * (-32602). Unknown params are refused, so a misspelt one never goes unnoticed.
 */
final class Params {

    /** Exec timeouts above this are refused: a command that runs longer belongs in the background. */
    static final Duration MAX_TIMEOUT = Duration.ofHours(24);

    private final String method;
    private final ObjectNode params;

    Params(String method, ObjectNode params, List<String> allowed) {
        this.method = method;
        this.params = params;
        for (Iterator<String> it = params.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!allowed.contains(name)) {
                throw invalid("unknown param '" + name + "'; " + method + " takes "
                        + (allowed.isEmpty() ? "no params" : String.join(", ", allowed)));
            }
        }
    }

    boolean has(String name) {
        JsonNode v = params.get(name);
        return v != null && !v.isNull();
    }

    /** A required non-empty string. */
    String string(String name, String example) {
        JsonNode v = params.get(name);
        if (v == null || v.isNull()) {
            throw invalid("param '" + name + "' is missing; it should be " + example);
        }
        if (!v.isTextual() || v.asText().isEmpty()) {
            throw invalid("param '" + name + "' should be " + example + ", not " + v);
        }
        return v.asText();
    }

    /** An optional string; null when absent. */
    String optString(String name, String example) {
        return has(name) ? string(name, example) : null;
    }

    /** The param as given (check {@link #has} first). */
    com.fasterxml.jackson.databind.JsonNode raw(String name) {
        return params.get(name);
    }

    boolean bool(String name) {
        JsonNode v = params.get(name);
        if (v == null || v.isNull()) {
            throw invalid("param '" + name + "' is missing; it should be true or false");
        }
        if (!v.isBoolean()) {
            throw invalid("param '" + name + "' should be true or false, not " + v);
        }
        return v.asBoolean();
    }

    /** An optional array of strings; null when absent. */
    List<String> optStrings(String name, String example) {
        if (!has(name)) {
            return null;
        }
        JsonNode v = params.get(name);
        if (!v.isArray()) {
            throw invalid("param '" + name + "' should be an array of strings such as " + example + ", not " + v);
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isTextual()) {
                throw invalid("param '" + name + "' should be an array of strings such as " + example + "; " + e + " is not a string");
            }
            out.add(e.asText());
        }
        return out;
    }

    /** An optional object; null when absent. */
    ObjectNode optObject(String name, String example) {
        if (!has(name)) {
            return null;
        }
        JsonNode v = params.get(name);
        if (!v.isObject()) {
            throw invalid("param '" + name + "' should be an object such as " + example + ", not " + v);
        }
        return (ObjectNode) v;
    }

    /** A timeout: a duration string ("30s", "500ms") or a number of milliseconds; {@code fallback} when absent. */
    Duration timeout(String name, Duration fallback) {
        if (!has(name)) {
            return fallback;
        }
        JsonNode v = params.get(name);
        Duration d;
        if (v.isIntegralNumber()) {
            if (!v.canConvertToLong()) { // asLong() would wrap 2^64 + 5 around to 5
                throw invalid("param '" + name + "' should be more than 0 and at most 24h, not " + v);
            }
            d = Duration.ofMillis(v.asLong());
        } else if (v.isTextual()) {
            try {
                d = Units.duration(v.asText());
            } catch (IllegalArgumentException e) {
                throw invalid("param '" + name + "': " + e.getMessage());
            }
        } else {
            throw invalid("param '" + name + "' should be a duration such as \"30s\" or a number of milliseconds, not " + v);
        }
        if (d.isNegative() || d.isZero() || d.compareTo(MAX_TIMEOUT) > 0) {
            throw invalid("param '" + name + "' should be more than 0 and at most 24h, not " + v);
        }
        return d;
    }

    /** A whole number from {@code min} to {@code max}; {@code fallback} when absent. */
    long optLong(String name, long min, long max, long fallback) {
        if (!has(name)) {
            return fallback;
        }
        JsonNode v = params.get(name);
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
            throw invalid("param '" + name + "' should be a whole number from " + min + " to " + max + ", not " + v);
        }
        return v.asLong();
    }

    ApiException invalid(String message) {
        return ApiException.invalidParams(method + ": " + message);
    }
}

package dev.netloom.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A value of the scenario source (a {@link JsonDoc}) with its position, a JSON pointer: the typed accessors check the JSON type
 * and report mistakes at the value's line:column.
 */
final class SourceValue {

    private final JsonDoc doc;
    private final String pointer;
    private final JsonNode node;

    SourceValue(JsonDoc doc, String pointer, JsonNode node) {
        this.doc = doc;
        this.pointer = pointer;
        this.node = node;
    }

    String pointer() {
        return pointer;
    }

    JsonNode node() {
        return node;
    }

    /** An error about this value, at its line:column. */
    ScenarioException error(String problem) {
        return doc.errorAtValue(pointer, problem);
    }

    /** An error about this member's key (the name of the key), at the key's line:column. */
    ScenarioException keyError(String problem) {
        return doc.errorAtKey(pointer, problem);
    }

    /** The name of the last pointer step: the key of an object member. */
    String key() {
        return pointer.substring(pointer.lastIndexOf('/') + 1).replace("~1", "/").replace("~0", "~");
    }

    boolean isString() {
        return node.isTextual();
    }

    boolean isObject() {
        return node.isObject();
    }

    boolean isArray() {
        return node.isArray();
    }

    boolean isNumber() {
        return node.isNumber();
    }

    /** Checks that this is an object whose keys are all in {@code allowed}; {@code what} names it in errors ("a link"). */
    SourceValue object(String what, Collection<String> allowed) {
        if (!node.isObject()) {
            throw error("expected " + what + " (a JSON object), found " + kind());
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw member(name).keyError("unknown key \"" + name + "\" in " + what + "; valid keys are " + String.join(", ", allowed));
            }
        }
        return this;
    }

    /** The member {@code key} of this object, or null when absent (a JSON null counts as absent). */
    SourceValue get(String key) {
        JsonNode child = node.get(key);
        return child == null || child.isNull() ? null : member(key);
    }

    boolean has(String key) {
        return get(key) != null;
    }

    /** The member {@code key}, which must be present; {@code hint} says what to write. */
    SourceValue require(String key, String hint) {
        SourceValue child = get(key);
        if (child == null) {
            throw error("missing \"" + key + "\"; " + hint);
        }
        return child;
    }

    private SourceValue member(String key) {
        return new SourceValue(doc, pointer + "/" + JsonDoc.escape(key), node.get(key));
    }

    /** The members of this object, in file order. */
    List<SourceValue> members() {
        List<SourceValue> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            out.add(member(it.next().getKey()));
        }
        return out;
    }

    /** The elements of this array; {@code what} describes one element in errors ("node names"). */
    List<SourceValue> elements(String what) {
        if (!node.isArray()) {
            throw error("expected a list of " + what + " ([...]), found " + kind());
        }
        List<SourceValue> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            out.add(new SourceValue(doc, pointer + "/" + i, node.get(i)));
        }
        return out;
    }

    /** This value as a string; {@code what} describes it ("a node name"). */
    String text(String what) {
        if (!node.isTextual()) {
            throw error("expected " + what + " (a string), found " + kind());
        }
        return node.textValue();
    }

    /** This value as a whole number within [min, max]. */
    long integer(String what, long min, long max) {
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw error("expected " + what + " (a whole number), found " + kind());
        }
        long value = node.longValue();
        if (value < min || value > max) {
            throw error(what + " " + value + " is out of range; use " + min + " to " + max);
        }
        return value;
    }

    /** This value as a number within [min, max]. */
    double number(String what, double min, double max) {
        if (!node.isNumber()) {
            throw error("expected " + what + " (a number), found " + kind());
        }
        double value = node.doubleValue();
        if (value < min || value > max) {
            throw error(what + " " + node.asText() + " is out of range; use " + min + " to " + max);
        }
        return value;
    }

    /** "a string", "a number"... for type errors. */
    String kind() {
        return switch (node.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "true/false";
            case OBJECT -> "an object";
            case ARRAY -> "a list";
            case NULL, MISSING -> "null";
            default -> node.getNodeType().toString().toLowerCase();
        };
    }
}

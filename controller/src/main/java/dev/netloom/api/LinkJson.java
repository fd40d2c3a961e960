package dev.netloom.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netloom.impairment.Field;
import dev.netloom.impairment.Impairment;

import java.util.Iterator;

import static dev.netloom.api.JsonLineCodec.MAPPER;

/**
 * Links and LANs as the API shows them, and the impairment object both ways: written as scenario
 * files write it, read from {@code link.set}'s params with the same keys and units.
 */
final class LinkJson {

    private LinkJson() {
    }

    static ObjectNode linkJson(LabOps.LinkInfo l) {
        ObjectNode o = MAPPER.createObjectNode().put("name", l.name()).put("kind", l.kind());
        ArrayNode members = o.putArray("members");
        for (LabOps.MemberInfo m : l.members()) {
            ObjectNode member = members.addObject().put("node", m.node()).put("interface", m.iface()).put("address", m.address());
            if (m.address6() != null) {
                member.put("address6", m.address6());
            }
        }
        o.put("up", l.up());
        if (!l.directionsUp().isEmpty()) {
            ObjectNode state = o.putObject("state");
            l.directionsUp().forEach((dir, up) -> state.put(dir, up ? "up" : "down"));
        }
        ObjectNode imps = o.putObject("impairments");
        l.impairments().forEach((dir, imp) -> imps.set(dir, impairmentJson(imp)));
        ObjectNode engines = o.putObject("engines");
        l.engines().forEach(engines::put);
        return o;
    }

    /** An impairment as scenario files write it: only the fields that are set, e.g. {"delay": "10ms", "loss": "1%"}. */
    static ObjectNode impairmentJson(Impairment imp) {
        ObjectNode o = MAPPER.createObjectNode();
        if (imp != null) {
            imp.fields().forEach(o::put);
        }
        return o;
    }

    /** The impairment object of link.set: the keys of a scenario file, values as strings with units ("10ms", "1%", "10mbit"). */
    static Impairment impairment(Params p, ObjectNode o) {
        if (o.isEmpty()) {
            throw p.invalid("param 'impairment' is empty; give some of " + String.join(", ", Field.KEYS)
                    + ", or 'clear': true to remove the impairment");
        }
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (Field.of(key) == null) {
                throw p.invalid("impairment has no field '" + key + "'; fields: " + String.join(", ", Field.KEYS));
            }
        }
        Impairment imp = Impairment.NONE;
        for (Field f : Field.values()) {
            Object value = quantity(p, o, f);
            if (value != null) {
                imp = f.with(imp, value);
            }
        }
        return imp;
    }

    /** As in scenario files, quantities are strings with units (a bare 0 needs none) and a count (limit) may be an integer. */
    private static Object quantity(Params p, ObjectNode o, Field f) {
        JsonNode v = o.get(f.key());
        if (v == null || v.isNull()) {
            return null;
        }
        String text;
        if (f.count() && v.isIntegralNumber()) {
            text = v.asText();
        } else if (v.isNumber() && v.doubleValue() == 0) {
            text = "0";
        } else if (v.isTextual()) {
            text = v.asText();
        } else {
            throw p.invalid("impairment." + f.key() + " should be " + f.example() + (f.count() ? "" : " (a string with a unit)") + ", not " + v);
        }
        try {
            return f.parse(text);
        } catch (IllegalArgumentException e) {
            throw p.invalid("impairment." + f.key() + ": " + e.getMessage());
        }
    }
}

package dev.netloom.scenario;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netloom.nodes.Json;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * A JSON document read into a tree that remembers where each value and each member name starts, by
 * JSON pointer, so that every error can say line:column. Comments are allowed; duplicate keys are not.
 */
final class JsonDoc {

    /** Deep enough for any scenario (it needs 5 levels); a hostile file of 10000 brackets stops here, not in a StackOverflowError. */
    static final int MAX_DEPTH = 32;
    /** Digits in one number: a seed needs 19; more is a mistake or an attack on number parsing. */
    static final int MAX_NUMBER_LENGTH = 100;
    private static final JsonFactory FACTORY = Json.handWritten()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    .maxNumberLength(MAX_NUMBER_LENGTH)
                    .maxStringLength(ScenarioLoader.MAX_FILE_BYTES)
                    .build())
            .build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final String source;
    private final Map<String, JsonLocation> values = new HashMap<>();
    private final Map<String, JsonLocation> keys = new HashMap<>();
    private JsonNode root;
    /** The parser while parsing, for the location of constraint errors (which carry none). */
    private JsonParser parser;
    /** The pointer of the value being read, for syntax errors. */
    private String reading = "";

    private JsonDoc(String source) {
        this.source = source;
    }

    /** Reads {@code json}; syntax errors and duplicate keys become {@link ScenarioException}s. */
    static JsonDoc parse(String json, String source) {
        JsonDoc doc = new JsonDoc(source);
        try (JsonParser p = FACTORY.createParser(json)) {
            doc.parser = p;
            if (p.nextToken() == null) {
                throw new ScenarioException(source, 1, 1, "", "the file is empty; a scenario is a JSON object such as {\"name\": \"lab\", \"nodes\": [...]}");
            }
            doc.root = doc.read(p, "");
            if (p.nextToken() != null) {
                throw doc.error(p.currentTokenLocation(), "", "unexpected content after the end of the scenario object; remove it");
            }
        } catch (StreamConstraintsException e) {
            // the parser reads a member's value together with its name: its context knows the field
            throw doc.error(doc.parserLocation(e), doc.parserPointer(), limitProblem(e));
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation() != null ? e.getLocation() : JsonLocation.NA;
            throw doc.error(at, doc.reading, "invalid JSON: " + cleanup(e.getOriginalMessage())
                    + "; fix the syntax here (quotes around keys and strings, commas between items, no trailing commas)");
        } catch (IOException e) {
            throw new ScenarioException(source, "cannot read: " + e.getMessage(), e);
        }
        return doc;
    }

    private JsonNode read(JsonParser p, String pointer) throws IOException {
        reading = pointer;
        values.put(pointer, p.currentTokenLocation());
        JsonToken token = p.currentToken();
        switch (token) {
            case START_OBJECT -> {
                ObjectNode object = NODES.objectNode();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    String child = pointer + "/" + escape(name);
                    if (object.has(name)) {
                        JsonLocation first = keys.get(child);
                        throw error(p.currentTokenLocation(), child, "duplicate key \"" + name + "\" (first at line "
                                + first.getLineNr() + ", column " + first.getColumnNr() + "); keep only one");
                    }
                    keys.put(child, p.currentTokenLocation());
                    p.nextToken();
                    object.set(name, read(p, child));
                    reading = pointer;
                }
                return object;
            }
            case START_ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                int index = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    array.add(read(p, pointer + "/" + index++));
                    reading = pointer;
                }
                return array;
            }
            case VALUE_STRING -> {
                return NODES.textNode(p.getText());
            }
            case VALUE_NUMBER_INT -> {
                return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                        ? NODES.numberNode(p.getBigIntegerValue()) : NODES.numberNode(p.getLongValue());
            }
            case VALUE_NUMBER_FLOAT -> {
                return NODES.numberNode(p.getDecimalValue());
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return NODES.booleanNode(token == JsonToken.VALUE_TRUE);
            }
            case VALUE_NULL -> {
                return NODES.nullNode();
            }
            default -> throw error(p.currentTokenLocation(), pointer, "unexpected " + token + "; fix the JSON syntax here");
        }
    }

    /** The whole document. */
    SourceValue root() {
        return new SourceValue(this, "", root);
    }

    String source() {
        return source;
    }

    /** An error at the value that {@code pointer} names (or, if there is none, the closest parent). */
    ScenarioException errorAtValue(String pointer, String problem) {
        return error(find(values, pointer), pointer, problem);
    }

    /** An error at the member name of {@code pointer} (for unknown and misplaced keys). */
    ScenarioException errorAtKey(String pointer, String problem) {
        JsonLocation at = keys.get(pointer);
        return at != null ? error(at, pointer, problem) : errorAtValue(pointer, problem);
    }

    private JsonLocation find(Map<String, JsonLocation> locations, String pointer) {
        String p = pointer;
        while (true) {
            JsonLocation at = locations.get(p);
            if (at != null || p.isEmpty()) {
                return at != null ? at : JsonLocation.NA;
            }
            p = p.substring(0, p.lastIndexOf('/'));
        }
    }

    private ScenarioException error(JsonLocation at, String pointer, String problem) {
        return new ScenarioException(source, Math.max(1, at.getLineNr()), Math.max(1, at.getColumnNr()), pointer, problem);
    }

    /** JSON pointer escaping (RFC 6901). */
    static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    private String parserPointer() {
        return parser != null ? parser.getParsingContext().pathAsPointer().toString() : reading;
    }

    private JsonLocation parserLocation(JsonProcessingException e) {
        if (e.getLocation() != null) {
            return e.getLocation();
        }
        return parser != null ? parser.currentLocation() : JsonLocation.NA;
    }

    /** Which of the reading limits was hit, in words; Jackson's own message names its configuration API. */
    private static String limitProblem(StreamConstraintsException e) {
        String m = String.valueOf(e.getOriginalMessage());
        if (m.contains("nesting depth")) {
            return "the JSON nests deeper than " + MAX_DEPTH + " levels of brackets (a scenario needs about 5); remove the extra [ and {";
        }
        if (m.contains("Number value length") || m.contains("number")) {
            return "a number longer than " + MAX_NUMBER_LENGTH + " characters; write a number netloom can use";
        }
        return "the JSON exceeds a reading limit (" + cleanup(m) + "); make the file smaller";
    }

    /** Jackson's messages carry source excerpts and newlines; keep the first line, without them. */
    private static String cleanup(String message) {
        String first = message == null ? "syntax error" : message.lines().findFirst().orElse("syntax error");
        return first.replaceAll("\\s*\\(start marker at \\[Source: [^]]*]\\)", "")
                .replaceAll("\\[Source: [^]]*; line: (\\d+), column: (\\d+)]", "line $1, column $2");
    }
}

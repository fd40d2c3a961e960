package dev.netloom.api;

import dev.netloom.impairment.Field;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

import static dev.netloom.api.JsonLineCodec.MAPPER;

/**
 * Makes request lines for fuzzing the API from one seeded {@link Random}: valid requests, requests
 * with one param of a wrong type, broken envelopes, truncated and byte-mutated JSON, random bytes,
 * unknown methods, batches, deep nesting, long lines, nulls and odd Unicode. Lines never contain a
 * newline; each is one request line once the caller adds it.
 */
final class RpcFuzzer {

    /**
     * What the fuzzed server serves. {@code methods} are the ones sent with valid params (the others
     * only with broken ones), so a real lab can leave out lab.down and node actions; the commands
     * must be harmless however one byte of them is mutated.
     */
    record Target(List<String> methods, List<String> nodes, List<String> links, List<String> commands, String token,
                  int maxLongLineBytes) {
    }

    /** One line and how it was made, for the report of a failure. */
    record Line(byte[] bytes, String kind) {
        String preview() {
            String s = new String(bytes, StandardCharsets.UTF_8);
            return kind + ": " + (s.length() > 300 ? s.substring(0, 300) + "... (" + bytes.length + " bytes)" : s);
        }
    }

    private static final List<String> ALL_METHODS = List.of("lab.status", "nodes.list", "node.exec", "node.execAll", "node.stop",
            "node.start", "node.restart", "links.list", "link.set", "link.state", "topology.get", "events.subscribe",
            "events.unsubscribe", "auth", "lab.down", "node.console");

    private final Random random;
    private final Target target;
    private long ids;

    RpcFuzzer(Random random, Target target) {
        this.random = random;
        this.target = target;
    }

    Line next() {
        int k = random.nextInt(100);
        if (k < 18) return line("valid", valid(pick(target.methods())));
        if (k < 38) return line("wrong-type", wrongType());
        if (k < 43) return unknownParam();
        if (k < 53) return line("envelope", envelope());
        if (k < 61) return truncated();
        if (k < 72) return mutated();
        if (k < 79) return randomBytes();
        if (k < 83) return line("unknown-method", valid("lab.status").put("method", unknownMethod()));
        if (k < 87) return batch();
        if (k < 91) return deep();
        if (k < 93) return longLine();
        if (k < 97) return nulls();
        return unicode();
    }

    // ---- valid requests ----

    ObjectNode valid(String method) {
        ObjectNode r = MAPPER.createObjectNode().put("jsonrpc", "2.0").put("id", id()).put("method", method);
        ObjectNode p = params(method);
        if (!p.isEmpty() || random.nextBoolean()) {
            r.set("params", p);
        }
        return r;
    }

    /** Valid params for a method: the fuzz's starting point. */
    private ObjectNode params(String method) {
        ObjectNode p = MAPPER.createObjectNode();
        switch (method) {
            case "node.exec" -> {
                p.put("node", pick(target.nodes())).put("command", pick(target.commands()));
                if (random.nextBoolean()) {
                    p.put("timeout", pick(List.of("5s", "500ms", "2s")));
                }
            }
            case "node.execAll" -> {
                p.put("command", pick(target.commands()));
                if (random.nextBoolean()) {
                    p.set("nodes", MAPPER.valueToTree(List.of(pick(target.nodes()))));
                }
            }
            case "node.stop", "node.start", "node.restart", "node.console" -> p.put("node", pick(target.nodes()));
            case "link.set" -> {
                p.put("link", target.links().isEmpty() ? "x-y" : pick(target.links()));
                if (random.nextBoolean()) {
                    p.put("clear", true);
                } else {
                    p.set("impairment", MAPPER.createObjectNode().put("delay", "10ms").put("loss", "1%"));
                }
            }
            case "link.state" -> p.put("link", target.links().isEmpty() ? "x-y" : pick(target.links())).put("up", random.nextBoolean());
            case "topology.get" -> p.put("format", pick(List.of("json", "dot")));
            case "events.subscribe" -> {
                if (random.nextBoolean()) {
                    p.set("types", MAPPER.valueToTree(List.of(pick(EventHub.KINDS))));
                }
            }
            case "auth" -> p.put("token", target.token() == null ? "nothing" : target.token());
            default -> { }
        }
        return p;
    }

    // ---- broken requests ----

    /** A request of any method with one param (given or not) set to a value of another type or out of range. */
    private ObjectNode wrongType() {
        String method = pick(ALL_METHODS);
        ObjectNode r = valid(method);
        ObjectNode p = params(method);
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = p.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        names.addAll(List.of("timeout", "nodes", "types", "direction", "impairment"));
        String name = pick(names);
        if (name.equals("impairment") && random.nextBoolean()) {
            p.set(name, MAPPER.createObjectNode().set(pick(Field.KEYS), wrongValue()));
        } else {
            p.set(name, wrongValue());
        }
        r.set("params", p);
        return r;
    }

    private JsonNode wrongValue() {
        return switch (random.nextInt(24)) {
            case 0 -> MAPPER.nullNode();
            case 1 -> MAPPER.getNodeFactory().booleanNode(random.nextBoolean());
            case 2 -> MAPPER.getNodeFactory().numberNode(0);
            case 3 -> MAPPER.getNodeFactory().numberNode(-1);
            case 4 -> MAPPER.getNodeFactory().numberNode(1.5);
            case 5 -> raw("1e400");
            case 6 -> raw("123456789012345678901234567890");
            case 7 -> raw("18446744073709551621"); // 2^64 + 5: wraps to 5 as a long
            case 8 -> MAPPER.getNodeFactory().numberNode(Long.MAX_VALUE);
            case 9 -> MAPPER.getNodeFactory().numberNode(Long.MIN_VALUE);
            case 10 -> TextNode.valueOf("");
            case 11 -> TextNode.valueOf("x");
            case 12 -> TextNode.valueOf("z".repeat(random.nextInt(5000)));
            case 13 -> MAPPER.createArrayNode();
            case 14 -> MAPPER.createArrayNode().add(1).add("a").addNull();
            case 15 -> MAPPER.createObjectNode();
            case 16 -> MAPPER.createObjectNode().set("a", MAPPER.createObjectNode());
            case 17 -> raw("[".repeat(50) + "]".repeat(50));
            case 18 -> TextNode.valueOf("\ud800");
            case 19 -> TextNode.valueOf("\uD83D\uDE00 \u0000 \u001b[2J");
            case 20 -> TextNode.valueOf(pick(List.of("24h", "0ms", "-5s", "1000000h", "10 ms", "1%", "abc", "1e3ms")));
            case 21 -> MAPPER.getNodeFactory().numberNode(random.nextInt());
            case 22 -> MAPPER.getNodeFactory().numberNode(86_400_001L);
            default -> TextNode.valueOf("n" + random.nextInt(5));
        };
    }

    private Line unknownParam() {
        String method = pick(ALL_METHODS);
        ObjectNode r = valid(method);
        r.set("params", params(method).put(pick(List.of("nodee", "Node", "timeOut", "x")), "n1"));
        return line("unknown-param", r);
    }

    private ObjectNode envelope() {
        ObjectNode r = valid(pick(target.methods()));
        switch (random.nextInt(12)) {
            case 0 -> r.remove("jsonrpc");
            case 1 -> r.put("jsonrpc", "1.0");
            case 2 -> r.put("jsonrpc", 2.0);
            case 3 -> r.remove("id");
            case 4 -> r.set("id", wrongValue());
            case 5 -> r.remove("method");
            case 6 -> r.set("method", wrongValue());
            case 7 -> r.set("params", wrongValue());
            case 8 -> r.set("id", raw(pick(List.of("1e400", "12345678901234567890.5", "-0", "0.1", "1E2", "123456789012345678901234567890"))));
            case 9 -> r.put("extra", "field");
            case 10 -> r.set("params", MAPPER.createArrayNode().add("n1"));
            default -> r.put("id", "id with \"quotes\" and \\ and \u00e9");
        }
        return r;
    }

    private Line truncated() {
        byte[] whole = bytes(valid(pick(ALL_METHODS)));
        byte[] cut = new byte[random.nextInt(whole.length)];
        System.arraycopy(whole, 0, cut, 0, cut.length);
        return new Line(noNewlines(cut), "truncated");
    }

    private Line mutated() {
        byte[] b = bytes(valid(pick(target.methods())));
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
            int at = random.nextInt(b.length);
            switch (random.nextInt(3)) {
                case 0 -> b[at] = (byte) random.nextInt(256);
                case 1 -> b = splice(b, at, new byte[]{(byte) random.nextInt(256)}, 0);
                default -> b = splice(b, at, new byte[0], 1);
            }
        }
        return new Line(noNewlines(b), "mutated");
    }

    private Line randomBytes() {
        byte[] b = new byte[random.nextInt(300)];
        random.nextBytes(b);
        return new Line(noNewlines(b), "random-bytes");
    }

    private String unknownMethod() {
        return pick(List.of("lab.statuss", "Lab.Status", "lab.status ", "", "node.reboot", "rpc.discover", "__proto__", "lab.down.now",
                "node.exec\u0000", "x".repeat(2000)));
    }

    private Line batch() {
        String s = switch (random.nextInt(4)) {
            case 0 -> "[]";
            case 1 -> "[" + valid("lab.status") + "," + valid("nodes.list") + "]";
            case 2 -> "[1,2,3]";
            default -> "[" + valid("node.exec") + "]";
        };
        return new Line(s.getBytes(StandardCharsets.UTF_8), "batch");
    }

    private Line deep() {
        int depth = pick(List.of(10, 500, 999, 1001, 5000, 100_000));
        String open = random.nextBoolean() ? "[" : "{\"a\":";
        String close = open.equals("[") ? "]" : "}";
        String nested = open.repeat(depth) + "1" + close.repeat(depth);
        String s = switch (random.nextInt(3)) {
            case 0 -> nested;
            case 1 -> "{\"jsonrpc\":\"2.0\",\"id\":" + id() + ",\"method\":\"lab.status\",\"params\":{\"x\":" + nested + "}}";
            default -> "{\"jsonrpc\":\"2.0\",\"id\":" + nested + ",\"method\":\"lab.status\"}";
        };
        return new Line(s.getBytes(StandardCharsets.UTF_8), "deep-" + depth);
    }

    private Line longLine() {
        int size = random.nextInt(target.maxLongLineBytes());
        ObjectNode r = valid("node.exec");
        ((ObjectNode) r.get("params")).put("command", "echo " + "L".repeat(size));
        return line("long-" + size, r);
    }

    private Line nulls() {
        String s = pick(List.of("null", "{}", "{\"jsonrpc\":null,\"id\":null,\"method\":null,\"params\":null}",
                "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"lab.status\"}", "{\"jsonrpc\":\"2.0\",\"id\":" + id()
                        + ",\"method\":\"node.exec\",\"params\":{\"node\":null,\"command\":null,\"timeout\":null}}",
                "{\"jsonrpc\":\"2.0\",\"id\":" + id() + ",\"method\":\"lab.status\",\"params\":null}", "\"\"", "true", "0", " "));
        return new Line(s.getBytes(StandardCharsets.UTF_8), "nulls");
    }

    private Line unicode() {
        String s = pick(List.of(
                "{\"jsonrpc\":\"2.0\",\"id\":\"\\ud800\",\"method\":\"lab.status\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":" + id() + ",\"method\":\"\\udc00x\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":" + id() + ",\"method\":\"node.exec\",\"params\":{\"node\":\"\\ud83d\",\"command\":\"echo\"}}",
                "{\"jsonrpc\":\"2.0\",\"id\":\"\u00e9\u4e2d\uD83D\uDE00\",\"method\":\"lab.status\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":" + id() + ",\"method\":\"lab.status\",\"params\":{\"\\u0000\":1}}"));
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (random.nextInt(4) == 0) {
            b = splice(b, b.length / 2, new byte[]{(byte) 0xC3, (byte) 0x28, (byte) 0xFF}, 0); // invalid UTF-8
        }
        return new Line(b, "unicode");
    }

    // ---- helpers ----

    private long id() {
        return ++ids;
    }

    private <T> T pick(List<T> from) {
        return from.get(random.nextInt(from.size()));
    }

    private static JsonNode raw(String json) {
        try {
            return ApiFuzz.ORACLE.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(json, e);
        }
    }

    private static Line line(String kind, JsonNode request) {
        return new Line(bytes(request), kind);
    }

    private static byte[] bytes(JsonNode n) {
        try {
            return ApiFuzz.ORACLE.writeValueAsBytes(n);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // a lone surrogate the generator put in on purpose: write it escaped, as a client would
            return n.toString().getBytes(StandardCharsets.UTF_8);
        }
    }

    private static byte[] splice(byte[] b, int at, byte[] insert, int remove) {
        int end = Math.min(b.length, at + remove);
        byte[] out = new byte[b.length - (end - at) + insert.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(b, end, out, at + insert.length, b.length - end);
        return out;
    }

    private static byte[] noNewlines(byte[] b) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '\n') {
                b[i] = ' ';
            }
        }
        return b;
    }
}

package dev.netloom.impairment;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * The fields of an {@link Impairment}: each one's key (the same in scenario files, the API and the
 * CLI), its grammar, how it is written, and how it is read from and put into the record. The one
 * place that knows the list; adding a field starts here.
 */
public enum Field {
    DELAY("delay", "a duration such as \"10ms\"", TcUnits::time, v -> TcUnits.time((Duration) v)),
    JITTER("jitter", "a duration such as \"2ms\"", TcUnits::time, v -> TcUnits.time((Duration) v)),
    LOSS("loss", "a percentage such as \"1%\"", TcUnits::percent, v -> TcUnits.percent((Double) v)),
    RATE("rate", "a rate such as \"10mbit\"", TcUnits::rateBps, v -> TcUnits.rate((Long) v)),
    DUPLICATE("duplicate", "a percentage such as \"1%\"", TcUnits::percent, v -> TcUnits.percent((Double) v)),
    CORRUPT("corrupt", "a percentage such as \"1%\"", TcUnits::percent, v -> TcUnits.percent((Double) v)),
    REORDER("reorder", "a percentage such as \"1%\"", TcUnits::percent, v -> TcUnits.percent((Double) v)),
    LIMIT("limit", "a number of packets such as 100", TcUnits::packets, v -> TcUnits.packets((Long) v));

    /** Every key, in order: "delay", "jitter", "loss", "rate", "duplicate", "corrupt", "reorder", "limit". */
    public static final List<String> KEYS = Arrays.stream(values()).map(Field::key).toList();

    private final String key;
    private final String example;
    private final Function<String, Object> parser;
    private final Function<Object, String> writer;

    Field(String key, String example, Function<String, Object> parser, Function<Object, String> writer) {
        this.key = key;
        this.example = example;
        this.parser = parser;
        this.writer = writer;
    }

    public String key() {
        return key;
    }

    /** What a value looks like, for error messages: "a duration such as \"10ms\"". */
    public String example() {
        return example;
    }

    /** The field of that key, or null. */
    public static Field of(String key) {
        for (Field f : values()) {
            if (f.key.equals(key)) {
                return f;
            }
        }
        return null;
    }

    /** Whether the value is a plain count (limit), which files and the API may also write as a JSON integer. */
    public boolean count() {
        return this == LIMIT;
    }

    /** Reads a value ("10ms"); {@link IllegalArgumentException} with "problem; fix" when it is not one. */
    public Object parse(String text) {
        return parser.apply(text);
    }

    /** Writes a value as a scenario file, the API and tc all take it ("10ms", "1%", "10mbit"). */
    public String format(Object value) {
        return writer.apply(value);
    }

    /** This field of {@code imp}, or null when unset. */
    public Object get(Impairment imp) {
        return switch (this) {
            case DELAY -> imp.delay();
            case JITTER -> imp.jitter();
            case LOSS -> imp.lossPercent();
            case RATE -> imp.rateBps();
            case DUPLICATE -> imp.duplicatePercent();
            case CORRUPT -> imp.corruptPercent();
            case REORDER -> imp.reorderPercent();
            case LIMIT -> imp.limitPackets();
        };
    }

    /** {@code imp} with this field set to {@code value} (a value {@link #parse} gives). */
    public Impairment with(Impairment imp, Object value) {
        return new Impairment(
                this == DELAY ? (Duration) value : imp.delay(),
                this == JITTER ? (Duration) value : imp.jitter(),
                this == LOSS ? (Double) value : imp.lossPercent(),
                this == RATE ? (Long) value : imp.rateBps(),
                this == DUPLICATE ? (Double) value : imp.duplicatePercent(),
                this == CORRUPT ? (Double) value : imp.corruptPercent(),
                this == REORDER ? (Double) value : imp.reorderPercent(),
                this == LIMIT ? (Long) value : imp.limitPackets());
    }
}

package dev.netloom.nodes.console;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Where an expectation matched the console stream. Text is byte-per-char (ISO-8859-1), so
 * {@code text.length() == end - start}; non-ASCII output appears as its raw bytes.
 *
 * @param groups group 0 is the whole match, then the pattern's groups (null where a group did not take part)
 * @param start  absolute stream offset of the first matched byte
 * @param end    absolute stream offset just past the last matched byte
 */
public record ConsoleMatch(String text, List<String> groups, long start, long end) {

    public ConsoleMatch {
        groups = Collections.unmodifiableList(new ArrayList<>(groups)); // groups may be null: no List.copyOf
    }

    /** The text of group {@code i} (0: the whole match), or null when that group did not take part. */
    public String group(int i) {
        return groups.get(i);
    }
}

package dev.netloom.scenario;

import dev.netloom.nodes.Escape;
import dev.netloom.nodes.image.ImageStore;
import java.util.regex.Pattern;

/**
 * The loader's name checks: the patterns of {@link Names}, a hint for characters that only look like
 * the allowed ones (Cyrillic letters, fullwidth digits, zero-width and bidi characters), and the lab
 * and node names netloom keeps for itself.
 */
final class NameRules {

    static final String LAB_RULE = "1-12 characters: lowercase letters, digits and '-', starting with a letter";
    static final String NODE_RULE = "1-15 characters: lowercase letters, digits and '-', starting with a letter";
    static final String LINK_RULE = "1-32 characters: lowercase letters, digits, '_', '.' and '-', starting with a letter or digit";
    static final String IMAGE_RULE = "1-32 characters: lowercase letters, digits, '_' and '-', starting with a letter";

    private NameRules() {
    }

    /** The string at {@code at}, which must match {@code pattern}; {@code what} is "lab", "node"... */
    static String check(SourceValue at, Pattern pattern, String what, String rule) {
        String name = at.text("a " + what + " name");
        if (!pattern.matcher(name).matches()) {
            throw at.error("invalid " + what + " name \"" + name + "\"" + lookAlike(name) + "; use " + rule);
        }
        return name;
    }

    /** A lab name: the pattern, and none of the prefixes of doctor's and the benchmarks' namespaces. */
    static String lab(SourceValue at) {
        String name = check(at, Names.LAB, "lab", LAB_RULE);
        Names.reservedPrefixOf(name).ifPresent(prefix -> {
            throw at.error("lab name \"" + name + "\" starts with \"" + prefix + "\": namespaces " + Names.NAMESPACE_PREFIX + prefix
                    + "... belong to netloom itself (lab names may not start with " + String.join(" or ", Names.RESERVED_LAB_PREFIXES)
                    + "); pick another name, e.g. \"lab1\"");
        });
        return name;
    }

    /** A node name: the pattern, and not one of the names /etc/hosts already has. */
    static String node(SourceValue at) {
        String name = check(at, Names.NODE, "node", NODE_RULE);
        checkNotReserved(name, at);
        return name;
    }

    /** A generated node name (prefix + number) must not be reserved either; the error points at the generator. */
    static void checkNotReserved(String node, SourceValue at) {
        if (Names.isReservedNodeName(node)) {
            throw at.error("node name \"" + node + "\" is reserved: every node's /etc/hosts already uses "
                    + String.join(", ", Names.RESERVED_NODE_NAMES) + "; pick another name");
        }
    }

    static String link(SourceValue at, String what) {
        return check(at, Names.LINK, what, LINK_RULE);
    }

    static String image(SourceValue at) {
        return check(at, ImageStore.NAME, "image", IMAGE_RULE);
    }

    /**
     * " (character U+0430 CYRILLIC SMALL LETTER A at position 2 is not an ASCII letter)" for the first
     * non-ASCII or invisible character, so that a name that looks right says why it is not.
     */
    static String lookAlike(String name) {
        for (int i = 0; i < name.length(); ) {
            int c = name.codePointAt(i);
            if (c >= 0x80 || Escape.needsEscape((char) c)) {
                String unicodeName = Character.getName(c);
                return " (character U+" + String.format("%04X", c) + (unicodeName == null ? "" : " " + unicodeName)
                        + " at position " + (name.codePointCount(0, i) + 1) + " is not a lowercase ASCII letter, digit or '-')";
            }
            i += Character.charCount(c);
        }
        return "";
    }
}

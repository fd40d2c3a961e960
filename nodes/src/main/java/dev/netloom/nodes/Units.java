package dev.netloom.nodes;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one grammar of sizes and durations, wherever they are written: scenario files, recipes, image
 * manifests' builders, command-line options and API parameters. Parsers throw
 * {@link IllegalArgumentException} whose message is "problem; fix"; callers add where the value came
 * from (the field, the option) and any range of their own.
 *
 * <p><b>Sizes</b>: {@code NUMBER [spaces] [UNIT]}, case-insensitive, whitespace around ignored.
 * <ul>
 *   <li>{@code NUMBER}: digits, optionally with a fraction: {@code 512}, {@code 1.5}.</li>
 *   <li>{@code UNIT}: {@code K}, {@code M}, {@code G} or {@code T}, optionally followed by {@code B}
 *       or {@code iB}; all binary ({@code K} = 1024, and {@code MB} = {@code MiB}, as QEMU reads them);
 *       or {@code B} alone for bytes.</li>
 *   <li>The value must come out as a whole number of the quantity's base unit.</li>
 * </ul>
 * Two quantities use it: {@link #bytes} (disk and file-system sizes: base unit the byte, so a bare
 * number is bytes; every unit) and {@link #mebibytes} (guest memory: base unit the MiB, so a bare
 * number is MiB; units {@code M} and {@code G} only, as memory is never written in K, T or bytes).
 * Examples: {@code "512M"}, {@code "512 MiB"}, {@code "1G"}, {@code "1.5GiB"}, {@code "64k"},
 * {@code "2T"}; as memory also {@code "256"} (MiB).
 *
 * <p><b>Durations</b>: {@code NUMBER UNIT} with no space between, unit {@code us}, {@code ms},
 * {@code s}, {@code m} or {@code h} (lower case), rounded to the nanosecond; or {@code 0} alone.
 * Examples: {@code "250us"}, {@code "10ms"}, {@code "1.5s"}, {@code "2m"}, {@code "1h"}.
 */
public final class Units {

    private static final String NUMBER = "(\\d+(?:\\.\\d+)?)";
    private static final Pattern SIZE = Pattern.compile(NUMBER + "\\s*(?:([kmgt])(?:b|ib)?|(b))?");
    /** Unit letters by power of 1024; "b" is the byte. */
    private static final String POWERS = "bkmgt";
    private static final Pattern DURATION = Pattern.compile(NUMBER + "(us|ms|s|m|h)");
    private static final Pattern ZERO = Pattern.compile("0+(?:\\.0+)?");
    private static final Map<String, Long> DURATION_NANOS = Map.of(
            "us", 1_000L, "ms", 1_000_000L, "s", 1_000_000_000L, "m", 60_000_000_000L, "h", 3_600_000_000_000L);
    private static final BigDecimal MIB = BigDecimal.valueOf(1L << 20);
    private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

    private Units() {
    }

    /** A size in bytes: {@code "512M"}, {@code "2GiB"}, {@code "64k"}, {@code "1.5G"}, or a bare number of bytes. */
    public static long bytes(String text) {
        BigDecimal bytes = parse(text, BigDecimal.ONE, POWERS);
        if (bytes == null) {
            throw new IllegalArgumentException("bad size \"" + text + "\"; write a number and a binary unit (K, M, G, T), e.g. \"512M\", \"2G\"");
        }
        if (bytes.stripTrailingZeros().scale() > 0) {
            throw new IllegalArgumentException("size \"" + text + "\" is not a whole number of bytes; round it, e.g. \""
                    + bytes.setScale(0, RoundingMode.HALF_UP) + "\"");
        }
        if (bytes.compareTo(LONG_MAX) > 0) {
            throw new IllegalArgumentException("size \"" + text + "\" is too large; write at most a few T");
        }
        return bytes.longValueExact();
    }

    /** A memory size in MiB: {@code "96M"}, {@code "96MB"}, {@code "512MiB"}, {@code "1G"}, {@code "1.5GiB"}, or a bare number of MiB. */
    public static long mebibytes(String text) {
        BigDecimal bytes = parse(text, MIB, "mg");
        if (bytes == null) {
            throw new IllegalArgumentException("bad memory size \"" + text + "\"; write MiB or GiB, e.g. \"96M\", \"512MiB\", \"1G\"");
        }
        BigDecimal mib = bytes.divide(MIB);
        if (mib.stripTrailingZeros().scale() > 0) {
            throw new IllegalArgumentException("memory size \"" + text + "\" is not a whole number of MiB; round it, e.g. \""
                    + mib.setScale(0, RoundingMode.HALF_UP) + "M\"");
        }
        if (mib.compareTo(LONG_MAX) > 0) {
            throw new IllegalArgumentException("memory size \"" + text + "\" is too large; write at most a few G");
        }
        return mib.longValueExact();
    }

    /** A duration: {@code "10ms"}, {@code "1.5s"}, {@code "2m"}, {@code "250us"}, {@code "1h"}, or {@code "0"}. */
    public static Duration duration(String text) {
        String t = text.trim();
        if (ZERO.matcher(t).matches()) {
            return Duration.ZERO;
        }
        Matcher m = DURATION.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("bad duration \"" + text
                    + "\"; write a number and a unit (us, ms, s, m, h), e.g. \"10ms\", \"1.5s\", \"250us\"");
        }
        BigDecimal nanos = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(DURATION_NANOS.get(m.group(2))));
        if (nanos.compareTo(LONG_MAX) > 0) {
            throw new IllegalArgumentException("duration \"" + text + "\" is too long; use at most a few hours");
        }
        return Duration.ofNanos(nanos.setScale(0, RoundingMode.HALF_UP).longValueExact());
    }

    /**
     * The exact number of bytes {@code text} says, a bare number counting {@code bare} bytes; null when
     * it is not a size or its unit is not one of {@code units} (letters of {@link #POWERS}).
     */
    private static BigDecimal parse(String text, BigDecimal bare, String units) {
        if (text == null) {
            return null;
        }
        Matcher m = SIZE.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return null;
        }
        BigDecimal number = new BigDecimal(m.group(1));
        String unit = m.group(2) != null ? m.group(2) : m.group(3);
        if (unit == null) {
            return number.multiply(bare);
        }
        if (!units.contains(unit)) {
            return null;
        }
        return number.multiply(BigDecimal.valueOf(1L << (10 * POWERS.indexOf(unit))));
    }
}

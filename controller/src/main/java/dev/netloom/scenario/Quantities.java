package dev.netloom.scenario;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the quantities of a scenario file: durations and memory sizes (the units of impairments
 * are {@link dev.netloom.impairment.TcUnits}). Parsers throw {@link IllegalArgumentException} whose
 * message is "problem; fix", ready to be prefixed with a location by the loader.
 */
public final class Quantities {

    private static final String NUMBER = "(\\d+(?:\\.\\d+)?)";
    private static final Pattern DURATION = Pattern.compile(NUMBER + "(us|ms|s|m|h)");
    private static final Pattern MEMORY = Pattern.compile(NUMBER + "(m|mb|mib|g|gb|gib)?");
    private static final Pattern ZERO = Pattern.compile("0+(?:\\.0+)?");

    private static final Map<String, Long> DURATION_NANOS = Map.of(
            "us", 1_000L, "ms", 1_000_000L, "s", 1_000_000_000L, "m", 60_000_000_000L, "h", 3_600_000_000_000L);

    /** Smallest and largest memory a node may ask for, in MiB. */
    public static final int MIN_MEMORY_MIB = 16;
    public static final int MAX_MEMORY_MIB = 1024 * 1024;

    private Quantities() {
    }

    /** "10ms", "1.5s", "2m", "250us", "1h", or "0". */
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
        if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException("duration \"" + text + "\" is too long; use at most a few hours");
        }
        return Duration.ofNanos(nanos.setScale(0, RoundingMode.HALF_UP).longValueExact());
    }

    /** Memory in MiB: "96M", "96MB", "96MiB", "1G", "1.5GiB" (all binary units), or a bare number of MiB. */
    public static int memoryMiB(String text) {
        Matcher m = MEMORY.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("bad memory size \"" + text + "\"; write MiB or GiB, e.g. \"96M\", \"512MiB\", \"1G\"");
        }
        String unit = m.group(2) == null ? "m" : m.group(2);
        BigDecimal mib = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit.startsWith("g") ? 1024 : 1));
        if (mib.stripTrailingZeros().scale() > 0) {
            throw new IllegalArgumentException("memory size \"" + text + "\" is not a whole number of MiB; round it, e.g. \""
                    + mib.setScale(0, RoundingMode.HALF_UP) + "M\"");
        }
        if (mib.compareTo(BigDecimal.valueOf(MIN_MEMORY_MIB)) < 0 || mib.compareTo(BigDecimal.valueOf(MAX_MEMORY_MIB)) > 0) {
            throw new IllegalArgumentException("memory size \"" + text + "\" is out of range; use " + MIN_MEMORY_MIB + "M to "
                    + (MAX_MEMORY_MIB / 1024) + "G");
        }
        return mib.intValueExact();
    }
}

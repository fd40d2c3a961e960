package dev.netloom.scenario;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and formats the quantities of a scenario file: durations, percentages, rates and memory
 * sizes. Parsers throw {@link IllegalArgumentException} whose message is "problem; fix", ready to be
 * prefixed with a location by the loader.
 */
public final class Quantities {

    private static final String NUMBER = "(\\d+(?:\\.\\d+)?)";
    private static final Pattern DURATION = Pattern.compile(NUMBER + "(us|ms|s|m|h)");
    private static final Pattern PERCENT = Pattern.compile(NUMBER + "%");
    private static final Pattern RATE = Pattern.compile(NUMBER + "(bit|kbit|mbit|gbit|tbit|bps|kbps|mbps|gbps|tbps)");
    private static final Pattern MEMORY = Pattern.compile(NUMBER + "(m|mb|mib|g|gb|gib)?");
    private static final Pattern ZERO = Pattern.compile("0+(?:\\.0+)?");

    private static final Map<String, Long> DURATION_NANOS = Map.of(
            "us", 1_000L, "ms", 1_000_000L, "s", 1_000_000_000L, "m", 60_000_000_000L, "h", 3_600_000_000_000L);
    /** tc units: "bit" suffixes are bits per second, "bps" suffixes bytes per second; k/m/g/t are powers of 1000. */
    private static final Map<String, Long> RATE_BITS = Map.of(
            "bit", 1L, "kbit", 1_000L, "mbit", 1_000_000L, "gbit", 1_000_000_000L, "tbit", 1_000_000_000_000L,
            "bps", 8L, "kbps", 8_000L, "mbps", 8_000_000L, "gbps", 8_000_000_000L, "tbps", 8_000_000_000_000L);

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

    /** "1%", "0.5%", "100%", or "0"; 0..100. */
    public static double percent(String text) {
        String t = text.trim();
        if (ZERO.matcher(t).matches()) {
            return 0;
        }
        Matcher m = PERCENT.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("bad percentage \"" + text + "\"; write a number from 0 to 100 and %, e.g. \"1%\", \"0.5%\"");
        }
        double value = Double.parseDouble(m.group(1));
        if (value > 100) {
            throw new IllegalArgumentException("percentage \"" + text + "\" is above 100%; use 0% to 100%");
        }
        return value;
    }

    /**
     * A rate in bits per second, in tc units: "100bit", "512kbit", "10mbit", "1gbit" (bits per second) or
     * "kbps", "mbps"... (bytes per second, so "1mbps" is 8000000 bits per second). Case-insensitive.
     */
    public static long rateBps(String text) {
        Matcher m = RATE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("bad rate \"" + text
                    + "\"; write a number and a tc unit (bit, kbit, mbit, gbit; or bps, kbps, mbps, gbps for bytes/s), e.g. \"10mbit\"");
        }
        BigDecimal bits = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(RATE_BITS.get(m.group(2))))
                .setScale(0, RoundingMode.HALF_UP);
        if (bits.signum() == 0) {
            throw new IllegalArgumentException("rate \"" + text + "\" is zero; use at least \"8bit\", or leave rate out for no limit");
        }
        if (bits.compareTo(BigDecimal.valueOf(Long.MAX_VALUE / 2)) > 0) {
            throw new IllegalArgumentException("rate \"" + text + "\" is too large; use at most \"100gbit\"-ish values");
        }
        return bits.longValueExact();
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

    /** A duration as tc writes it: "10ms", "250us", "1.5s". */
    public static String tcDuration(Duration d) {
        long micros = d.toNanos() / 1_000;
        if (micros % 1_000 != 0 || micros == 0) {
            return micros + "us";
        }
        long millis = micros / 1_000;
        return millis % 1_000 == 0 ? millis / 1_000 + "s" : millis + "ms";
    }

    /** A rate as tc writes it, in bits per second: "10mbit", "512kbit", "100bit". */
    public static String tcRate(long bitsPerSecond) {
        String[] units = {"bit", "kbit", "mbit", "gbit"};
        long value = bitsPerSecond;
        int unit = 0;
        while (unit < units.length - 1 && value % 1_000 == 0 && value != 0) {
            value /= 1_000;
            unit++;
        }
        return value + units[unit];
    }

    /** A percentage as tc writes it: "1%", "0.5%". */
    public static String tcPercent(double percent) {
        return BigDecimal.valueOf(percent).stripTrailingZeros().toPlainString() + "%";
    }
}

package dev.netloom.scenario;

import dev.netloom.nodes.Units;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The scenario's own quantities: percentages and rates (tc's vocabulary), the range of a node's
 * memory, and tc's spelling of each. Sizes and durations follow the one grammar of {@link Units}.
 * Parsers throw {@link IllegalArgumentException} whose message is "problem; fix", ready to be
 * prefixed with a location by the loader.
 */
public final class Quantities {

    private static final String NUMBER = "(\\d+(?:\\.\\d+)?)";
    private static final Pattern PERCENT = Pattern.compile(NUMBER + "%");
    private static final Pattern RATE = Pattern.compile(NUMBER + "(bit|kbit|mbit|gbit|tbit|bps|kbps|mbps|gbps|tbps)");
    private static final Pattern ZERO = Pattern.compile("0+(?:\\.0+)?");

    /** tc units: "bit" suffixes are bits per second, "bps" suffixes bytes per second; k/m/g/t are powers of 1000. */
    private static final Map<String, Long> RATE_BITS = Map.of(
            "bit", 1L, "kbit", 1_000L, "mbit", 1_000_000L, "gbit", 1_000_000_000L, "tbit", 1_000_000_000_000L,
            "bps", 8L, "kbps", 8_000L, "mbps", 8_000_000L, "gbps", 8_000_000_000L, "tbps", 8_000_000_000_000L);

    /** Smallest and largest memory a node may ask for, in MiB. */
    public static final int MIN_MEMORY_MIB = 16;
    public static final int MAX_MEMORY_MIB = 1024 * 1024;

    private Quantities() {
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

    /** A node's memory in MiB, in the grammar of {@link Units#mebibytes}: "96M", "1.5GiB", 256; 16M to 1024G. */
    public static int memoryMiB(String text) {
        long mib = Units.mebibytes(text);
        if (mib < MIN_MEMORY_MIB || mib > MAX_MEMORY_MIB) {
            throw new IllegalArgumentException("memory size \"" + text + "\" is out of range; use " + MIN_MEMORY_MIB + "M to "
                    + (MAX_MEMORY_MIB / 1024) + "G");
        }
        return (int) mib;
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

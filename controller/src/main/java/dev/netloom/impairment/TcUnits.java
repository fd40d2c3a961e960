package dev.netloom.impairment;

import dev.netloom.nodes.Units;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The units of impairment values, read and written as tc writes them, so that one string is what a
 * scenario file holds, what the API returns and what tc is given: times ("10ms", "250us"),
 * percentages ("1%", "0.5%") and rates ("10mbit", "1mbps"). Parsers throw
 * {@link IllegalArgumentException} whose message is "problem; fix".
 */
public final class TcUnits {

    private static final String NUMBER = "(\\d+(?:\\.\\d+)?)";
    private static final Pattern PERCENT = Pattern.compile(NUMBER + "%");
    private static final Pattern RATE = Pattern.compile(NUMBER + "(bit|kbit|mbit|gbit|tbit|bps|kbps|mbps|gbps|tbps)");
    private static final Pattern ZERO = Pattern.compile("0+(?:\\.0+)?");
    /** "bit" suffixes are bits per second, "bps" suffixes bytes per second; k/m/g/t are powers of 1000. */
    private static final Map<String, Long> RATE_BITS = Map.of(
            "bit", 1L, "kbit", 1_000L, "mbit", 1_000_000L, "gbit", 1_000_000_000L, "tbit", 1_000_000_000_000L,
            "bps", 8L, "kbps", 8_000L, "mbps", 8_000_000L, "gbps", 8_000_000_000L, "tbps", 8_000_000_000_000L);

    private TcUnits() {
    }

    /** A time, in the one grammar of durations ({@link Units#duration}: "10ms", "1.5s", "250us", "0"). */
    public static Duration time(String text) {
        return Units.duration(text);
    }

    /** The most packets a queue limit takes: netem's is a 32-bit count, but more than this only wastes guest memory. */
    public static final long MAX_PACKETS = 1_000_000;

    /** A number of packets, "1" to "1000000" (a queue limit). */
    public static long packets(String text) {
        String t = text.trim();
        if (!t.matches("[0-9]{1,9}")) {
            throw new IllegalArgumentException("bad packet count \"" + text + "\"; write a whole number of packets from 1 to "
                    + MAX_PACKETS + ", e.g. 100");
        }
        long value = Long.parseLong(t);
        if (value < 1 || value > MAX_PACKETS) {
            throw new IllegalArgumentException("packet count " + value + " is outside 1.." + MAX_PACKETS
                    + (value < 1 ? "; a queue of 0 packets drops everything (write \"loss\": \"100%\" for that)" : "; use at most " + MAX_PACKETS));
        }
        return value;
    }

    /** A number of packets as tc writes it: "100"; 1..{@link #MAX_PACKETS}. */
    public static String packets(long packets) {
        if (packets < 1 || packets > MAX_PACKETS) {
            throw new IllegalArgumentException("impairment packet count " + packets + " is not within 1.." + MAX_PACKETS);
        }
        return Long.toString(packets);
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

    /** A time as tc writes it, exact to the microsecond: "10ms", "250us", "1250us", "2s". */
    public static String time(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("impairment time " + d + " is negative");
        }
        long micros = BigDecimal.valueOf(d.toNanos()).movePointLeft(3).setScale(0, RoundingMode.HALF_UP).longValueExact();
        if (micros % 1_000 != 0 || micros == 0) {
            return micros + "us";
        }
        long millis = micros / 1_000;
        return millis % 1_000 == 0 ? millis / 1_000 + "s" : millis + "ms";
    }

    /** A rate as tc writes it, in bits per second: "10mbit", "512kbit", "100bit". */
    public static String rate(long bitsPerSecond) {
        if (bitsPerSecond <= 0) {
            throw new IllegalArgumentException("impairment rate " + bitsPerSecond + " bit/s must be positive");
        }
        String[] units = {"bit", "kbit", "mbit", "gbit"};
        long value = bitsPerSecond;
        int unit = 0;
        while (unit < units.length - 1 && value % 1_000 == 0) {
            value /= 1_000;
            unit++;
        }
        return value + units[unit];
    }

    /** A percentage as tc writes it: "1%", "0.5%"; 0..100. */
    public static String percent(double percent) {
        if (!(percent >= 0 && percent <= 100)) {
            throw new IllegalArgumentException("impairment percentage " + percent + "% is not within 0..100");
        }
        return BigDecimal.valueOf(percent).stripTrailingZeros().toPlainString() + "%";
    }
}

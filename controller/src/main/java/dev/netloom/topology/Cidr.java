package dev.netloom.topology;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An IPv4 address with a prefix length, such as 10.0.0.1/30. Parsing is strict (dotted quad, no
 * leading zeros, prefix 0..32) because these strings end up on guest and host command lines.
 *
 * @param address the 32-bit address
 * @param prefix  prefix length, 0..32
 */
public record Cidr(int address, int prefix) {

    private static final Pattern CIDR = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})/(\\d{1,2})");
    private static final Pattern IP = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

    public Cidr {
        if (prefix < 0 || prefix > 32) {
            throw new IllegalArgumentException("prefix length " + prefix + " is not in 0..32");
        }
    }

    /** Parses "a.b.c.d/n"; throws IllegalArgumentException on anything else. */
    public static Cidr parse(String text) {
        Matcher m = text == null ? null : CIDR.matcher(text);
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 CIDR like 10.0.0.1/24");
        }
        int prefix = Integer.parseInt(m.group(5));
        if (m.group(5).length() > 1 && m.group(5).startsWith("0") || prefix > 32) {
            throw new IllegalArgumentException("'" + text + "' has an invalid prefix length");
        }
        return new Cidr(quad(m, text), prefix);
    }

    /** Parses a plain dotted-quad address "a.b.c.d"; throws IllegalArgumentException on anything else. */
    public static int parseAddress(String text) {
        Matcher m = text == null ? null : IP.matcher(text);
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 address");
        }
        return quad(m, text);
    }

    public static boolean isAddress(String text) {
        try {
            parseAddress(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static int quad(Matcher m, String text) {
        int value = 0;
        for (int i = 1; i <= 4; i++) {
            String octet = m.group(i);
            int n = Integer.parseInt(octet);
            if (n > 255 || octet.length() > 1 && octet.startsWith("0")) {
                throw new IllegalArgumentException("'" + text + "' has an invalid octet '" + octet + "'");
            }
            value = value << 8 | n;
        }
        return value;
    }

    public int mask() {
        return prefix == 0 ? 0 : -1 << (32 - prefix);
    }

    /** The subnet this address is in, e.g. 10.0.0.0/30 for 10.0.0.1/30. */
    public Cidr network() {
        return new Cidr(address & mask(), prefix);
    }

    public boolean contains(int other) {
        return (other & mask()) == (address & mask());
    }

    /** True when the two subnets share any address. */
    public boolean overlaps(Cidr other) {
        int shorter = Math.min(prefix, other.prefix);
        int m = shorter == 0 ? 0 : -1 << (32 - shorter);
        return (address & m) == (other.address & m);
    }

    /** The address without the prefix, e.g. "10.0.0.1". */
    public String ip() {
        return formatAddress(address);
    }

    public static String formatAddress(int a) {
        return (a >>> 24) + "." + (a >>> 16 & 0xff) + "." + (a >>> 8 & 0xff) + "." + (a & 0xff);
    }

    @Override
    public String toString() {
        return ip() + "/" + prefix;
    }
}

package dev.netloom.scenario;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An IPv4 address with a prefix length, such as 10.9.0.1/24 (an interface address) or 10.0.0.0/16 (a
 * network). Addresses are held as unsigned 32-bit values in a long.
 */
public record Cidr(long address, int prefix) {

    private static final Pattern FORM = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})/(\\d{1,2})");
    private static final Pattern ADDRESS = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

    public Cidr {
        if (address < 0 || address > 0xFFFF_FFFFL || prefix < 0 || prefix > 32) {
            throw new IllegalArgumentException("not an IPv4 CIDR: " + address + "/" + prefix);
        }
    }

    /** Parses "A.B.C.D/N"; the message of the exception is "problem; fix". */
    public static Cidr parse(String text) {
        Matcher m = FORM.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("\"" + text + "\" is not an IPv4 address with a prefix length; write it like \"10.9.0.1/24\"");
        }
        long address = quad(m, text);
        int prefix = Integer.parseInt(m.group(5));
        if (prefix > 32) {
            throw new IllegalArgumentException("\"" + text + "\" has a prefix length above 32; use /1 to /32");
        }
        return new Cidr(address, prefix);
    }

    /**
     * Parses a plain dotted-quad address "A.B.C.D". Strict (no leading zeros, octets up to 255), since
     * these strings end up on guest and host command lines.
     */
    public static long parseAddress(String text) {
        Matcher m = text == null ? null : ADDRESS.matcher(text.trim());
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("\"" + text + "\" is not an IPv4 address; write it like \"10.9.0.1\"");
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

    private static long quad(Matcher m, String text) {
        long address = 0;
        for (int i = 1; i <= 4; i++) {
            String digits = m.group(i);
            int octet = Integer.parseInt(digits);
            if (octet > 255 || digits.length() > 1 && digits.startsWith("0")) {
                throw new IllegalArgumentException("\"" + text + "\" has an invalid octet \"" + digits
                        + "\" (0 to 255, no leading zeros); write it like \"10.9.0.1\"");
            }
            address = (address << 8) | octet;
        }
        return address;
    }

    public long size() {
        return 1L << (32 - prefix);
    }

    private long mask() {
        return prefix == 0 ? 0 : (0xFFFF_FFFFL << (32 - prefix)) & 0xFFFF_FFFFL;
    }

    /** The first address of the subnet. */
    public long network() {
        return address & mask();
    }

    /** The last address of the subnet. */
    public long broadcast() {
        return network() + size() - 1;
    }

    /** This subnet as a network: host bits cleared. */
    public Cidr subnet() {
        return new Cidr(network(), prefix);
    }

    public boolean contains(long ip) {
        return ip >= network() && ip <= broadcast();
    }

    public boolean overlaps(Cidr other) {
        return network() <= other.broadcast() && other.network() <= broadcast();
    }

    /** The address with a host part, same prefix: "10.9.0.1/24" for host 1 of 10.9.0.0/24. */
    public Cidr host(long index) {
        return new Cidr(network() + index, prefix);
    }

    /** Whether the address is the network or broadcast address of its subnet, which hosts cannot use below /31. */
    public boolean isNetworkOrBroadcast() {
        return prefix < 31 && (address == network() || address == broadcast());
    }

    public static String ip(long address) {
        return ((address >> 24) & 255) + "." + ((address >> 16) & 255) + "." + ((address >> 8) & 255) + "." + (address & 255);
    }

    /** The address without the prefix: "10.9.0.1". */
    public String ip() {
        return ip(address);
    }

    @Override
    public String toString() {
        return ip(address) + "/" + prefix;
    }
}

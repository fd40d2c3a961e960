package dev.netloom.scenario;

import inet.ipaddr.AddressValueException;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;

import java.math.BigInteger;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 address with a prefix length, such as 10.9.0.1/24 or fd00:1::1/64 (an interface
 * address), or 10.0.0.0/16 (a network). The text is checked strictly here, since it ends up on guest
 * and host command lines and the library reads more than netloom wants ("010.1.1.1" as octal, "1.2.3"
 * as 1.2.0.3, zones, embedded IPv4); the arithmetic (blocks, containment, overlaps, increments) is the
 * IPAddress library's.
 *
 * @param address a single address, without a prefix length of its own
 * @param prefix  0 to 32 (IPv4) or 0 to 128 (IPv6)
 */
public record Cidr(IPAddress address, int prefix) {

    /** An address family, with the way netloom writes examples of it. */
    public enum Family {
        IPV4("IPv4", 32, "10.9.0.1/24", "10.9.0.1", "/32"),
        IPV6("IPv6", 128, "fd00:1::1/64", "fd00:1::1", "/128");

        private final String label;
        private final int bits;
        private final String example;
        private final String exampleAddress;
        private final String host;

        Family(String label, int bits, String example, String exampleAddress, String host) {
            this.label = label;
            this.bits = bits;
            this.example = example;
            this.exampleAddress = exampleAddress;
            this.host = host;
        }

        public int bits() {
            return bits;
        }

        /** "/32" or "/128": the prefix length of a host route. */
        public String hostPrefix() {
            return host;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    private static final Pattern FORM4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern PREFIX = Pattern.compile("\\d{1,3}");
    private static final Pattern GROUP6 = Pattern.compile("[0-9a-fA-F]{1,4}");

    public Cidr {
        Objects.requireNonNull(address, "address");
        if (address.isMultiple() || prefix < 0 || prefix > address.getBitCount()) {
            throw new IllegalArgumentException("not a single address with a prefix length of 0 to " + address.getBitCount()
                    + ": " + address + "/" + prefix);
        }
        address = address.withoutPrefixLength();
    }

    // ---------------------------------------------------------------- parsing

    /** Parses "A.B.C.D/N" or an IPv6 "X:X::X/N"; the message of the exception is "problem; fix". */
    public static Cidr parse(String text) {
        return parse(text, text != null && text.contains(":") ? Family.IPV6 : Family.IPV4);
    }

    /** Parses an address of that family with a prefix length; the message of the exception is "problem; fix". */
    public static Cidr parse(String text, Family family) {
        String t = text == null ? "" : text.trim();
        int slash = t.indexOf('/');
        if (slash < 0 || !PREFIX.matcher(t.substring(slash + 1)).matches() || !looksLike(t.substring(0, slash), family)) {
            throw new IllegalArgumentException("\"" + text + "\" is not an " + family + " address with a prefix length; write it like \""
                    + family.example + "\"");
        }
        IPAddress address = parseAddress(t.substring(0, slash), family, text);
        String digits = t.substring(slash + 1);
        int prefix = Integer.parseInt(digits);
        if (prefix > family.bits) {
            throw new IllegalArgumentException("\"" + text + "\" has a prefix length above " + family.bits + "; use /1 to /" + family.bits);
        }
        if (digits.length() > 1 && digits.startsWith("0")) {
            throw new IllegalArgumentException("\"" + text + "\" has a prefix length with a leading zero; write it like \""
                    + family.example + "\"");
        }
        return new Cidr(address, prefix);
    }

    /**
     * Parses a plain address of either family, "10.9.0.1" or "fd00:1::1", with the same strict rules
     * (no leading zeros in IPv4 octets; hex groups and at most one "::" in IPv6; no zone, no embedded IPv4).
     */
    public static IPAddress parseAddress(String text) {
        String t = text == null ? "" : text.trim();
        Family family = t.contains(":") ? Family.IPV6 : Family.IPV4;
        if (!looksLike(t, family)) {
            throw new IllegalArgumentException("\"" + text + "\" is not an " + family + " address; write it like \""
                    + family.exampleAddress + "\"");
        }
        return parseAddress(t, family, text);
    }

    public static boolean isAddress(String text) {
        try {
            parseAddress(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Whether the text has the outline of the family (so that the detailed checks can name what is wrong). */
    private static boolean looksLike(String text, Family family) {
        return family == Family.IPV4 ? FORM4.matcher(text).matches() : text.matches("[0-9a-zA-Z:.%_-]+") && text.contains(":");
    }

    private static IPAddress parseAddress(String t, Family family, String text) {
        if (family == Family.IPV4) {
            Matcher m = FORM4.matcher(t);
            m.matches();
            for (int i = 1; i <= 4; i++) {
                String digits = m.group(i);
                if (Integer.parseInt(digits) > 255 || digits.length() > 1 && digits.startsWith("0")) {
                    throw new IllegalArgumentException("\"" + text + "\" has an invalid octet \"" + digits
                            + "\" (0 to 255, no leading zeros); write it like \"" + family.example + "\"");
                }
            }
        } else {
            checkIpv6(t, text);
        }
        IPAddress address = new IPAddressString(t).getAddress();
        if (address == null || address.isMultiple() || address.getBitCount() != family.bits) {
            throw new IllegalArgumentException("\"" + text + "\" is not an " + family + " address; write it like \"" + family.example + "\"");
        }
        return address;
    }

    /** Hex groups of 1 to 4 digits, eight of them, or fewer with exactly one "::"; nothing else. */
    private static void checkIpv6(String t, String text) {
        String fix = "; write it like \"" + Family.IPV6.example + "\"";
        int zone = t.indexOf('%');
        if (zone >= 0) {
            throw new IllegalArgumentException("\"" + text + "\" has a zone (" + t.substring(zone)
                    + "); netloom gives interfaces global addresses: leave the zone out" + fix);
        }
        if (t.contains(".")) {
            throw new IllegalArgumentException("\"" + text + "\" embeds an IPv4 address; write IPv6 addresses in hex groups only" + fix);
        }
        int doubleColon = t.indexOf("::");
        if (doubleColon >= 0 && t.indexOf("::", doubleColon + 1) >= 0) {
            throw new IllegalArgumentException("\"" + text + "\" has \"::\" more than once; an address may shorten one run of zero groups" + fix);
        }
        if (t.contains(":::")) {
            throw new IllegalArgumentException("\"" + text + "\" has \":::\"" + fix);
        }
        String[] halves = doubleColon >= 0 ? new String[] {t.substring(0, doubleColon), t.substring(doubleColon + 2)} : new String[] {t};
        int groups = 0;
        for (String half : halves) {
            if (half.isEmpty() && doubleColon >= 0) {
                continue; // "::1" or "fd00::": nothing on one side of the "::"
            }
            for (String group : half.split(":", -1)) {
                if (!GROUP6.matcher(group).matches()) {
                    throw new IllegalArgumentException("\"" + text + "\" has an invalid group \"" + group + "\" (1 to 4 hex digits)" + fix);
                }
                groups++;
            }
        }
        if (doubleColon < 0 ? groups != 8 : groups > 7) {
            throw new IllegalArgumentException("\"" + text + "\" has " + groups + " groups; an IPv6 address has 8"
                    + " (or fewer and one \"::\")" + fix);
        }
    }

    // ---------------------------------------------------------------- building

    /** The address at {@code index} past the network address, with this prefix: "10.9.0.7/24" for host 7 of 10.9.0.0/24. */
    public Cidr host(long index) {
        return new Cidr(network().increment(index), prefix);
    }

    /** The block of the same size right after this subnet, or empty at the end of the address space. */
    public Optional<Cidr> next() {
        IPAddress last = last();
        if (last.isMax()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Cidr(last.increment(1), prefix));
        } catch (AddressValueException e) {
            return Optional.empty();
        }
    }

    /** The aligned block of {@code newPrefix} that starts at or after this one's network address, or empty past the end. */
    public Optional<Cidr> alignedUp(int newPrefix) {
        Cidr block = new Cidr(network(), newPrefix).subnet();
        if (block.network().equals(network())) {
            return Optional.of(block);
        }
        return block.next();
    }

    /** A network of the same family: this address with the given prefix length, host bits cleared. */
    public Cidr withPrefix(int newPrefix) {
        return new Cidr(address, newPrefix).subnet();
    }

    // ---------------------------------------------------------------- questions

    public Family family() {
        return address.isIPv6() ? Family.IPV6 : Family.IPV4;
    }

    public boolean ipv6() {
        return address.isIPv6();
    }

    /** How many addresses the subnet holds. */
    public BigInteger size() {
        return block().getCount();
    }

    private IPAddress block() {
        return address.toPrefixBlock(prefix);
    }

    /** The first address of the subnet. */
    public IPAddress network() {
        return block().getLower().withoutPrefixLength();
    }

    /** The last address of the subnet (IPv4's broadcast address). */
    public IPAddress last() {
        return block().getUpper().withoutPrefixLength();
    }

    /** This subnet as a network: host bits cleared. */
    public Cidr subnet() {
        return new Cidr(network(), prefix);
    }

    /** Whether the address is inside the subnet. */
    public boolean contains(IPAddress ip) {
        return block().contains(ip);
    }

    /** Whether every address of {@code other}'s subnet is in this subnet. */
    public boolean contains(Cidr other) {
        return family() == other.family() && block().contains(other.block());
    }

    public boolean overlaps(Cidr other) {
        return family() == other.family() && block().overlaps(other.block());
    }

    /** Whether the address is the network address (and so has no host bits). */
    public boolean isNetwork() {
        return address.equals(network());
    }

    /**
     * What a host cannot use this address for, if anything: the network and broadcast addresses of an
     * IPv4 subnet below /31, the subnet-router anycast address (all host bits zero) of an IPv6 subnet
     * below /127, which a Linux router answers on every link of its prefix.
     */
    public Optional<String> reservedHost() {
        if (prefix >= family().bits - 1) {
            return Optional.empty();
        }
        if (isNetwork()) {
            return Optional.of(ipv6() ? "subnet-router anycast" : "network");
        }
        if (!ipv6() && address.equals(last())) {
            return Optional.of("broadcast");
        }
        return Optional.empty();
    }

    /** Whether the address is the network or broadcast address of its IPv4 subnet, which hosts cannot use below /31. */
    public boolean isNetworkOrBroadcast() {
        return !ipv6() && reservedHost().isPresent();
    }

    /** The index of the first host address: 1, or 0 in an IPv4 /31, an IPv6 /127 and host-sized prefixes. */
    public long firstHost() {
        return prefix >= family().bits - 1 ? 0 : 1;
    }

    /** How many host addresses the subnet offers (see {@link #reservedHost}). */
    public BigInteger hostCount() {
        if (prefix >= family().bits - 1) {
            return size();
        }
        return size().subtract(BigInteger.valueOf(ipv6() ? 1 : 2));
    }

    // ---------------------------------------------------------------- text

    /** An address as netloom writes it: dotted quad, or RFC 5952 text for IPv6 (lowercase, "::" for the longest zero run). */
    public static String ip(IPAddress address) {
        return address.withoutPrefixLength().toCanonicalString();
    }

    /** The address without the prefix: "10.9.0.1". */
    public String ip() {
        return ip(address);
    }

    @Override
    public String toString() {
        return ip() + "/" + prefix;
    }
}

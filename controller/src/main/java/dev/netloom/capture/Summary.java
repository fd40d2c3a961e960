package dev.netloom.capture;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * One line per frame for people, like tcpdump's: time, direction, length and what the frame is
 * (ARP, IPv4/IPv6 with ICMP, TCP or UDP and their ports). Frames it does not know are shown by
 * their EtherType.
 */
public final class Summary {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSS").withZone(ZoneId.systemDefault());

    private Summary() {
    }

    /** {@code 12:00:01.123456 a->b 98 bytes: IPv4 10.0.0.1 > 10.0.0.2: ICMP echo request}. */
    public static String line(long micros, String direction, byte[] frame, int originalLength) {
        String time = TIME.format(Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1000));
        return time + " " + direction + " " + originalLength + " bytes: " + describe(frame);
    }

    /** What an Ethernet frame carries. */
    static String describe(byte[] frame) {
        if (frame.length < 14) {
            return "short frame";
        }
        ByteBuffer b = ByteBuffer.wrap(frame);
        int offset = 12;
        int type = b.getShort(offset) & 0xffff;
        while ((type == 0x8100 || type == 0x88a8) && frame.length >= offset + 6) {
            offset += 4;
            type = b.getShort(offset) & 0xffff;
        }
        int l3 = offset + 2;
        return switch (type) {
            case 0x0806 -> arp(b, l3);
            case 0x0800 -> ipv4(b, l3);
            case 0x86dd -> ipv6(b, l3);
            default -> String.format("ethertype 0x%04x", type);
        };
    }

    private static String arp(ByteBuffer b, int at) {
        if (b.limit() < at + 28) {
            return "ARP (short)";
        }
        int op = b.getShort(at + 6) & 0xffff;
        String sender = ipv4Address(b, at + 14);
        String target = ipv4Address(b, at + 24);
        return switch (op) {
            case 1 -> "ARP who-has " + target + " tell " + sender;
            case 2 -> "ARP reply " + sender + " is-at " + mac(b, at + 8);
            default -> "ARP op " + op;
        };
    }

    private static String ipv4(ByteBuffer b, int at) {
        if (b.limit() < at + 20) {
            return "IPv4 (short)";
        }
        int ihl = (b.get(at) & 0x0f) * 4;
        int proto = b.get(at + 9) & 0xff;
        String src = ipv4Address(b, at + 12);
        String dst = ipv4Address(b, at + 16);
        return transport("IPv4", src, dst, proto, b, at + ihl, false);
    }

    private static String ipv6(ByteBuffer b, int at) {
        if (b.limit() < at + 40) {
            return "IPv6 (short)";
        }
        int next = b.get(at + 6) & 0xff;
        return transport("IPv6", ipv6Address(b, at + 8), ipv6Address(b, at + 24), next, b, at + 40, true);
    }

    private static String transport(String family, String src, String dst, int proto, ByteBuffer b, int at, boolean v6) {
        boolean ports = (proto == 6 || proto == 17) && b.limit() >= at + 4;
        String from = ports ? src + "." + (b.getShort(at) & 0xffff) : src;
        String to = ports ? dst + "." + (b.getShort(at + 2) & 0xffff) : dst;
        String what = switch (proto) {
            case 1 -> "ICMP " + (b.limit() > at ? icmp(b.get(at) & 0xff) : "(short)");
            case 58 -> "ICMPv6 " + (b.limit() > at ? icmp6(b.get(at) & 0xff) : "(short)");
            case 6 -> "TCP" + (b.limit() >= at + 14 ? " " + tcpFlags(b.get(at + 13) & 0xff) : "");
            case 17 -> "UDP";
            default -> (v6 ? "next header " : "protocol ") + proto;
        };
        return family + " " + from + " > " + to + ": " + what;
    }

    private static String icmp(int type) {
        return switch (type) {
            case 0 -> "echo reply";
            case 3 -> "destination unreachable";
            case 8 -> "echo request";
            case 11 -> "time exceeded";
            default -> "type " + type;
        };
    }

    private static String icmp6(int type) {
        return switch (type) {
            case 1 -> "destination unreachable";
            case 3 -> "time exceeded";
            case 128 -> "echo request";
            case 129 -> "echo reply";
            case 133 -> "router solicitation";
            case 134 -> "router advertisement";
            case 135 -> "neighbor solicitation";
            case 136 -> "neighbor advertisement";
            default -> "type " + type;
        };
    }

    private static String tcpFlags(int flags) {
        StringBuilder s = new StringBuilder("[");
        String names = "FSRPAU";
        char[] marks = {'F', 'S', 'R', 'P', '.', 'U'};
        for (int i = 0; i < names.length(); i++) {
            if ((flags & (1 << i)) != 0) {
                s.append(marks[i]);
            }
        }
        return s.append(']').toString();
    }

    private static String ipv4Address(ByteBuffer b, int at) {
        return (b.get(at) & 0xff) + "." + (b.get(at + 1) & 0xff) + "." + (b.get(at + 2) & 0xff) + "." + (b.get(at + 3) & 0xff);
    }

    private static String ipv6Address(ByteBuffer b, int at) {
        byte[] raw = new byte[16];
        b.get(at, raw);
        return new inet.ipaddr.ipv6.IPv6Address(raw).toCompressedString();
    }

    private static String mac(ByteBuffer b, int at) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            s.append(i == 0 ? "" : ":").append(String.format("%02x", b.get(at + i) & 0xff));
        }
        return s.toString();
    }
}

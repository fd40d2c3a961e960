package dev.netloom.capture;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SummaryTest {

    private static byte[] frame(int ethertype, int... payload) {
        byte[] f = new byte[14 + payload.length];
        f[12] = (byte) (ethertype >> 8);
        f[13] = (byte) ethertype;
        for (int i = 0; i < payload.length; i++) {
            f[14 + i] = (byte) payload[i];
        }
        return f;
    }

    @Test
    void icmpEchoOverIpv4() {
        byte[] f = frame(0x0800, 0x45, 0, 0, 84, 0, 0, 0, 0, 64, 1, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, 8, 0);
        assertThat(Summary.describe(f)).isEqualTo("IPv4 10.0.0.1 > 10.0.0.2: ICMP echo request");
    }

    @Test
    void udpPortsAndTcpFlags() {
        byte[] udp = frame(0x0800, 0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, 0x13, 0x88, 0, 53);
        assertThat(Summary.describe(udp)).isEqualTo("IPv4 10.0.0.1.5000 > 10.0.0.2.53: UDP");
        int[] tcp = new int[20 + 14];
        int[] ip = {0x45, 0, 0, 40, 0, 0, 0, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2};
        System.arraycopy(ip, 0, tcp, 0, 20);
        tcp[20] = 0;
        tcp[21] = 80;
        tcp[22] = 0x1f;
        tcp[23] = (byte) 0x90 & 0xff;
        tcp[33] = 0x12; // SYN ACK
        assertThat(Summary.describe(frame(0x0800, tcp))).isEqualTo("IPv4 10.0.0.1.80 > 10.0.0.2.8080: TCP [S.]");
    }

    @Test
    void arpAndIpv6AndUnknown() {
        byte[] arp = frame(0x0806, 0, 1, 8, 0, 6, 4, 0, 1, 0x52, 0x54, 0, 0, 0, 1, 10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 10, 0, 0, 2);
        assertThat(Summary.describe(arp)).isEqualTo("ARP who-has 10.0.0.2 tell 10.0.0.1");
        int[] v6 = new int[41];
        v6[0] = 0x60;
        v6[6] = 58;
        v6[8] = 0xfd;
        v6[23] = 1;
        v6[24] = 0xfd;
        v6[39] = 2;
        v6[40] = 128;
        assertThat(Summary.describe(frame(0x86dd, v6))).isEqualTo("IPv6 fd00::1 > fd00::2: ICMPv6 echo request");
        assertThat(Summary.describe(frame(0x88cc))).isEqualTo("ethertype 0x88cc");
        assertThat(Summary.describe(new byte[3])).isEqualTo("short frame");
    }

    @Test
    void line_hasTimeDirectionAndLength() {
        String line = Summary.line(1_000_000L * 3600 + 5, "a->b", frame(0x88cc), 60);
        assertThat(line).matches("\\d\\d:\\d\\d:\\d\\d\\.000005 a->b 60 bytes: ethertype 0x88cc");
    }
}

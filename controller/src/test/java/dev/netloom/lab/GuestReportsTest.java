package dev.netloom.lab;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** ping (BusyBox and iputils) and iperf3 output, read back into numbers. */
class GuestReportsTest {

    private static final String BUSYBOX = """
            PING 10.0.0.2 (10.0.0.2): 56 data bytes
            64 bytes from 10.0.0.2: seq=0 ttl=64 time=21.436 ms
            64 bytes from 10.0.0.2: seq=1 ttl=64 time=22.105 ms
            64 bytes from 10.0.0.2: seq=1 ttl=64 time=23.000 ms (DUP!)
            64 bytes from 10.0.0.2: seq=3 ttl=64 time=21.955 ms

            --- 10.0.0.2 ping statistics ---
            4 packets transmitted, 3 packets received, +1 duplicates, 25% packet loss
            round-trip min/avg/max = 21.436/22.124/23.000 ms
            """;

    private static final String IPUTILS = """
            PING b (10.0.0.2) 56(84) bytes of data.
            64 bytes from b (10.0.0.2): icmp_seq=1 ttl=64 time=0.512 ms
            64 bytes from b (10.0.0.2): icmp_seq=2 ttl=64 time=0.498 ms

            --- b ping statistics ---
            2 packets transmitted, 2 received, 0% packet loss, time 1001ms
            rtt min/avg/max/mdev = 0.498/0.505/0.512/0.007 ms
            """;

    @Test
    void busybox_countsRepliesWithoutDuplicates() {
        PingReport r = PingReport.parse(BUSYBOX);
        assertThat(r.sent()).isEqualTo(4);
        assertThat(r.received()).isEqualTo(3);
        assertThat(r.rtts()).containsExactly(21.436, 22.105, 21.955);
        assertThat(r.lossPercent()).isEqualTo(25.0);
        assertThat(r.describe()).isEqualTo("3/4 replies, 25% loss, rtt min/avg/max 21.4/21.8/22.1 ms");
    }

    @Test
    void iputils_isReadToo() {
        PingReport r = PingReport.parse(IPUTILS);
        assertThat(r.sent()).isEqualTo(2);
        assertThat(r.received()).isEqualTo(2);
        assertThat(r.rtts()).containsExactly(0.512, 0.498);
        assertThat(r.lossPercent()).isZero();
    }

    @Test
    void withoutStatistics_theLastLineIsTheProblem() {
        PingReport r = PingReport.parse("PING c (10.0.0.6): 56 data bytes\nping: sendto: Network is unreachable\n");
        assertThat(r.hasStatistics()).isFalse();
        assertThat(r.received()).isZero();
        assertThat(r.lossPercent()).isEqualTo(100.0);
        assertThat(r.problem()).isEqualTo("ping: sendto: Network is unreachable");
        assertThat(r.describe()).isEqualTo("no statistics: ping: sendto: Network is unreachable");
    }

    @Test
    void iperf3Udp_receiverLine_isThePayloadRateAndTheLostDatagrams() {
        String out = """
                [ ID] Interval           Transfer     Bitrate         Jitter    Lost/Total Datagrams
                [  5]   0.00-3.00   sec  2.50 MBytes  6999 Kbits/sec  0.000 ms  0/1875 (0%)  sender
                [  5]   0.00-3.97   sec  2.27 MBytes  4805 Kbits/sec  0.922 ms  174/1875 (9.3%)  receiver

                iperf Done.
                """;
        assertThat(IperfReport.parse(out)).contains(new IperfReport(4_805_000, 174, 1875));
        assertThat(IperfReport.parse("[  5]   0.00-3.00   sec  1.2 GBytes  1.10 Gbits/sec  0.010 ms  0/9 (0%)  receiver"))
                .contains(new IperfReport(1.1e9, 0, 9));
        assertThat(IperfReport.parse("iperf3: error - unable to connect to server: Connection refused")).isEmpty();
    }

    @Test
    void numbers_forPeople_haveAtMostThreeSignificantDigitsBeforeThePoint() {
        assertThat(Checks.number(20.0)).isEqualTo("20");
        assertThat(Checks.number(20.44)).isEqualTo("20.4");
        assertThat(Checks.number(0.512)).isEqualTo("0.51");
        assertThat(Checks.number(4.5)).isEqualTo("4.5");
        assertThat(Checks.number(1234.56)).isEqualTo("1235");
    }
}

package dev.netloom.capture;

import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.host.Netns;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TcpdumpTest {

    private static final Netns NS = new Netns.Named("nl-lab");

    @Test
    void live_listensToWhatTheGuestSends_writesPcapPerFrame_andTheFilterIsOneArgumentAfterDashDash() {
        assertThat(Tcpdump.live(NS, "t0x0", "-w /etc/passwd or icmp")).containsExactly(
                "ip", "netns", "exec", "nl-lab", "tcpdump", "-i", "t0x0", "-Q", "in", "-n", "-Z", "root", "-s", "262144",
                "--immediate-mode", "-U", "-w", "-", "--", "-w /etc/passwd or icmp");
        assertThat(Tcpdump.live(NS, "t0x0", null)).endsWith("-w", "-");
    }

    @Test
    void ring_writesFilesOfAMillionBytesInTurn() {
        assertThat(Tcpdump.ring(NS, "t1x0", Path.of("/run/netloom/labs/lab/capture/t1x0.pcap"), 1, 6)).containsExactly(
                "ip", "netns", "exec", "nl-lab", "tcpdump", "-i", "t1x0", "-Q", "in", "-n", "-Z", "root", "-s", "262144",
                "--immediate-mode", "-U", "-C", "1", "-W", "6", "-w", "/run/netloom/labs/lab/capture/t1x0.pcap");
    }

    @Test
    void compile_dumpsTheProgramForTheTap() {
        assertThat(Tcpdump.compile(NS, "t0x0", "icmp")).isEqualTo(List.of("ip", "netns", "exec", "nl-lab", "tcpdump", "-d", "-i", "t0x0", "--", "icmp"));
    }

    @Test
    void normalize_blankIsNoFilter_controlCharactersAndHugeFiltersAreRefused() {
        assertThat(Tcpdump.normalize(null)).isNull();
        assertThat(Tcpdump.normalize("  ")).isNull();
        assertThat(Tcpdump.normalize(" icmp\n or arp ")).isEqualTo("icmp\n or arp");
        assertThatThrownBy(() -> Tcpdump.normalize("icmp\u0000"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("control character (U+0000) at position 5");
        assertThatThrownBy(() -> Tcpdump.normalize("a".repeat(Tcpdump.MAX_FILTER + 1)))
                .isInstanceOf(BadInputException.class).hasMessageContaining("at most 2048");
    }

    @Test
    void filterError_givesTcpdumpsReason_withoutItsNoise_andAnExample() {
        String err = Tcpdump.filterError("icmpx", "Running as user \"root\" and group \"root\". This could be dangerous.\n"
                + "tcpdump: can't parse filter expression: syntax error\n");
        assertThat(err).isEqualTo("--filter \"icmpx\" is not a BPF filter tcpdump accepts: can't parse filter expression: syntax error;"
                + " write a pcap-filter(7) expression such as \"icmp\", \"tcp port 80\" or \"host 10.0.0.1 and not arp\"");
    }

    @Test
    void ringSizes_keepAtLeastTheRing_inAtMostElevenFiles() {
        assertThat(FlightRecorder.Ring.of(1L << 20)).isEqualTo(new FlightRecorder.Ring(1, 3));
        assertThat(FlightRecorder.Ring.of(4L << 20)).isEqualTo(new FlightRecorder.Ring(1, 6));
        FlightRecorder.Ring big = FlightRecorder.Ring.of(1L << 30);
        assertThat(big.files()).isEqualTo(11);
        assertThat((long) big.fileMillions() * (big.files() - 1) * 1_000_000).isGreaterThanOrEqualTo(1L << 30);
    }

    @Test
    void tapDescription_saysWhatTheFramesAre() {
        CaptureTap link = new CaptureTap("a-b", "a", "t0x0", "a->b");
        assertThat(link.description()).isEqualTo("a-b a->b: frames a sends, seen as they enter the fabric on tap t0x0 (before host impairments)");
        assertThat(link.label()).isEqualTo("a->b");
        assertThat(new CaptureTap("lan1", "c", "t2x1", "c").label()).isEqualTo("c->lan1");
        assertThatThrownBy(() -> new CaptureTap("x", "a", "t0; rm", "a->b")).isInstanceOf(IllegalArgumentException.class);
    }
}

package dev.netloom.capture;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PcapReaderTest {

    private static byte[] pcap(ByteOrder order, int magic, long sec, long frac, byte[] frame) {
        ByteBuffer b = ByteBuffer.allocate(24 + 16 + frame.length).order(order);
        b.putInt(magic).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(262144).putInt(1);
        b.putInt((int) sec).putInt((int) frac).putInt(frame.length).putInt(frame.length + 10).put(frame);
        return b.array();
    }

    @Test
    void readsFramesOfEitherByteOrder_andNanosecondFiles_asMicroseconds() throws IOException {
        for (ByteOrder order : new ByteOrder[]{ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            PcapReader r = PcapReader.open(new ByteArrayInputStream(pcap(order, PcapReader.MAGIC_MICROS, 3_000_000_000L, 7, new byte[]{9, 8})));
            assertThat(r.linktype()).isEqualTo(1);
            PcapReader.Packet p = r.next();
            assertThat(p.micros()).isEqualTo(3_000_000_000L * 1_000_000 + 7); // seconds past 2^31 stay positive
            assertThat(p.data()).containsExactly(9, 8);
            assertThat(p.originalLength()).isEqualTo(12);
            assertThat(r.next()).isNull();
        }
        PcapReader nanos = PcapReader.open(new ByteArrayInputStream(pcap(ByteOrder.LITTLE_ENDIAN, PcapReader.MAGIC_NANOS, 1, 123_456_789, new byte[1])));
        assertThat(nanos.next().micros()).isEqualTo(1_123_456);
    }

    @Test
    void aRecordCutShort_endsTheStream_andAnEmptyStreamHasNoHeader() throws IOException {
        byte[] whole = pcap(ByteOrder.LITTLE_ENDIAN, PcapReader.MAGIC_MICROS, 1, 0, new byte[100]);
        PcapReader r = PcapReader.open(new ByteArrayInputStream(Arrays.copyOf(whole, whole.length - 1)));
        assertThat(r.next()).isNull();
        assertThat(PcapReader.open(new ByteArrayInputStream(new byte[0]))).isNull();
    }

    @Test
    void somethingElse_isRefused() {
        assertThatThrownBy(() -> PcapReader.open(new ByteArrayInputStream(Pcapng.sectionHeader())))
                .isInstanceOf(IOException.class).hasMessageContaining("not a pcap stream");
    }
}

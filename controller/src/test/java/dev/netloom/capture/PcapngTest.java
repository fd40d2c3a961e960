package dev.netloom.capture;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.assertj.core.api.Assertions.assertThat;

class PcapngTest {

    private static byte[] hex(String s) {
        String h = s.replaceAll("\\s+", "");
        byte[] b = new byte[h.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }

    @Test
    void sectionHeader_isVersion1_littleEndian_withUnknownLength_andTheWritersName() {
        assertThat(Pcapng.sectionHeader()).containsExactly(hex(
                "0a0d0d0a 2c000000"            // SHB, 44 bytes
                        + "4d3c2b1a 0100 0000"    // byte-order magic, version 1.0
                        + "ffffffff ffffffff"     // section length: unknown
                        + "0400 0700 6e65746c 6f6f6d00" // shb_userappl "netloom" padded to 8
                        + "0000 0000"             // opt_endofopt
                        + "2c000000"));
    }

    @Test
    void interfaceDescription_isEthernet_withNameDescriptionAndMicroseconds() {
        assertThat(Pcapng.interfaceDescription("t0x0", "ab")).containsExactly(hex(
                "01000000 30000000"            // IDB, 48 bytes
                        + "0100 0000 00000400"    // LINKTYPE_ETHERNET, reserved, snaplen 262144
                        + "0200 0400 74307830"    // if_name "t0x0"
                        + "0300 0200 61620000"    // if_description "ab" padded
                        + "0900 0100 06000000"    // if_tsresol 6 (microseconds) padded
                        + "0000 0000"
                        + "30000000"));
    }

    @Test
    void enhancedPacket_padsTheFrame_splitsTheTimestamp_andFlagsTheDirection() {
        long micros = 0x0000000100000002L;
        assertThat(Pcapng.enhancedPacket(1, micros, new byte[]{1, 2, 3, 4, 5}, 60, Pcapng.Direction.INBOUND)).containsExactly(hex(
                "06000000 34000000"            // EPB, 52 bytes
                        + "01000000"              // interface 1
                        + "01000000 02000000"     // timestamp high, low
                        + "05000000 3c000000"     // captured 5, original 60
                        + "01020304 05000000"     // frame padded to 8
                        + "0200 0400 01000000"    // epb_flags: inbound
                        + "0000 0000"
                        + "34000000"));
    }

    @Test
    void enhancedPacket_outbound_andUnknownWithoutOptions() {
        byte[] out = Pcapng.enhancedPacket(0, 0, new byte[4], 4, Pcapng.Direction.OUTBOUND);
        assertThat(ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).getInt(32)).isEqualTo(0x00040002); // code 2, length 4
        assertThat(ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).getInt(36)).isEqualTo(2);
        byte[] none = Pcapng.enhancedPacket(0, 0, new byte[4], 4, Pcapng.Direction.UNKNOWN);
        assertThat(none).hasSize(36);
        assertThat(ByteBuffer.wrap(none).order(ByteOrder.LITTLE_ENDIAN).getInt(4)).isEqualTo(36);
        assertThat(ByteBuffer.wrap(none).order(ByteOrder.LITTLE_ENDIAN).getInt(32)).isEqualTo(36);
    }
}

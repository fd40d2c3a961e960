package dev.netloom.capture;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The pcapng blocks netloom writes (https://www.ietf.org/archive/id/draft-ietf-opsawg-pcapng-02.html):
 * a Section Header Block, an Interface Description Block per tap (its name and what it sees) and an
 * Enhanced Packet Block per frame, with the frame's direction as seen from the tap in {@code epb_flags}.
 * Every block is whole and little-endian (the byte-order magic tells readers), so a stream cut
 * between two blocks is a valid file, and a reader can start at once: {@code wireshark -k -i -}.
 */
public final class Pcapng {

    static final int SHB = 0x0A0D0D0A;
    static final int IDB = 0x00000001;
    static final int EPB = 0x00000006;
    static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    /** LINKTYPE_ETHERNET: taps carry Ethernet frames. */
    public static final int LINKTYPE_ETHERNET = 1;
    /** The longest frame kept: tcpdump's default snapshot length. */
    public static final int SNAPLEN = 262144;

    static final short OPT_END = 0;
    static final short OPT_COMMENT = 1;
    static final short SHB_USERAPPL = 4;
    static final short IF_NAME = 2;
    static final short IF_DESCRIPTION = 3;
    static final short IF_TSRESOL = 9;
    static final short EPB_FLAGS = 2;

    /** A frame's direction on its tap: inbound is what the guest sent into the fabric, outbound what the fabric sent to the guest. */
    public enum Direction {
        UNKNOWN(0), INBOUND(1), OUTBOUND(2);

        final int bits;

        Direction(int bits) {
            this.bits = bits;
        }
    }

    private Pcapng() {
    }

    /** The Section Header Block that starts a file: version 1.0, section length unknown, written by netloom. */
    public static byte[] sectionHeader() {
        Options o = new Options().string(SHB_USERAPPL, "netloom");
        ByteBuffer b = block(SHB, 16 + o.length());
        b.putInt(BYTE_ORDER_MAGIC).putShort((short) 1).putShort((short) 0).putLong(-1L);
        return finish(b, o);
    }

    /** An Interface Description Block for an Ethernet tap; timestamps in microseconds (the default, written out for clarity). */
    public static byte[] interfaceDescription(String name, String description) {
        Options o = new Options().string(IF_NAME, name).string(IF_DESCRIPTION, description).bytes(IF_TSRESOL, new byte[]{6});
        ByteBuffer b = block(IDB, 8 + o.length());
        b.putShort((short) LINKTYPE_ETHERNET).putShort((short) 0).putInt(SNAPLEN);
        return finish(b, o);
    }

    /**
     * An Enhanced Packet Block: the frame {@code data} (as captured; {@code originalLength} on the
     * wire) of interface {@code interfaceId}, at {@code micros} since the epoch, with its direction.
     */
    public static byte[] enhancedPacket(int interfaceId, long micros, byte[] data, int originalLength, Direction direction) {
        Options o = new Options();
        if (direction != Direction.UNKNOWN) {
            o.int32(EPB_FLAGS, direction.bits);
        }
        ByteBuffer b = block(EPB, 20 + pad(data.length) + o.length());
        b.putInt(interfaceId).putInt((int) (micros >>> 32)).putInt((int) micros).putInt(data.length).putInt(originalLength);
        b.put(data).put(new byte[pad(data.length) - data.length]);
        return finish(b, o);
    }

    /** A block's first two fields; the body follows, then the options and the length again ({@link #finish}). */
    private static ByteBuffer block(int type, int bodyLength) {
        int total = 12 + bodyLength; // type, length, body (with options), length again
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(type).putInt(total);
        return b;
    }

    private static byte[] finish(ByteBuffer b, Options o) {
        o.writeTo(b);
        b.putInt(b.capacity());
        if (b.hasRemaining()) {
            throw new IllegalStateException("block length mismatch: " + b.remaining() + " bytes left");
        }
        return b.array();
    }

    static int pad(int n) {
        return (n + 3) & ~3;
    }

    /** A block's options, ending with opt_endofopt when there are any. */
    private static final class Options {
        private final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();

        Options string(short code, String value) {
            return bytes(code, value.getBytes(StandardCharsets.UTF_8));
        }

        Options int32(short code, int value) {
            return bytes(code, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array());
        }

        Options bytes(short code, byte[] value) {
            ByteBuffer b = ByteBuffer.allocate(4 + pad(value.length)).order(ByteOrder.LITTLE_ENDIAN);
            b.putShort(code).putShort((short) value.length).put(value);
            out.writeBytes(b.array());
            return this;
        }

        int length() {
            return out.size() == 0 ? 0 : out.size() + 4;
        }

        void writeTo(ByteBuffer b) {
            if (out.size() > 0) {
                b.put(out.toByteArray());
                b.putShort(OPT_END).putShort((short) 0);
            }
        }
    }
}

package dev.netloom.capture;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads a classic pcap stream, as tcpdump writes it ({@code -w -} or ring files): the file header,
 * then one record per frame. Either byte order, microsecond or nanosecond timestamps (read as
 * microseconds). A record cut short at the end (a ring file being written) ends the stream.
 */
public final class PcapReader {

    static final int MAGIC_MICROS = 0xA1B2C3D4;
    static final int MAGIC_NANOS = 0xA1B23C4D;
    /** Longer records are a broken stream, not a frame (tcpdump's limit is 262144). */
    static final int MAX_RECORD = 1 << 20;

    /** One captured frame: when (microseconds since the epoch), its bytes as captured, and its length on the wire. */
    public record Packet(long micros, byte[] data, int originalLength) {
    }

    private final DataInputStream in;
    private final ByteOrder order;
    private final boolean nanos;
    private final int linktype;

    private PcapReader(DataInputStream in, ByteOrder order, boolean nanos, int linktype) {
        this.in = in;
        this.order = order;
        this.nanos = nanos;
        this.linktype = linktype;
    }

    /** Reads the file header; null when the stream ends before it (tcpdump exited before writing anything). */
    public static PcapReader open(InputStream stream) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        byte[] header = new byte[24];
        try {
            in.readFully(header);
        } catch (EOFException e) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        int magic = b.getInt(0);
        ByteOrder order = ByteOrder.LITTLE_ENDIAN;
        if (magic != MAGIC_MICROS && magic != MAGIC_NANOS) {
            order = ByteOrder.BIG_ENDIAN;
            magic = b.order(order).getInt(0);
            if (magic != MAGIC_MICROS && magic != MAGIC_NANOS) {
                throw new IOException(String.format("not a pcap stream (magic %08x)", b.order(ByteOrder.LITTLE_ENDIAN).getInt(0)));
            }
        }
        return new PcapReader(in, order, magic == MAGIC_NANOS, b.order(order).getInt(20));
    }

    /** The stream's link type (1: Ethernet). */
    public int linktype() {
        return linktype;
    }

    /** The next frame, or null at the end of the stream (also when its last record is incomplete). */
    public Packet next() throws IOException {
        byte[] header = new byte[16];
        try {
            in.readFully(header);
            ByteBuffer b = ByteBuffer.wrap(header).order(order);
            long seconds = Integer.toUnsignedLong(b.getInt());
            long fraction = Integer.toUnsignedLong(b.getInt());
            int captured = b.getInt();
            int original = b.getInt();
            if (captured < 0 || captured > MAX_RECORD) {
                throw new IOException("broken pcap record: captured length " + captured);
            }
            byte[] data = new byte[captured];
            in.readFully(data);
            return new Packet(seconds * 1_000_000 + (nanos ? fraction / 1000 : fraction), data, original);
        } catch (EOFException e) {
            return null;
        }
    }
}

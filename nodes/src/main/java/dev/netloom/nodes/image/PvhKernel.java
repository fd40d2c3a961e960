package dev.netloom.nodes.image;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * The uncompressed kernel inside an x86 bzImage, for QEMU's PVH boot. QEMU keeps a private heap copy
 * of a bzImage for the whole life of every node (13.5 MiB each for the tiny image's kernel), but maps an
 * ELF kernel with a PVH entry note straight from its file: one copy in the page cache for every node.
 * The guest then also starts without decompressing itself, and at the same physical address every time,
 * so the kernel's pages are alike in every guest and KSM can merge them. Knows the compressions Debian's
 * x86 kernels use for their payload: LZ4 (the cloud flavour) and gzip; anything else, or an ELF without
 * the PVH note, gives nothing and the bzImage stays.
 */
public final class PvhKernel {

    /** The magic of the LZ4 legacy frame ({@code lz4 -l}), which the kernel's build uses. */
    static final int LZ4_LEGACY_MAGIC = 0x184C2102;
    /** A legacy frame's blocks decompress to at most 8 MiB each. */
    private static final int LZ4_LEGACY_BLOCK = 8 << 20;
    /** XEN_ELFNOTE_PHYS32_ENTRY: the note QEMU looks for to boot an ELF kernel through PVH. */
    static final int PHYS32_ENTRY_NOTE = 18;

    private PvhKernel() {
    }

    /** The ELF kernel inside {@code bzImage} when it can be booted through PVH, else empty. */
    public static Optional<byte[]> extract(byte[] bzImage) {
        ByteBuffer b = ByteBuffer.wrap(bzImage).order(ByteOrder.LITTLE_ENDIAN);
        if (bzImage.length < 0x250 || b.getInt(0x202) != 0x53726448) { // "HdrS": the boot protocol's header
            return Optional.empty();
        }
        int setupSectors = bzImage[0x1f1] == 0 ? 4 : Byte.toUnsignedInt(bzImage[0x1f1]);
        long payloadStart = (setupSectors + 1L) * 512 + Integer.toUnsignedLong(b.getInt(0x248));
        long payloadLength = Integer.toUnsignedLong(b.getInt(0x24c));
        if (payloadLength < 8 || payloadStart + payloadLength > bzImage.length) {
            return Optional.empty();
        }
        byte[] payload = Arrays.copyOfRange(bzImage, (int) payloadStart, (int) (payloadStart + payloadLength));
        // the kernel's build appends the uncompressed size to every compressed payload
        long size = Integer.toUnsignedLong(ByteBuffer.wrap(payload, payload.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt());
        byte[] elf;
        try {
            if (ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN).getInt(0) == LZ4_LEGACY_MAGIC) {
                elf = lz4Legacy(payload, payload.length - 4);
            } else if ((payload[0] & 0xff) == 0x1f && (payload[1] & 0xff) == 0x8b) {
                try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(payload))) {
                    elf = in.readAllBytes();
                }
            } else {
                return Optional.empty();
            }
        } catch (IOException | IllegalArgumentException | IndexOutOfBoundsException e) {
            return Optional.empty(); // not what the header said: keep the bzImage
        }
        return elf.length == size && hasPvhNote(elf) ? Optional.of(elf) : Optional.empty();
    }

    /** Decompresses an LZ4 legacy frame that ends at {@code end}: the magic, then blocks, each after its compressed size. */
    static byte[] lz4Legacy(byte[] in, int end) {
        ByteBuffer b = ByteBuffer.wrap(in, 0, end).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt(0) != LZ4_LEGACY_MAGIC) {
            throw new IllegalArgumentException("not an LZ4 legacy frame");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length * 4);
        byte[] block = new byte[LZ4_LEGACY_BLOCK];
        int pos = 4;
        while (pos + 4 <= end) {
            int size = b.getInt(pos);
            pos += 4;
            if (size == LZ4_LEGACY_MAGIC) {
                continue; // frames may be concatenated
            }
            if (size <= 0 || pos + size > end) {
                throw new IllegalArgumentException("LZ4 block of " + Integer.toUnsignedString(size) + " bytes runs past the frame");
            }
            int n = lz4Block(in, pos, pos + size, block);
            out.write(block, 0, n);
            pos += size;
        }
        return out.toByteArray();
    }

    /**
     * Decompresses one LZ4 block ({@code in[from, to)}) into {@code out}; returns its length. Each
     * sequence is a token (literal length, match length), the literals, and a match: a 2-byte offset
     * back into the output and a length of at least 4; the last sequence has literals only.
     */
    static int lz4Block(byte[] in, int from, int to, byte[] out) {
        int ip = from;
        int op = 0;
        while (ip < to) {
            int token = in[ip++] & 0xff;
            int literals = token >>> 4;
            if (literals == 15) {
                int more;
                do {
                    more = in[ip++] & 0xff;
                    literals += more;
                } while (more == 255);
            }
            if (ip + literals > to || op + literals > out.length) {
                throw new IllegalArgumentException("LZ4 literals run past the block");
            }
            System.arraycopy(in, ip, out, op, literals);
            ip += literals;
            op += literals;
            if (ip >= to) {
                break; // the last sequence: literals only
            }
            int offset = (in[ip] & 0xff) | (in[ip + 1] & 0xff) << 8;
            ip += 2;
            int match = token & 0x0f;
            if (match == 15) {
                int more;
                do {
                    more = in[ip++] & 0xff;
                    match += more;
                } while (more == 255);
            }
            match += 4;
            if (offset == 0 || offset > op || op + match > out.length) {
                throw new IllegalArgumentException("LZ4 match outside the output");
            }
            for (int i = 0; i < match; i++, op++) { // byte by byte: a match may overlap what it copies
                out[op] = out[op - offset];
            }
        }
        return op;
    }

    /** True for a 64-bit little-endian ELF with a "Xen" note of type {@link #PHYS32_ENTRY_NOTE} in a PT_NOTE segment. */
    static boolean hasPvhNote(byte[] elf) {
        if (elf.length < 64 || elf[0] != 0x7f || elf[1] != 'E' || elf[2] != 'L' || elf[3] != 'F' || elf[4] != 2 || elf[5] != 1) {
            return false;
        }
        ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        long phoff = b.getLong(0x20);
        int phentsize = Short.toUnsignedInt(b.getShort(0x36));
        int phnum = Short.toUnsignedInt(b.getShort(0x38));
        for (int i = 0; i < phnum; i++) {
            long ph = phoff + (long) i * phentsize;
            if (ph + 56 > elf.length || b.getInt((int) ph) != 4) { // PT_NOTE
                continue;
            }
            long off = b.getLong((int) ph + 8);
            long end = off + b.getLong((int) ph + 32);
            while (off + 12 <= end && end <= elf.length) {
                int nameSize = b.getInt((int) off);
                int descSize = b.getInt((int) off + 4);
                int type = b.getInt((int) off + 8);
                long name = off + 12;
                if (type == PHYS32_ENTRY_NOTE && nameSize == 4 && name + 4 <= elf.length
                        && elf[(int) name] == 'X' && elf[(int) name + 1] == 'e' && elf[(int) name + 2] == 'n' && elf[(int) name + 3] == 0) {
                    return true;
                }
                off = name + align4(nameSize) + align4(descSize);
            }
        }
        return false;
    }

    private static long align4(int n) {
        return (Integer.toUnsignedLong(n) + 3) & ~3L;
    }
}

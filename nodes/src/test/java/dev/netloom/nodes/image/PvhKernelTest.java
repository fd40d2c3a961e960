package dev.netloom.nodes.image;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PvhKernelTest {

    @Test
    void lz4Block_literalsThenAMatchThatOverlapsItself_repeatsWhatItPointsAt() {
        // "abc", then 9 bytes copied from 3 back (overlapping what is being written), then "X"
        byte[] block = {0x35, 'a', 'b', 'c', 0x03, 0x00, 0x10, 'X'};
        byte[] out = new byte[64];
        int n = PvhKernel.lz4Block(block, 0, block.length, out);
        assertThat(new String(out, 0, n, StandardCharsets.US_ASCII)).isEqualTo("abcabcabcabcX");
    }

    @Test
    void lz4Block_longLiteralAndMatchLengths_addTheirExtraBytes() {
        // 1 literal, a match of 300 from 1 back (15 + 255 + 26 + 4), then 20 literals (15 + 5)
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[]{0x1f, 'a', 0x01, 0x00, (byte) 255, 26});
        b.write(0xf0);
        b.write(5);
        b.writeBytes("01234567890123456789".getBytes(StandardCharsets.US_ASCII));
        byte[] block = b.toByteArray();
        byte[] out = new byte[400];
        int n = PvhKernel.lz4Block(block, 0, block.length, out);
        assertThat(new String(out, 0, n, StandardCharsets.US_ASCII)).isEqualTo("a".repeat(301) + "01234567890123456789");
    }

    @Test
    void lz4Block_matchBeforeTheStart_isRefused() {
        byte[] block = {0x10, 'a', 0x05, 0x00, 0x10, 'b'};
        assertThatThrownBy(() -> PvhKernel.lz4Block(block, 0, block.length, new byte[64])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void extract_lz4PayloadWithAPvhNote_givesTheElf() {
        byte[] elf = elf(true);
        assertThat(PvhKernel.extract(bzImage(lz4Legacy(elf, elf.length)))).hasValueSatisfying(e -> assertThat(e).isEqualTo(elf));
    }

    @Test
    void extract_gzipPayloadWithAPvhNote_givesTheElf() throws IOException {
        byte[] elf = elf(true);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(elf);
        }
        assertThat(PvhKernel.extract(bzImage(gz.toByteArray()))).hasValueSatisfying(e -> assertThat(e).isEqualTo(elf));
    }

    @Test
    void extract_elfWithoutThePvhNote_givesNothing() {
        byte[] elf = elf(false);
        assertThat(PvhKernel.extract(bzImage(lz4Legacy(elf, elf.length)))).isEmpty();
    }

    @Test
    void extract_sizeThatDoesNotMatch_givesNothing() {
        byte[] elf = elf(true);
        assertThat(PvhKernel.extract(bzImage(lz4Legacy(elf, elf.length + 1)))).isEmpty();
    }

    @Test
    void extract_otherCompressionsAndOtherFiles_giveNothing() {
        byte[] xz = {(byte) 0xfd, '7', 'z', 'X', 'Z', 0, 1, 2, 3, 4, 5, 6};
        assertThat(PvhKernel.extract(bzImage(xz))).isEmpty();
        assertThat(PvhKernel.extract(elf(true))).isEmpty();
        assertThat(PvhKernel.extract(new byte[100])).isEmpty();
        byte[] truncated = bzImage(lz4Legacy(elf(true), 144));
        assertThat(PvhKernel.extract(Arrays.copyOf(truncated, truncated.length - 20))).isEmpty();
    }

    @Test
    void hasPvhNote_looksForXensPhys32EntryNote() {
        assertThat(PvhKernel.hasPvhNote(elf(true))).isTrue();
        assertThat(PvhKernel.hasPvhNote(elf(false))).isFalse();
        assertThat(PvhKernel.hasPvhNote("not an elf at all, but long enough to be read as one.......".getBytes(StandardCharsets.US_ASCII))).isFalse();
    }

    /** A 64-bit ELF whose only program header is a PT_NOTE with one Xen note: PHYS32_ENTRY (18), or another type. */
    private static byte[] elf(boolean pvh) {
        ByteBuffer b = ByteBuffer.allocate(144).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[]{0x7f, 'E', 'L', 'F', 2, 1, 1});
        b.putLong(0x20, 64);          // e_phoff
        b.putShort(0x36, (short) 56); // e_phentsize
        b.putShort(0x38, (short) 1);  // e_phnum
        b.putInt(64, 4);              // p_type: PT_NOTE
        b.putLong(64 + 8, 120);       // p_offset
        b.putLong(64 + 32, 24);       // p_filesz
        b.putInt(120, 4).putInt(124, 8).putInt(128, pvh ? PvhKernel.PHYS32_ENTRY_NOTE : 5);
        b.put(132, new byte[]{'X', 'e', 'n', 0});
        b.putInt(136, 0x1000000);
        return b.array();
    }

    /** {@code data} as an LZ4 legacy frame of one literal-only block, with the kernel's size field ({@code size}) after it. */
    private static byte[] lz4Legacy(byte[] data, int size) {
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        int literals = data.length;
        block.write(Math.min(literals, 15) << 4);
        for (int rest = literals - 15; rest >= 0; rest -= 255) {
            block.write(Math.min(rest, 255));
            if (rest < 255) {
                break;
            }
        }
        block.writeBytes(data);
        ByteBuffer b = ByteBuffer.allocate(12 + block.size()).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(PvhKernel.LZ4_LEGACY_MAGIC).putInt(block.size()).put(block.toByteArray()).putInt(size);
        return b.array();
    }

    /** A bzImage: one setup sector after the boot sector, the boot protocol's header, and {@code payload} 16 bytes into the protected-mode code. */
    private static byte[] bzImage(byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(1024 + 16 + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0x1f1, (byte) 1);
        b.putInt(0x202, 0x53726448);
        b.putInt(0x248, 16);
        b.putInt(0x24c, payload.length);
        b.put(1024 + 16, payload);
        return b.array();
    }
}

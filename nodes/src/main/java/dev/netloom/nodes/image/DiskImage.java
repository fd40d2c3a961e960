package dev.netloom.nodes.image;

import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.host.Proc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a directory tree into a bootable root disk without mounting anything or touching loop
 * devices: {@code mkfs.ext4 -d DIR} writes the tree into a raw ext4 image, {@code qemu-img convert}
 * makes it qcow2. The file system is sized from the tree's contents plus headroom plus the space the
 * caller asks for, so the guest has room to write (on its per-node overlay).
 */
public final class DiskImage {

    static final long BLOCK = 4096;
    static final long MIB = 1024 * 1024;
    /** Journal, group descriptors, bitmaps and what mkfs keeps for itself on a small file system. */
    static final long FIXED_OVERHEAD = 64 * MIB;
    static final long INODE_SIZE = 256;

    private DiskImage() {
    }

    /** What a tree holds, as ext4 will need it: 4 KiB blocks of data and one inode per entry. */
    public record Usage(long blocks, long entries) {

        public long bytes() {
            return blocks * BLOCK;
        }
    }

    /** The geometry of the file system: its size in bytes and its inode count. */
    public record Layout(long sizeBytes, long inodes) {

        public long sizeMiB() {
            return sizeBytes / MIB;
        }
    }

    /**
     * Size and inodes for a tree with {@code usage}, plus {@code extraBytes} of free space for the guest:
     * data + 10% + the inode tables + fixed overhead, rounded up to whole MiB; inodes for the tree's
     * entries plus half again, and at least one per 64 KiB of the extra space (at least 16384 more).
     */
    public static Layout layout(Usage usage, long extraBytes) {
        if (extraBytes < 0) {
            throw new IllegalArgumentException("extra space must not be negative: " + extraBytes);
        }
        long inodes = usage.entries() + Math.max(usage.entries() / 2, 16384) + extraBytes / (64 * 1024);
        long bytes = usage.bytes() + usage.bytes() / 10 + inodes * INODE_SIZE + FIXED_OVERHEAD + extraBytes;
        long mib = (bytes + MIB - 1) / MIB;
        return new Layout(mib * MIB, inodes);
    }

    /** Walks {@code dir} (not following links) and counts what ext4 will need for it. */
    public static Usage measure(Path dir) {
        long[] blocks = {0};
        long[] entries = {0};
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                    entries[0]++;
                    blocks[0]++;
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                    entries[0]++;
                    if (attrs.isRegularFile() || (attrs.isSymbolicLink() && attrs.size() >= 60)) {
                        // sparse files are counted at their full length: mkfs -d writes them whole or sparse; either fits
                        blocks[0] += (attrs.size() + BLOCK - 1) / BLOCK;
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path f, IOException e) {
                    entries[0]++;
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot measure " + dir, e);
        }
        return new Usage(blocks[0], entries[0]);
    }

    /**
     * Writes the tree {@code rootfs} into a new qcow2 image {@code qcow2} whose file system has
     * {@code extraBytes} free beyond the tree's contents. {@code label} is the ext4 volume label.
     * The raw image is made next to the target and removed afterwards. Returns the layout used.
     */
    public static Layout fromTree(Path rootfs, Path qcow2, long extraBytes, String label) {
        Layout layout = layout(measure(rootfs), extraBytes);
        Path raw = qcow2.resolveSibling(qcow2.getFileName() + ".raw");
        try {
            Files.deleteIfExists(raw);
            List<String> mkfs = new ArrayList<>(List.of("mkfs.ext4", "-q", "-F", "-t", "ext4",
                    "-d", rootfs.toString(),
                    "-L", label,
                    "-m", "0",                       // no blocks reserved for root: the guest is root
                    "-N", Long.toString(layout.inodes()),
                    "-E", "root_owner=0:0",
                    raw.toString(), layout.sizeMiB() + "M"));
            Proc.Result r = Proc.run(mkfs, null, null, Duration.ofMinutes(20));
            if (!r.ok()) {
                throw new NetloomException("mkfs.ext4 -d could not write " + rootfs + " into a " + layout.sizeMiB() + " MiB file system (exit "
                        + r.exitCode() + "): " + Proc.lastLine(r.stderr().isBlank() ? r.stdout() : r.stderr()));
            }
            Proc.run(List.of("qemu-img", "convert", "-q", "-f", "raw", "-O", "qcow2", raw.toString(), qcow2.toString()),
                    null, null, Duration.ofMinutes(20)).orThrow();
            return layout;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                Files.deleteIfExists(raw);
            } catch (IOException e) {
                // the caller's staging directory goes away anyway
            }
        }
    }
}

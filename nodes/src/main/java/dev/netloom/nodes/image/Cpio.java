package dev.netloom.nodes.image;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Writes a directory tree as an uncompressed cpio archive in the "newc" format the Linux kernel
 * unpacks as an initramfs. Every entry is owned by root and dated 0, so the same tree always gives
 * the same bytes, and no fakeroot is needed.
 */
public final class Cpio {

    private static final int S_IFDIR = 0040000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFLNK = 0120000;

    private Cpio() {
    }

    public static void write(Path tree, Path archive) throws IOException {
        List<Path> entries;
        try (Stream<Path> walk = Files.walk(tree)) {
            entries = walk.filter(p -> !p.equals(tree)).sorted().toList();
        }
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(archive), 1 << 16)) {
            int ino = 1;
            for (Path p : entries) {
                String name = tree.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    byte[] target = Files.readSymbolicLink(p).toString().getBytes(StandardCharsets.UTF_8);
                    entry(out, ino++, S_IFLNK | 0777, name, target.length);
                    out.write(target);
                    pad(out, target.length);
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    entry(out, ino++, S_IFDIR | mode(p), name, 0);
                } else {
                    long size = Files.size(p);
                    entry(out, ino++, S_IFREG | mode(p), name, size);
                    Files.copy(p, out);
                    pad(out, size);
                }
            }
            entry(out, 0, 0, "TRAILER!!!", 0);
        }
    }

    private static void entry(OutputStream out, int ino, int mode, String name, long size) throws IOException {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        StringBuilder h = new StringBuilder("070701");
        long[] fields = {ino, mode, 0, 0, 1, 0, size, 0, 0, 0, 0, nameBytes.length + 1, 0};
        for (long f : fields) {
            h.append(String.format("%08x", f));
        }
        out.write(h.toString().getBytes(StandardCharsets.US_ASCII));
        out.write(nameBytes);
        out.write(0);
        pad(out, 110 + nameBytes.length + 1);
    }

    private static void pad(OutputStream out, long length) throws IOException {
        for (long i = length; i % 4 != 0; i++) {
            out.write(0);
        }
    }

    private static int mode(Path p) throws IOException {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
        int mode = 0;
        for (PosixFilePermission perm : perms) {
            mode |= switch (perm) {
                case OWNER_READ -> 0400;
                case OWNER_WRITE -> 0200;
                case OWNER_EXECUTE -> 0100;
                case GROUP_READ -> 040;
                case GROUP_WRITE -> 020;
                case GROUP_EXECUTE -> 010;
                case OTHERS_READ -> 04;
                case OTHERS_WRITE -> 02;
                case OTHERS_EXECUTE -> 01;
            };
        }
        return mode;
    }
}

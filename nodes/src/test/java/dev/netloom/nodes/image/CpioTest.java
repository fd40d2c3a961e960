package dev.netloom.nodes.image;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CpioTest {

    /** One parsed newc entry: the header's fields, its name and data, and where the header started. */
    private record Entry(long offset, long ino, int mode, long uid, long gid, long nlink, long mtime, String name, byte[] data) {
    }

    @TempDir
    Path tmp;
    private Path tree;

    @BeforeEach
    void makeTree() throws IOException {
        tree = Files.createDirectories(tmp.resolve("tree"));
        Path bin = Files.createDirectories(tree.resolve("bin"));
        Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path etc = Files.createDirectories(tree.resolve("etc"));
        Files.setPosixFilePermissions(etc, PosixFilePermissions.fromString("rwx------"));
        Files.writeString(tree.resolve("init"), "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(tree.resolve("init"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(etc.resolve("profile"), "PS1='# '\n");
        Files.setPosixFilePermissions(etc.resolve("profile"), PosixFilePermissions.fromString("rw-r--r--"));
        Files.write(bin.resolve("empty"), new byte[0]);
        Files.setPosixFilePermissions(bin.resolve("empty"), PosixFilePermissions.fromString("rw-r--r--"));
        Files.createSymbolicLink(bin.resolve("sh"), Path.of("busybox"));
    }

    @Test
    void write_tree_givesNewcEntriesWithNamesModesSizesAndLinkTargets() throws IOException {
        Path archive = tmp.resolve("initrd.cpio");
        Cpio.write(tree, archive);
        List<Entry> entries = parse(Files.readAllBytes(archive));

        assertThat(entries).extracting(Entry::name)
                .containsExactly("bin", "bin/empty", "bin/sh", "etc", "etc/profile", "init", "TRAILER!!!");
        assertThat(entry(entries, "bin").mode()).isEqualTo(0040755);
        assertThat(entry(entries, "etc").mode()).isEqualTo(0040700);
        assertThat(entry(entries, "init").mode()).isEqualTo(0100755);
        assertThat(entry(entries, "etc/profile").mode()).isEqualTo(0100644);
        assertThat(entry(entries, "bin/sh").mode()).isEqualTo(0120777);

        assertThat(new String(entry(entries, "init").data(), StandardCharsets.UTF_8)).isEqualTo("#!/bin/sh\necho hi\n");
        assertThat(new String(entry(entries, "etc/profile").data(), StandardCharsets.UTF_8)).isEqualTo("PS1='# '\n");
        assertThat(entry(entries, "bin/empty").data()).isEmpty();
        assertThat(new String(entry(entries, "bin/sh").data(), StandardCharsets.UTF_8)).isEqualTo("busybox");
        assertThat(entry(entries, "bin").data()).isEmpty();
    }

    @Test
    void write_everyEntry_isOwnedByRootDatedZeroAndStartsOnFourBytes() throws IOException {
        Path archive = tmp.resolve("initrd.cpio");
        Cpio.write(tree, archive);
        byte[] bytes = Files.readAllBytes(archive);
        List<Entry> entries = parse(bytes);

        assertThat(bytes.length % 4).isZero();
        for (Entry e : entries) {
            assertThat(e.offset() % 4).as("offset of %s", e.name()).isZero();
            assertThat(e.uid()).as("uid of %s", e.name()).isZero();
            assertThat(e.gid()).as("gid of %s", e.name()).isZero();
            assertThat(e.mtime()).as("mtime of %s", e.name()).isZero();
        }
        Entry trailer = entries.get(entries.size() - 1);
        assertThat(trailer.name()).isEqualTo("TRAILER!!!");
        assertThat(trailer.mode()).isZero();
        assertThat(entries.subList(0, entries.size() - 1)).extracting(Entry::ino).doesNotHaveDuplicates().doesNotContain(0L);
        assertThat(entries.subList(0, entries.size() - 1)).extracting(Entry::nlink).containsOnly(1L);
    }

    @Test
    void write_sameTreeTwice_givesTheSameBytes() throws IOException {
        Cpio.write(tree, tmp.resolve("a.cpio"));
        Files.setLastModifiedTime(tree.resolve("init"), java.nio.file.attribute.FileTime.fromMillis(0));
        Cpio.write(tree, tmp.resolve("b.cpio"));
        assertThat(Files.readAllBytes(tmp.resolve("b.cpio"))).isEqualTo(Files.readAllBytes(tmp.resolve("a.cpio")));
    }

    @Test
    void write_emptyTree_givesOnlyTheTrailer() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Cpio.write(empty, tmp.resolve("e.cpio"));
        assertThat(parse(Files.readAllBytes(tmp.resolve("e.cpio")))).extracting(Entry::name).containsExactly("TRAILER!!!");
    }

    private static Entry entry(List<Entry> entries, String name) {
        return entries.stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow();
    }

    /** Reads a newc archive up to and including its trailer, checking the magic, padding and check field. */
    private static List<Entry> parse(byte[] bytes) {
        List<Entry> entries = new ArrayList<>();
        int pos = 0;
        while (true) {
            int start = pos;
            String header = new String(bytes, pos, 110, StandardCharsets.US_ASCII);
            assertThat(header).as("magic at %d", pos).startsWith("070701");
            long[] f = new long[13];
            for (int i = 0; i < 13; i++) {
                f[i] = Long.parseLong(header.substring(6 + 8 * i, 14 + 8 * i), 16);
            }
            long fileSize = f[6];
            int nameSize = (int) f[11];
            assertThat(f[12]).as("check field").isZero();
            pos += 110;
            assertThat(bytes[pos + nameSize - 1]).as("name is NUL-terminated").isZero();
            String name = new String(bytes, pos, nameSize - 1, StandardCharsets.UTF_8);
            pos = align(pos + nameSize, bytes);
            byte[] data = Arrays.copyOfRange(bytes, pos, pos + (int) fileSize);
            pos = align(pos + (int) fileSize, bytes);
            entries.add(new Entry(start, f[0], (int) f[1], f[2], f[3], f[4], f[5], name, data));
            if (name.equals("TRAILER!!!")) {
                assertThat(pos).as("nothing after the trailer").isEqualTo(bytes.length);
                return entries;
            }
        }
    }

    /** Skips the zero padding to the next multiple of four, checking that it is zeros. */
    private static int align(int pos, byte[] bytes) {
        while (pos % 4 != 0) {
            assertThat(bytes[pos]).as("padding at %d", pos).isZero();
            pos++;
        }
        return pos;
    }
}

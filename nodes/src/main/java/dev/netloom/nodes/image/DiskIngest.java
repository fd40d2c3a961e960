package dev.netloom.nodes.image;

import com.fasterxml.jackson.databind.JsonNode;
import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.Json;
import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.host.Proc;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Brings an import's files into a staging directory: the disk as a standalone qcow2 base (gzip
 * decompressed, qcow2 copied, other formats converted with qemu-img, after checks that it is a disk
 * at all), and the kernel and initrd for direct boot. Knows nothing of kinds or manifests.
 */
final class DiskIngest {

    /** Formats qemu-img recognises that a node's qcow2 overlay can sit on (after conversion). */
    static final Set<String> FORMATS = Set.of("raw", "qcow2", "qcow", "vmdk", "vdi", "vhdx", "vpc", "qed", "parallels", "dmg");

    /** What {@code qemu-img info} says about a disk. */
    record DiskInfo(String format, long virtualSize, String backingFile, boolean encrypted) {
    }

    enum Compression {
        NONE("", ""), GZIP("gzip", "gunzip"), XZ("xz", "unxz"), ZSTD("zstd", "unzstd"), BZIP2("bzip2", "bunzip2"), ZIP("zip", "unzip");

        final String description;
        final String tool;

        Compression(String description, String tool) {
            this.description = description;
            this.tool = tool;
        }
    }

    private final Consumer<String> say;

    DiskIngest(Consumer<String> say) {
        this.say = say;
    }

    /** Puts the request's disk (as {@link ImageStore#DISK}) and kernel and initrd into {@code stage}; returns the source's SHA-256. */
    String ingest(ImportRequest r, Path stage) throws IOException {
        String fingerprint = importDisk(r, stage);
        if (r.kernel() != null) {
            Files.copy(r.kernel(), stage.resolve(ImageStore.KERNEL));
            if (r.initrd() != null) {
                Files.copy(r.initrd(), stage.resolve(ImageStore.INITRD));
            }
        }
        return fingerprint;
    }

    /** Puts the disk into {@code stage} as a qcow2 file; returns the source's SHA-256. */
    private String importDisk(ImportRequest r, Path stage) throws IOException {
        Path source = r.file();
        Path unpacked = null;
        Compression compression = compression(source);
        if (compression == Compression.GZIP) {
            unpacked = stage.resolve("source.unpacked");
            say.accept("decompressing " + source.getFileName());
            long bytes = gunzip(source, unpacked);
            say.accept("decompressed " + bytes / 1_000_000 + " MB");
            source = unpacked;
        } else if (compression != Compression.NONE) {
            throw new BadInputException(r.file() + " is " + compression.description + "-compressed: netloom reads gzip only;"
                    + " decompress it first (" + compression.tool + " " + r.file().getFileName() + ")");
        }
        String fingerprint = sha256(r.file());
        DiskInfo info = probe(source, r.file());
        if (!FORMATS.contains(info.format())) {
            throw new BadInputException(r.file() + " is a " + info.format() + " image, which netloom does not import: use one of "
                    + String.join(", ", FORMATS.stream().sorted().toList()) + " (qemu-img convert -O qcow2 can make one)");
        }
        if (info.encrypted()) {
            throw new BadInputException(r.file() + " is encrypted: decrypt it first (qemu-img convert --object secret,... -O qcow2)");
        }
        boolean iso = info.format().equals("raw") && isIso9660(source);
        if (info.format().equals("raw")) {
            checkRaw(source, r.file(), r.kernel() != null);
        }
        Path disk = stage.resolve(ImageStore.DISK);
        if (info.format().equals("qcow2") && info.backingFile() == null) {
            say.accept("copying the qcow2 disk");
            Files.copy(source, disk);
        } else {
            say.accept("converting the " + (iso ? "raw disk (a hybrid ISO 9660 image, booted as a hard disk)" : info.format() + " disk") + " to qcow2");
            Proc.run(List.of("qemu-img", "convert", "-q", "-f", info.format(), "-O", "qcow2", source.toString(), disk.toString()),
                    Duration.ofMinutes(30)).orThrow();
        }
        if (unpacked != null) {
            Files.deleteIfExists(unpacked);
        }
        return fingerprint;
    }

    /**
     * A raw image must be whole sectors, and one that boots by itself needs a boot sector (MBR or GPT's
     * protective MBR). An ISO 9660 image has one only when it is hybrid (grub-mkrescue's are): a
     * CD-only ISO boots from El Torito on a CD-ROM drive, and netloom attaches every disk as a hard disk.
     */
    static void checkRaw(Path source, Path shownAs, boolean directKernel) throws IOException {
        long size = Files.size(source); // qemu-img rounds a raw file's size up to whole sectors
        if (size == 0 || size % 512 != 0) {
            throw new BadInputException(shownAs + " is not a disk image: qemu-img sees raw data of " + size
                    + " bytes, not whole 512-byte sectors (is it the right file? OpenWrt's is *-combined.img.gz)");
        }
        if (directKernel || hasBootSignature(source)) {
            return;
        }
        if (isIso9660(source)) {
            throw new BadInputException(shownAs + " is an ISO 9660 image that boots only from a CD-ROM (no hybrid boot sector at byte 510),"
                    + " and netloom attaches disks as hard disks: make it hybrid (grub-mkrescue's ISOs are, see images/grub/make-iso;"
                    + " isolinux ISOs: isohybrid FILE, from syslinux-utils), or pass --kernel (and --initrd) for direct boot");
        }
        throw new BadInputException(shownAs + " has no boot sector (no 0x55AA signature at byte 510), and no --kernel was given,"
                + " so nothing could boot it: import a bootable disk, or pass --kernel (and --initrd) for direct boot");
    }

    /** True when the file holds an ISO 9660 file system: its first volume descriptor ("CD001") at 32 KiB. */
    static boolean isIso9660(Path raw) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "r")) {
            if (f.length() < 0x8006) {
                return false;
            }
            f.seek(0x8001);
            byte[] id = new byte[5];
            f.readFully(id);
            return new String(id, StandardCharsets.US_ASCII).equals("CD001");
        }
    }

    static boolean hasBootSignature(Path raw) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "r")) {
            if (f.length() < 512) {
                return false;
            }
            f.seek(510);
            return f.read() == 0x55 && f.read() == 0xAA;
        }
    }

    /** {@code qemu-img info --output=json}; a file qemu-img cannot open is bad input. */
    static DiskInfo probe(Path file, Path shownAs) {
        Proc.Result r = Proc.run(List.of("qemu-img", "info", "--output=json", file.toString()), Duration.ofMinutes(1));
        if (!r.ok()) {
            throw new BadInputException("qemu-img cannot read " + shownAs + " as a disk image: " + Proc.lastLine(r.stderr())
                    + " (is it the right file?)");
        }
        try {
            JsonNode j = Json.MAPPER.readTree(r.stdout());
            String backing = j.path("backing-filename").isMissingNode() ? null : j.path("backing-filename").asText(null);
            return new DiskInfo(j.path("format").asText(""), j.path("virtual-size").asLong(0), backing,
                    j.path("encrypted").asBoolean(false));
        } catch (IOException e) {
            throw new NetloomException("cannot parse qemu-img's description of " + shownAs + ": " + e.getMessage(), e);
        }
    }

    /** Tells compressed files by their magic bytes, not their names. */
    static Compression compression(Path file) throws IOException {
        byte[] head = new byte[6];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        }
        if (n >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
            return Compression.GZIP;
        }
        if (n >= 6 && (head[0] & 0xff) == 0xfd && head[1] == '7' && head[2] == 'z' && head[3] == 'X' && head[4] == 'Z' && head[5] == 0) {
            return Compression.XZ;
        }
        if (n >= 4 && (head[0] & 0xff) == 0x28 && (head[1] & 0xff) == 0xb5 && (head[2] & 0xff) == 0x2f && (head[3] & 0xff) == 0xfd) {
            return Compression.ZSTD;
        }
        if (n >= 3 && head[0] == 'B' && head[1] == 'Z' && head[2] == 'h') {
            return Compression.BZIP2;
        }
        if (n >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
            return Compression.ZIP;
        }
        return Compression.NONE;
    }

    /**
     * Decompresses a gzip file; returns the bytes written. Data after the last gzip member is ignored,
     * as gzip does with its "trailing garbage ignored" warning: OpenWrt appends its image metadata
     * (and a signature) to the compressed stream. A truncated or corrupt stream is bad input.
     */
    static long gunzip(Path gz, Path out) {
        try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(gz), 1 << 16), 1 << 16);
             OutputStream o = Files.newOutputStream(out)) {
            return in.transferTo(o);
        } catch (EOFException e) {
            throw new BadInputException(gz + " is truncated: its gzip stream ends early (download it again)", e);
        } catch (ZipException e) {
            throw new BadInputException(gz + " is not a valid gzip file (" + e.getMessage() + "): download it again", e);
        } catch (IOException e) {
            throw new NetloomException("cannot decompress " + gz + ": " + e.getMessage(), e);
        }
    }

    /** SHA-256 of the imported file, as the manifest's fingerprint (what was imported). */
    static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16),
                MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(OutputStream.nullOutputStream());
            return "sha256:" + HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

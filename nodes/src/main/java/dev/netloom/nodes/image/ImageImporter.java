package dev.netloom.nodes.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.host.Proc;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Imports a disk image someone else made into the image store: a generic image (the user says how its
 * console looks), an OpenWrt x86-64 combined image, or a cloud image that cloud-init provisions from
 * the NoCloud seed netloom attaches at start. The disk becomes a qcow2 base (copied, or converted with
 * qemu-img), next to the manifest. Everything is checked before anything is written, and the import
 * happens in a staging directory, so a failure leaves nothing under the image's name.
 */
public final class ImageImporter {

    public static final String GENERIC = "generic";
    public static final String OPENWRT = "openwrt";
    public static final String CLOUD = "cloud";
    public static final List<String> KINDS = List.of(GENERIC, OPENWRT, CLOUD);

    /** procd's line once init has run; the console then waits for Enter, which the boot detector sends. */
    public static final String OPENWRT_BOOT_PATTERN = "procd: - init complete -";
    /** OpenWrt's PS1 gives "root@OpenWrt:~# " (user@host:dir#); busybox ash may add a cursor-position query. */
    public static final String OPENWRT_PROMPT_PATTERN = "root@[^\\s:]+:[^\\n]*# (\\x1b\\[6n)?$";
    public static final int OPENWRT_MEMORY_MIB = 128;
    /** Debian's and Ubuntu's bash PS1 for root; readline may switch bracketed paste on around it. */
    public static final String CLOUD_PROMPT_PATTERN = "root@[^\\s:]+:[^\\n]*# (\\x1b\\[\\?2004h)?$";
    public static final int CLOUD_MEMORY_MIB = 512;
    public static final int GENERIC_MEMORY_MIB = 256;

    /** Formats qemu-img recognises that a node's qcow2 overlay can sit on (after conversion). */
    static final Set<String> FORMATS = Set.of("raw", "qcow2", "qcow", "vmdk", "vdi", "vhdx", "vpc", "qed", "parallels", "dmg");
    static final Set<String> CAPABILITIES = Set.of(ImageManifest.GUEST_NETEM);
    static final String DISK = "disk.qcow2";
    static final String KERNEL = "vmlinuz";
    static final String INITRD = "initrd.img";

    /**
     * What to import and how its console looks. Null fields take the kind's defaults; generic images
     * have none for the patterns.
     *
     * @param kind            generic, openwrt or cloud
     * @param file            the disk image (may be gzip-compressed)
     * @param name            the image's name in the store, or null for one derived from the file name
     * @param memoryMiB       default guest memory, or null
     * @param bootPattern     regex of the console line that says the system is up (--boot-pattern)
     * @param promptPattern   regex of the shell prompt (--prompt)
     * @param loginPattern    regex of a login prompt, or null for an auto-logged-in console
     * @param username        sent at the login prompt
     * @param passwordPattern regex of the password prompt, or null
     * @param password        sent at the password prompt
     * @param kernel          kernel for direct boot, or null when the disk boots itself
     * @param initrd          initramfs for direct boot, or null
     * @param kernelArgs      kernel command line for direct boot
     * @param capabilities    e.g. guest-netem
     * @param force           replace an image of the same name
     */
    public record Request(String kind, Path file, String name, Integer memoryMiB,
                          String bootPattern, String promptPattern, String loginPattern, String username,
                          String passwordPattern, String password, Path kernel, Path initrd, String kernelArgs,
                          List<String> capabilities, boolean force) {

        public Request {
            capabilities = capabilities == null ? List.of() : List.copyOf(capabilities);
        }

        /** A request with every option at its default. */
        public static Request of(String kind, Path file) {
            return new Request(kind, file, null, null, null, null, null, null, null, null, null, null, null, List.of(), false);
        }

        public Request withName(String n) {
            return new Request(kind, file, n, memoryMiB, bootPattern, promptPattern, loginPattern, username, passwordPattern, password,
                    kernel, initrd, kernelArgs, capabilities, force);
        }

        public Request withPatterns(String boot, String prompt) {
            return new Request(kind, file, name, memoryMiB, boot, prompt, loginPattern, username, passwordPattern, password,
                    kernel, initrd, kernelArgs, capabilities, force);
        }

        public Request withLogin(String login, String user, String passwordPrompt, String pass) {
            return new Request(kind, file, name, memoryMiB, bootPattern, promptPattern, login, user, passwordPrompt, pass,
                    kernel, initrd, kernelArgs, capabilities, force);
        }

        public Request withKernel(Path k, Path i, String args) {
            return new Request(kind, file, name, memoryMiB, bootPattern, promptPattern, loginPattern, username, passwordPattern, password,
                    k, i, args, capabilities, force);
        }

        public Request withMemory(Integer mib) {
            return new Request(kind, file, name, mib, bootPattern, promptPattern, loginPattern, username, passwordPattern, password,
                    kernel, initrd, kernelArgs, capabilities, force);
        }

        public Request withCapabilities(List<String> caps) {
            return new Request(kind, file, name, memoryMiB, bootPattern, promptPattern, loginPattern, username, passwordPattern, password,
                    kernel, initrd, kernelArgs, caps, force);
        }

        public Request withForce(boolean f) {
            return new Request(kind, file, name, memoryMiB, bootPattern, promptPattern, loginPattern, username, passwordPattern, password,
                    kernel, initrd, kernelArgs, capabilities, f);
        }
    }

    /** What {@code qemu-img info} says about a disk. */
    record DiskInfo(String format, long virtualSize, String backingFile, boolean encrypted) {
    }

    private final ImageStore store;
    private final Consumer<String> say;

    public ImageImporter(ImageStore store, Consumer<String> say) {
        this.store = store;
        this.say = say;
    }

    /** Checks the request, imports the disk (and kernel) into the store and writes the manifest. */
    public ImageManifest importImage(Request request) {
        ImageManifest draft = manifestFor(request);
        if (!request.force() && store.find(draft.name()).isPresent()) {
            throw new BadInputException("image '" + draft.name() + "' is already in the store " + store.root()
                    + ": pass --force to replace it, or --name to import it under another name");
        }
        // no store.removeStaleBuilds() here: it cannot tell a crashed build from one running right now
        Path stage = store.stage(draft.name());
        try {
            String fingerprint = importDisk(request, stage);
            if (request.kernel() != null) {
                Files.copy(request.kernel(), stage.resolve(KERNEL));
                if (request.initrd() != null) {
                    Files.copy(request.initrd(), stage.resolve(INITRD));
                }
            }
            ImageManifest manifest = withFingerprint(draft, fingerprint);
            manifest.write(stage);
            store.commit(stage, draft.name());
            say.accept("imported " + request.file() + " as " + request.kind() + " image " + draft.name() + " in " + store.dir(draft.name())
                    + " (" + ImageStore.sizeOf(store.dir(draft.name())) / 1_000_000 + " MB)");
            return manifest;
        } catch (IOException e) {
            throw new NetloomException("importing " + request.file() + " failed: " + e.getMessage(), e);
        } finally {
            ImageStore.deleteTree(stage);
        }
    }

    /**
     * The manifest the import will write, from the request alone (no disk access beyond existence
     * checks): every option is validated here, so errors come before any work.
     */
    public static ImageManifest manifestFor(Request r) {
        if (r.kind() == null || !KINDS.contains(r.kind())) {
            throw new BadInputException("unknown image kind '" + r.kind() + "': netloom imports " + String.join(", ", KINDS));
        }
        requireFile(r.file(), "FILE", "the disk image to import");
        String name = r.name() != null ? r.name() : defaultName(r.kind(), r.file());
        if (!ImageStore.NAME.matcher(name).matches()) {
            throw new BadInputException("invalid image name '" + name + "'" + (r.name() == null ? " (derived from the file name)" : "")
                    + ": pass --name with 1-32 characters of a-z, 0-9, '-' and '_', starting with a letter");
        }
        String boot = r.bootPattern();
        String prompt = r.promptPattern();
        int memory = GENERIC_MEMORY_MIB;
        List<String> caps = r.capabilities();
        switch (r.kind()) {
            case OPENWRT -> {
                boot = boot != null ? boot : OPENWRT_BOOT_PATTERN;
                prompt = prompt != null ? prompt : OPENWRT_PROMPT_PATTERN;
                memory = OPENWRT_MEMORY_MIB;
            }
            case CLOUD -> {
                if (r.loginPattern() != null) {
                    throw new BadInputException("--login-pattern does not apply to cloud images: the NoCloud seed logs root in on ttyS0"
                            + " (import the image as generic to log in with credentials)");
                }
                boot = boot != null ? boot : Pattern.quote(NoCloudSeed.BOOT_MARKER);
                prompt = prompt != null ? prompt : CLOUD_PROMPT_PATTERN;
                memory = CLOUD_MEMORY_MIB;
            }
            default -> {
                if (boot == null) {
                    throw new BadInputException("--boot-pattern is required for a generic image: a regex of the console line"
                            + " that says the system is up (e.g. 'systemd\\[1\\]: Startup finished' or your init's last line)");
                }
                if (prompt == null) {
                    throw new BadInputException("--prompt is required for a generic image: a regex of the root shell prompt (e.g. '# $')");
                }
            }
        }
        compile(boot, "--boot-pattern");
        compile(prompt, "--prompt");
        if (r.loginPattern() != null) {
            compile(r.loginPattern(), "--login-pattern");
            if (r.username() == null || r.username().isBlank()) {
                throw new BadInputException("--login-pattern needs --username: the user to log in as (e.g. --username root)");
            }
        } else if (r.username() != null || r.passwordPattern() != null) {
            throw new BadInputException((r.username() != null ? "--username" : "--password-pattern")
                    + " needs --login-pattern: a regex of the console's login prompt (e.g. 'login: $')");
        }
        if (r.passwordPattern() != null) {
            compile(r.passwordPattern(), "--password-pattern");
            if (r.password() == null) {
                throw new BadInputException("--password-pattern needs --password: what to type at the password prompt");
            }
        } else if (r.password() != null) {
            throw new BadInputException("--password needs --password-pattern: a regex of the password prompt (e.g. 'Password: $')");
        }
        for (String s : new String[] {r.username(), r.password()}) {
            if (s != null && s.chars().anyMatch(c -> c < 0x20)) {
                throw new BadInputException("--username and --password must be one line without control characters");
            }
        }
        if (r.kernel() != null) {
            requireFile(r.kernel(), "--kernel", "a kernel for direct boot");
        } else if (r.initrd() != null || r.kernelArgs() != null) {
            throw new BadInputException((r.initrd() != null ? "--initrd" : "--append")
                    + " needs --kernel: without a kernel the disk boots with its own bootloader and kernel command line");
        }
        if (r.initrd() != null) {
            requireFile(r.initrd(), "--initrd", "an initramfs for direct boot");
        }
        if (r.kernelArgs() != null && r.kernelArgs().chars().anyMatch(c -> c < 0x20)) {
            throw new BadInputException("--append must be one line");
        }
        if (r.memoryMiB() != null) {
            if (r.memoryMiB() < 16) {
                throw new BadInputException("--memory " + r.memoryMiB() + "M is too little: give at least 16M (e.g. --memory 256M)");
            }
            memory = r.memoryMiB();
        }
        for (String c : caps) {
            if (!CAPABILITIES.contains(c)) {
                throw new BadInputException("unknown capability '" + c + "' in --capability: known are " + String.join(", ", CAPABILITIES));
            }
        }
        return new ImageManifest(name, r.kind(), r.kernel() == null ? null : KERNEL,
                r.initrd() == null ? null : INITRD, DISK, "qcow2", r.kernel() == null ? null : r.kernelArgs(), memory,
                boot, r.loginPattern(), r.username(), r.passwordPattern(), r.password(), prompt, caps, null);
    }

    /**
     * The image name a file gives: its base name without compression and disk extensions, lower case,
     * other characters as '-', cut at a '-' to 32 characters. OpenWrt images are "openwrt" by default.
     */
    public static String defaultName(String kind, Path file) {
        if (OPENWRT.equals(kind)) {
            return "openwrt";
        }
        String base = file.getFileName().toString().toLowerCase(Locale.ROOT);
        base = base.replaceFirst("\\.(gz|xz|zst|bz2)$", "");
        base = base.replaceFirst("\\.(img|qcow2|qcow|raw|vmdk|vdi|vhdx|vhd|qed|iso)$", "");
        String name = base.replaceAll("[^a-z0-9_-]+", "-").replaceAll("-{2,}", "-").replaceAll("^[^a-z]+", "");
        if (name.length() > 32) {
            int cut = name.lastIndexOf('-', 32);
            name = name.substring(0, cut > 0 ? cut : 32);
        }
        name = name.replaceAll("[-_]+$", "");
        return name.isEmpty() ? kind : name;
    }

    /** Parses --memory: 256M, 1G, 512 (MiB). */
    public static int parseMemory(String text) {
        Matcher m = Pattern.compile("(\\d{1,7})\\s*([MG]?)(i?B)?", Pattern.CASE_INSENSITIVE).matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            throw new BadInputException("--memory '" + text + "' is not a size: use e.g. 256M or 1G");
        }
        int n = Integer.parseInt(m.group(1));
        return m.group(2).equalsIgnoreCase("G") ? n * 1024 : n;
    }

    // ---- the disk ----

    /** Puts the disk into {@code stage} as a qcow2 file; returns the source's SHA-256. */
    private String importDisk(Request r, Path stage) throws IOException {
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
        if (info.format().equals("raw")) {
            checkRaw(source, r, info);
        }
        Path disk = stage.resolve(DISK);
        if (info.format().equals("qcow2") && info.backingFile() == null) {
            say.accept("copying the qcow2 disk");
            Files.copy(source, disk);
        } else {
            say.accept("converting the " + info.format() + " disk to qcow2");
            Proc.run(List.of("qemu-img", "convert", "-q", "-f", info.format(), "-O", "qcow2", source.toString(), disk.toString()),
                    Duration.ofMinutes(30)).orThrow();
        }
        if (unpacked != null) {
            Files.deleteIfExists(unpacked);
        }
        return fingerprint;
    }

    /** A raw image must be whole sectors, and one that boots by itself needs a boot sector (MBR or GPT's protective MBR). */
    private static void checkRaw(Path source, Request r, DiskInfo info) throws IOException {
        long size = Files.size(source); // qemu-img rounds a raw file's size up to whole sectors
        if (size == 0 || size % 512 != 0) {
            throw new BadInputException(r.file() + " is not a disk image: qemu-img sees raw data of " + size
                    + " bytes, not whole 512-byte sectors (is it the right file? OpenWrt's is *-combined.img.gz)");
        }
        if (r.kernel() == null && !hasBootSignature(source)) {
            throw new BadInputException(r.file() + " has no boot sector (no 0x55AA signature at byte 510), and no --kernel was given,"
                    + " so nothing could boot it: import a bootable disk, or pass --kernel (and --initrd) for direct boot");
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
            JsonNode j = new ObjectMapper().readTree(r.stdout());
            String backing = j.path("backing-filename").isMissingNode() ? null : j.path("backing-filename").asText(null);
            return new DiskInfo(j.path("format").asText(""), j.path("virtual-size").asLong(0), backing,
                    j.path("encrypted").asBoolean(false));
        } catch (IOException e) {
            throw new NetloomException("cannot parse qemu-img's description of " + shownAs + ": " + e.getMessage(), e);
        }
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

    private static void requireFile(Path file, String option, String what) {
        if (file == null) {
            throw new BadInputException(option + " is missing: give " + what);
        }
        if (!Files.isRegularFile(file)) {
            throw new BadInputException(option + " " + file + (Files.exists(file) ? " is not a regular file" : " does not exist")
                    + ": give " + what);
        }
        if (!Files.isReadable(file)) {
            throw new BadInputException(option + " " + file + " is not readable: check its permissions");
        }
    }

    private static void compile(String regex, String option) {
        try {
            Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new BadInputException(option + " '" + regex + "' is not a valid regular expression: "
                    + e.getDescription() + " near index " + e.getIndex() + " (quote literal characters such as [ ( . with \\)", e);
        }
    }

    private static ImageManifest withFingerprint(ImageManifest m, String fingerprint) {
        return new ImageManifest(m.name(), m.kind(), m.kernel(), m.initrd(), m.disk(), m.diskFormat(), m.kernelArgs(), m.memoryMiB(),
                m.bootPattern(), m.loginPattern(), m.username(), m.passwordPattern(), m.password(), m.promptPattern(),
                m.capabilities(), fingerprint);
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

package dev.netloom.nodes.image;

import dev.netloom.nodes.Install;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.Json;
import dev.netloom.nodes.qemu.Arch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/**
 * The manifest ({@code image.json}) of a node image: what to boot and how to recognise each boot
 * phase on the serial console. Paths are relative to the image directory.
 *
 * @param name            the image's name in the store
 * @param kind            the name of an {@link ImageKind}: tiny, debian, cloud, openwrt or generic ({@link ImageKinds})
 * @param kernel          kernel for direct boot, or null for a disk that boots by itself
 * @param initrd          initramfs, or null
 * @param disk            base disk image (never written: nodes run on a qcow2 overlay), or null
 * @param diskFormat      qcow2 or raw
 * @param kernelArgs      kernel command line (netloom appends netloom.hostname=NODE)
 * @param memoryMiB       default guest memory
 * @param bootPattern     regex of the kernel/init line that says the system is up
 * @param loginPattern    regex of a login prompt, or null for an auto-logged-in console
 * @param username        user to log in as when there is a login prompt
 * @param passwordPattern regex of the password prompt, or null
 * @param password        password to send, or null
 * @param promptPattern   regex of the shell prompt
 * @param capabilities    e.g. {@code guest-netem}: the guest has tc and sch_netem
 * @param fingerprint     hash of the build inputs; a rebuild with the same inputs is a no-op
 * @param arch            the guest's CPU architecture, which picks the QEMU that runs it; x86_64 when
 *                        the manifest has none (every image made before arm64 nodes existed)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ImageManifest(
        String name,
        String kind,
        String kernel,
        String initrd,
        String disk,
        String diskFormat,
        String kernelArgs,
        int memoryMiB,
        String bootPattern,
        String loginPattern,
        String username,
        String passwordPattern,
        String password,
        String promptPattern,
        List<String> capabilities,
        String fingerprint,
        Arch arch) {

    public static final String FILE = "image.json";
    public static final String GUEST_NETEM = "guest-netem";
    /** The guest has virtio_balloon and reports its free pages to the host (nodes get the balloon device). */
    public static final String FREE_PAGE_REPORTING = "free-page-reporting";
    /**
     * The guest keeps a login shell for people on its second serial port (ttyS1; on arm64 a virtio
     * console, hvc0): {@code netloom console}'s own terminal (docs/consoles.md).
     */
    public static final String HUMAN_CONSOLE = "human-console";

    /** Manifests written by a newer netloom may carry fields this one does not know. */
    private static final ObjectReader READER = Json.MAPPER.readerFor(ImageManifest.class)
            .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public ImageManifest {
        capabilities = capabilities == null ? List.of() : List.copyOf(capabilities);
        arch = arch == null ? Arch.X86_64 : arch;
    }

    /** A manifest of an x86_64 image (the shape callers used before other architectures existed). */
    public ImageManifest(String name, String kind, String kernel, String initrd, String disk, String diskFormat, String kernelArgs,
                         int memoryMiB, String bootPattern, String loginPattern, String username, String passwordPattern,
                         String password, String promptPattern, List<String> capabilities, String fingerprint) {
        this(name, kind, kernel, initrd, disk, diskFormat, kernelArgs, memoryMiB, bootPattern, loginPattern, username,
                passwordPattern, password, promptPattern, capabilities, fingerprint, Arch.X86_64);
    }

    @JsonIgnore
    public boolean has(String capability) {
        return capabilities.contains(capability);
    }

    /**
     * Reads the manifest of the image in {@code dir}. Its file paths must stay inside {@code dir}: a
     * manifest that names {@code ../x}, an absolute path or a symbolic link leading out of the image
     * directory is refused, so an image (possibly someone else's) cannot make QEMU open host files.
     */
    public static ImageManifest read(Path dir) {
        Path file = dir.resolve(FILE);
        ImageManifest m;
        try {
            m = READER.readValue(file.toFile());
        } catch (IOException e) {
            throw new BadInputException("cannot read image manifest " + file + ": " + e.getMessage()
                    + " (rebuild the image with `" + Install.cli() + " images build NAME --force`)", e);
        }
        checkInside(file, dir, "kernel", m.kernel());
        checkInside(file, dir, "initrd", m.initrd());
        checkInside(file, dir, "disk", m.disk());
        return m;
    }

    /** Refuses {@code path} (the manifest's {@code field}) unless it names a file inside {@code dir}, links resolved. */
    static void checkInside(Path manifest, Path dir, String field, String path) {
        if (path == null) {
            return;
        }
        String fix = "; image.json paths name files inside the image directory, such as \"vmlinuz\""
                + " (rebuild or re-import the image)";
        if (path.isBlank() || path.indexOf('\0') >= 0 || Path.of(path).isAbsolute()) {
            throw new BadInputException(manifest + ": \"" + field + "\": \"" + path + "\" is not a relative path" + fix);
        }
        try {
            Path realDir = dir.toRealPath();
            Path target = realDir.resolve(path).normalize();
            if (!target.startsWith(realDir) || target.equals(realDir)) {
                throw new BadInputException(manifest + ": \"" + field + "\": \"" + path + "\" leaves the image directory " + realDir + fix);
            }
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) { // a dangling link fails to resolve: refused too
                Path real = target.toRealPath();
                if (!real.startsWith(realDir)) {
                    throw new BadInputException(manifest + ": \"" + field + "\": \"" + path + "\" is a symbolic link to " + real
                            + ", outside the image directory " + realDir + fix);
                }
            }
        } catch (IOException e) {
            throw new BadInputException(manifest + ": \"" + field + "\": cannot resolve \"" + path + "\" (" + e.getMessage() + ")", e);
        }
    }

    public void write(Path dir) throws IOException {
        Files.writeString(dir.resolve(FILE), Json.PRETTY.writeValueAsString(this) + "\n");
    }
}
